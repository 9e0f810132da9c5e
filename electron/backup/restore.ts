// Restoring the journal from a backup. A restore never runs under an open journal: it is staged
// (restore-pending.json in the data folder) and applied at the next start before the journal
// opens, or run by `npm run restore` with the till stopped. The file it replaces is moved into
// replaced/ in the data folder, never deleted. A backup older than what the head office already
// holds (fewer audit entries) is refused unless a manager confirms it: sales after it would be
// missing here while the head office has them.
import { copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inspectJournalFile, type JournalFacts } from './inspect.js';
import { sha256File, type BackupManifest } from './backup.js';
import type { HighWaterProvider } from './high-water.js';
import { writeFileAtomic } from '../settings/store.js';

export const PENDING_RESTORE_FILE = 'restore-pending.json';
export const REPLACED_DIR = 'replaced';

export type RestoreRefusal =
  | { code: 'backup_bad'; detail: string }
  | { code: 'older_than_head_office'; backupAuditSeq: number; headOfficeAuditSeq: number; headOfficeAt: string | null }
  | { code: 'head_office_unreachable'; detail: string };

export class RestoreRefused extends Error {
  override name = 'RestoreRefused';
  constructor(readonly refusal: RestoreRefusal, message: string) {
    super(message);
  }
}

export interface RestorePlan {
  backupPath: string;
  facts: JournalFacts;
  sha256: string;
  headOffice: { kind: HighWaterProvider['kind']; auditSeq: number | null; at: string | null };
  /** The manager confirmed a backup older than the head office's copy. */
  confirmedOlder: boolean;
}

/**
 * Checks a backup for a restore: it must verify fully, and if the head office holds more of this
 * journal than the backup has, `confirmOlder` (a manager's confirmation, checked by the caller)
 * must be given.
 */
export async function planRestore(backupPath: string, highWater: HighWaterProvider, confirmOlder: boolean): Promise<RestorePlan> {
  const check = inspectJournalFile(backupPath, { check: 'full', audit: 'full' });
  if (!check.ok) throw new RestoreRefused({ code: 'backup_bad', detail: check.detail }, `the backup ${basename(backupPath)} cannot be restored: ${check.problem}: ${check.detail}`);
  let mark: Awaited<ReturnType<HighWaterProvider['markFor']>>;
  try {
    mark = await highWater.markFor(check.journalId);
  } catch (err) {
    // A head office is set but cannot be asked: the manager decides, knowing it was not checked.
    if (!confirmOlder) {
      throw new RestoreRefused(
        { code: 'head_office_unreachable', detail: (err as Error).message },
        `the head office could not be asked what it holds of this journal (${(err as Error).message}): a manager must confirm restoring ${basename(backupPath)} without that check.`,
      );
    }
    mark = null;
  }
  if (mark && mark.auditSeq > check.auditSeq && !confirmOlder) {
    throw new RestoreRefused(
      { code: 'older_than_head_office', backupAuditSeq: check.auditSeq, headOfficeAuditSeq: mark.auditSeq, headOfficeAt: mark.at },
      `the backup ${basename(backupPath)} is older than what the head office holds (it has ${check.auditSeq} journal entries, the head office ${mark.auditSeq}): the changes after it would be missing at this till. A manager must confirm restoring it.`,
    );
  }
  return {
    backupPath,
    facts: check,
    sha256: await sha256File(backupPath),
    headOffice: { kind: highWater.kind, auditSeq: mark?.auditSeq ?? null, at: mark?.at ?? null },
    confirmedOlder: Boolean(mark && mark.auditSeq > check.auditSeq),
  };
}

export function stageRestore(dataDir: string, plan: RestorePlan, at: string): void {
  writeFileAtomic(join(dataDir, PENDING_RESTORE_FILE), `${JSON.stringify({ ...plan, stagedAt: at }, null, 2)}\n`);
}

export function pendingRestore(dataDir: string): (RestorePlan & { stagedAt: string }) | null {
  const p = join(dataDir, PENDING_RESTORE_FILE);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as RestorePlan & { stagedAt: string };
  } catch {
    return null;
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface AppliedRestore {
  restoredFrom: string;
  facts: JournalFacts;
  /** Where the journal it replaced was moved (null: there was none). */
  keptAs: string | null;
}

/**
 * Puts the backup in place of the journal (closed): the backup is checked again (same sha256,
 * verifies), the current journal and its -wal/-shm move into replaced/, the backup is copied in
 * through a temp file and fsynced.
 */
export async function applyRestore(journalPath: string, dataDir: string, plan: Pick<RestorePlan, 'backupPath' | 'sha256'>, stampText: string): Promise<AppliedRestore> {
  if ((await sha256File(plan.backupPath)) !== plan.sha256) {
    throw new RestoreRefused({ code: 'backup_bad', detail: 'changed since it was chosen' }, `the backup ${basename(plan.backupPath)} changed since it was chosen for the restore: nothing was restored`);
  }
  const check = inspectJournalFile(plan.backupPath, { check: 'full', audit: 'full' });
  if (!check.ok) throw new RestoreRefused({ code: 'backup_bad', detail: check.detail }, `the backup ${basename(plan.backupPath)} no longer verifies (${check.detail}): nothing was restored`);
  let keptAs: string | null = null;
  if (existsSync(journalPath)) {
    const keepDir = join(dataDir, REPLACED_DIR);
    mkdirSync(keepDir, { recursive: true });
    keptAs = join(keepDir, `${basename(journalPath)}.${stampText}`);
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(journalPath + suffix)) renameSync(journalPath + suffix, keptAs + suffix);
    }
  }
  const tmp = `${journalPath}.restoring`;
  copyFileSync(plan.backupPath, tmp);
  fsyncPath(tmp);
  renameSync(tmp, journalPath);
  return { restoredFrom: plan.backupPath, facts: check, keptAs };
}

/** Applies a staged restore, if any; the stage is removed either way (a refusal is returned). */
export async function applyPendingRestore(journalPath: string, dataDir: string, stampText: string): Promise<{ applied: AppliedRestore } | { refused: string } | null> {
  const plan = pendingRestore(dataDir);
  const stage = join(dataDir, PENDING_RESTORE_FILE);
  if (!plan) {
    rmSync(stage, { force: true });
    return null;
  }
  try {
    return { applied: await applyRestore(journalPath, dataDir, plan, stampText) };
  } catch (err) {
    return { refused: (err as Error).message };
  } finally {
    rmSync(stage, { force: true });
  }
}

export type { BackupManifest };
