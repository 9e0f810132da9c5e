// The print-job journal, as the printer service needs it.
//
// Every document is journaled (as data, payer already masked) before a byte goes to the
// printer, so a failed job can be retried and any receipt reprinted from history. The durable
// implementation lives with the journal (a migration in electron/journal/migrations/05x_*); the
// in-memory one here serves tests and a till running without a journal.
import type { PrintDoc, PrintDocKind } from './documents.js';
import type { PaperWidth } from './layout.js';

/**
 *   queued   — journaled, not sent yet
 *   printing — an attempt is running (left so by a crash: recoverInterrupted() marks it failed)
 *   printed  — the printer took every byte (and answered its status, where it reports one)
 *   failed   — the last attempt failed; retry() sends it again
 */
export type PrintJobState = 'queued' | 'printing' | 'printed' | 'failed';

export interface PrintJobRecord {
  id: number;
  kind: PrintDocKind;
  /** out_trade_no for receipts, out_refund_no for refund slips, "Z:12" / "DAY:2026-11-24" for reports. */
  ref: string;
  doc: PrintDoc;
  /** Paper width when the job was made (a retry renders for the printer configured now). */
  paper: PaperWidth;
  state: PrintJobState;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  /** The job this one reprints, or null for an original. */
  reprintOf: number | null;
  createdAt: string;
  updatedAt: string;
  printedAt: string | null;
}

export interface NewPrintJob {
  kind: PrintDocKind;
  ref: string;
  doc: PrintDoc;
  paper: PaperWidth;
  reprintOf: number | null;
  at: string;
}

/** Synchronous like better-sqlite3: each call is one committed write or one read. */
export interface PrintJobStore {
  create(job: NewPrintJob): PrintJobRecord;
  /** queued|failed → printing, attempts + 1. */
  startAttempt(id: number, at: string): void;
  /** printing → printed. */
  markPrinted(id: number, at: string): void;
  /** queued|printing → failed, with the reason. */
  markFailed(id: number, code: string, message: string, at: string): void;
  get(id: number): PrintJobRecord | null;
  /** The newest original (not a reprint) job of that kind and ref. */
  latestOriginal(kind: PrintDocKind, ref: string): PrintJobRecord | null;
  /** Newest first. */
  list(filter: { states?: readonly PrintJobState[]; ref?: string; limit: number }): PrintJobRecord[];
}

export class PrintJobStateError extends Error {
  override name = 'PrintJobStateError';
}

const ALLOWED: Record<PrintJobState, readonly PrintJobState[]> = {
  queued: ['printing', 'failed'],
  printing: ['printed', 'failed'],
  failed: ['printing'],
  printed: [],
};

/** Throws unless `from → to` is a move the job lifecycle allows (shared by every store). */
export function assertJobTransition(id: number, from: PrintJobState, to: PrintJobState): void {
  if (!ALLOWED[from].includes(to)) throw new PrintJobStateError(`print job ${id}: cannot go from ${from} to ${to}`);
}

export const MAX_LIST_LIMIT = 500;

export class MemoryPrintJobStore implements PrintJobStore {
  private readonly jobs = new Map<number, PrintJobRecord>();
  private nextId = 1;

  create(job: NewPrintJob): PrintJobRecord {
    const rec: PrintJobRecord = {
      id: this.nextId++,
      kind: job.kind,
      ref: job.ref,
      doc: structuredClone(job.doc),
      paper: job.paper,
      state: 'queued',
      attempts: 0,
      errorCode: null,
      error: null,
      reprintOf: job.reprintOf,
      createdAt: job.at,
      updatedAt: job.at,
      printedAt: null,
    };
    this.jobs.set(rec.id, rec);
    return structuredClone(rec);
  }

  private must(id: number): PrintJobRecord {
    const j = this.jobs.get(id);
    if (!j) throw new PrintJobStateError(`print job ${id}: not found`);
    return j;
  }

  startAttempt(id: number, at: string): void {
    const j = this.must(id);
    assertJobTransition(id, j.state, 'printing');
    Object.assign(j, { state: 'printing', attempts: j.attempts + 1, updatedAt: at });
  }

  markPrinted(id: number, at: string): void {
    const j = this.must(id);
    assertJobTransition(id, j.state, 'printed');
    Object.assign(j, { state: 'printed', errorCode: null, error: null, updatedAt: at, printedAt: at });
  }

  markFailed(id: number, code: string, message: string, at: string): void {
    const j = this.must(id);
    assertJobTransition(id, j.state, 'failed');
    Object.assign(j, { state: 'failed', errorCode: code, error: message, updatedAt: at });
  }

  get(id: number): PrintJobRecord | null {
    const j = this.jobs.get(id);
    return j ? structuredClone(j) : null;
  }

  latestOriginal(kind: PrintDocKind, ref: string): PrintJobRecord | null {
    let best: PrintJobRecord | null = null;
    for (const j of this.jobs.values()) if (j.kind === kind && j.ref === ref && j.reprintOf === null && (!best || j.id > best.id)) best = j;
    return best ? structuredClone(best) : null;
  }

  list(filter: { states?: readonly PrintJobState[]; ref?: string; limit: number }): PrintJobRecord[] {
    const limit = Math.min(filter.limit, MAX_LIST_LIMIT);
    return [...this.jobs.values()]
      .filter((j) => (!filter.states || filter.states.includes(j.state)) && (filter.ref === undefined || j.ref === filter.ref))
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map((j) => structuredClone(j));
  }
}
