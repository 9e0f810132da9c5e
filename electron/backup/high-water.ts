// What the head office holds of a till's journal: the high-water mark a restore is compared with.
// The head office room (replication, issue 12) provides the real one; until it is wired, the till
// knows nothing of it and says so (a restore is then told "head office: unknown").
//
// The mark is counted in audit entries: every change of money state leaves exactly one, in order,
// so "the head office holds entries 1..auditSeq of journal X" is the one measure both sides share.

export interface HeadOfficeMark {
  journalId: string;
  /** The highest audit entry of that journal the head office has stored. */
  auditSeq: number;
  /** When the head office received it (ISO), for the words shown to the manager. */
  at: string | null;
}

export interface HighWaterProvider {
  /** 'none': not configured (no head office); otherwise the mark, or null if it holds nothing of this journal. */
  readonly kind: 'none' | 'head-office';
  markFor(journalId: string): Promise<HeadOfficeMark | null>;
}

/** No head office configured: nothing is known, nothing is refused on its account. */
export const NO_HEAD_OFFICE: HighWaterProvider = { kind: 'none', markFor: async () => null };

/** A provider from a function (the replication room's client, or a test). */
export function headOfficeProvider(markFor: (journalId: string) => Promise<HeadOfficeMark | null>): HighWaterProvider {
  return { kind: 'head-office', markFor };
}
