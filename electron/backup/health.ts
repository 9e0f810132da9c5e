// The journal's health at start. Before the journal opens: a staged restore is applied, then the
// file is checked (PRAGMA quick_check + the tail of the audit chain) and compared with what this
// till last knew of it (journal.known.json: its id and its last audit entry). A corrupt,
// truncated, missing or swapped file is never replaced by a fresh one: the till starts in its
// damaged-journal mode (electron/backup/damaged.ts), which keeps the file as it is.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditHashAt, inspectJournalFile, type InspectProblem, type JournalFacts } from './inspect.js';
import { applyPendingRestore, type AppliedRestore } from './restore.js';
import { writeFileAtomic } from '../settings/store.js';

export const KNOWN_STATE_FILE = 'journal.known.json';

/** What the till last saw of its journal: a later file must contain it. */
export interface KnownState {
  journalId: string;
  auditSeq: number;
  auditHash: string;
  at: string;
}

export type DamageKind = InspectProblem | 'replaced' | 'rolled_back';

export type JournalHealth =
  | { state: 'new'; restored: null; restoreRefused: string | null }
  | { state: 'ok'; facts: JournalFacts; restored: AppliedRestore | null; restoreRefused: string | null }
  | { state: 'damaged'; kind: DamageKind; detail: string; path: string; known: KnownState | null; restoreRefused: string | null };

export function readKnownState(dataDir: string): KnownState | null {
  const p = join(dataDir, KNOWN_STATE_FILE);
  if (!existsSync(p)) return null;
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as KnownState;
    return typeof v.journalId === 'string' && Number.isInteger(v.auditSeq) ? v : null;
  } catch {
    return null;
  }
}

export function recordKnownState(dataDir: string, s: KnownState): void {
  const prev = readKnownState(dataDir);
  // Only forward: a backup that finishes after a newer start must not move the mark back.
  if (prev && prev.journalId === s.journalId && prev.auditSeq > s.auditSeq) return;
  writeFileAtomic(join(dataDir, KNOWN_STATE_FILE), `${JSON.stringify(s, null, 2)}\n`, 0o644);
}

/** The known state of an open journal (its last audit entry), read through its connection. */
export function knownStateOf(db: { prepare(sql: string): { get(...a: unknown[]): unknown } }, at: string): KnownState {
  const id = (db.prepare(`SELECT value FROM journal_meta WHERE key = 'journal_id'`).get() as { value: string }).value;
  const last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return { journalId: id, auditSeq: last?.seq ?? 0, auditHash: last?.hash ?? '0'.repeat(64), at };
}

export async function checkJournalAtStart(opts: { dataDir: string; journalPath: string; now?: () => number; log?: (line: string) => void }): Promise<JournalHealth> {
  const log = opts.log ?? (() => undefined);
  const nowIso = new Date((opts.now ?? Date.now)()).toISOString();
  const pending = await applyPendingRestore(opts.journalPath, opts.dataDir, nowIso.replace(/[-:.]/g, ''));
  let restored: AppliedRestore | null = null;
  let restoreRefused: string | null = null;
  if (pending && 'applied' in pending) {
    restored = pending.applied;
    log(`journal: restored from ${restored.restoredFrom} (${restored.facts.auditSeq} audit entries); the journal it replaced is kept as ${restored.keptAs ?? '(none)'}`);
    // The restored file is what the till now knows: the older known state no longer applies.
    writeFileAtomic(join(opts.dataDir, KNOWN_STATE_FILE), `${JSON.stringify({ journalId: restored.facts.journalId, auditSeq: restored.facts.auditSeq, auditHash: restored.facts.auditHash, at: nowIso }, null, 2)}\n`, 0o644);
  } else if (pending) {
    restoreRefused = pending.refused;
    log(`journal: the staged restore was not applied: ${pending.refused}`);
  }
  const known = readKnownState(opts.dataDir);
  const path = opts.journalPath;
  const damaged = (kind: DamageKind, detail: string): JournalHealth => {
    log(`journal: DAMAGED (${kind}): ${detail}. The file is kept as it is; mobile payments are refused until it is restored from a backup.`);
    return { state: 'damaged', kind, detail, path, known, restoreRefused };
  };
  if (!existsSync(path) || (statSync(path).size === 0 && !known)) {
    if (known) return damaged('missing', `the journal file ${path} is gone (it held ${known.auditSeq} audit entries on ${known.at})`);
    return { state: 'new', restored: null, restoreRefused };
  }
  const check = inspectJournalFile(path, { check: 'quick', audit: 'tail' });
  if (!check.ok) return damaged(check.problem, check.detail);
  if (known) {
    if (known.journalId !== check.journalId) return damaged('replaced', `the file is journal ${check.journalId}, but this till's journal is ${known.journalId}`);
    if (check.auditSeq < known.auditSeq) {
      return damaged('rolled_back', `the journal has ${check.auditSeq} audit entries, but it had ${known.auditSeq} on ${known.at}: it was cut short or replaced by an older copy`);
    }
    if (known.auditSeq > 0 && auditHashAt(path, known.auditSeq) !== known.auditHash) {
      return damaged('replaced', `audit entry ${known.auditSeq} differs from the one this till wrote: the file was replaced`);
    }
  }
  recordKnownState(opts.dataDir, { journalId: check.journalId, auditSeq: check.auditSeq, auditHash: check.auditHash, at: nowIso });
  return { state: 'ok', facts: check, restored, restoreRefused };
}
