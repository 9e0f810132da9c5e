// Journal backups: SQLite's online backup API (better-sqlite3 `backup`) copies the live journal
// page by page while the till keeps selling, on every shift close and once a day, into a folder
// of the manager's choice (a second disk, a USB stick). Each copy is verified before it counts
// (integrity_check + the whole audit chain), described by a manifest beside it, and the folder
// is rotated to a named count. A failed copy never pushes a good one out.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { inspectJournalFile, type JournalFacts } from './inspect.js';
import { writeFileAtomic } from '../settings/store.js';
import { sqliteOptions } from '../app/native.js';

/** Backups kept by default (two weeks of daily copies, fewer when shifts close often). */
export const DEFAULT_BACKUP_KEEP = 14;
/** How often the daily backup looks whether today's copy exists (it runs at most once a day). */
export const DAILY_BACKUP_CHECK_MS = 60 * 60_000;
/** Pages the online backup copies per step; the till's writes go on between steps. */
export const BACKUP_PAGES_PER_STEP = 256;
/** Manifests read when listing a folder (a folder with more is not ours to read through). */
export const MAX_BACKUPS_LISTED = 1_000;

export type BackupReason = 'shift-close' | 'daily' | 'manual';
const REASONS: readonly BackupReason[] = ['shift-close', 'daily', 'manual'];
const NAME = /^journal-([A-Za-z0-9]{4,12})-(\d{8}T\d{9}Z)-(shift-close|daily|manual)\.sqlite$/;

export interface BackupManifest extends JournalFacts {
  file: string;
  reason: BackupReason;
  createdAt: string;
  /** The local date of the copy: the daily backup runs once per date. */
  localDate: string;
  sha256: string;
  verifiedAt: string;
  appVersion: string;
}

export interface BackupStatus {
  dir: string;
  keep: number;
  count: number;
  latest: BackupManifest | null;
  lastError: { at: string; message: string } | null;
  running: boolean;
}

export interface BackupServiceOptions {
  db: Database.Database;
  /** The backup folder of the moment (a setting). */
  dir: () => string;
  keep: () => number;
  appVersion: string;
  now?: () => number;
  log?: (line: string) => void;
  /** After each verified copy (health records what the journal held then). */
  onVerified?: (m: BackupManifest) => void;
}

export function localDateOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function stamp(ms: number): string {
  // 2026-03-01T10:20:30.456Z → 20260301T102030456Z (sortable, no ':' for Windows file names)
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The verified backups in a folder, newest first (files without a readable manifest are not counted). */
export function listBackups(dir: string): BackupManifest[] {
  if (!existsSync(dir)) return [];
  const out: BackupManifest[] = [];
  for (const name of readdirSync(dir).filter((n) => NAME.test(n)).slice(0, MAX_BACKUPS_LISTED)) {
    const manifestPath = join(dir, `${name}.json`);
    if (!existsSync(manifestPath)) continue;
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as BackupManifest;
      if (m.file !== name || !REASONS.includes(m.reason) || statSync(join(dir, name)).size !== m.sizeBytes) continue;
      out.push(m);
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * Copies an open journal to `target` with the online backup API, makes the copy a standalone
 * file (rollback journal instead of WAL, so it opens read-only anywhere) and verifies it fully.
 */
export async function backupTo(db: Database.Database, target: string): Promise<JournalFacts> {
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    await db.backup(partial, { progress: () => BACKUP_PAGES_PER_STEP });
    const copy = new BetterSqlite(partial, sqliteOptions({ fileMustExist: true }));
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const check = inspectJournalFile(partial, { check: 'full', audit: 'full' });
    if (!check.ok) throw new BackupError(`the copy did not verify (${check.problem}: ${check.detail})`);
    renameSync(partial, target);
    return check;
  } finally {
    rmSync(partial, { force: true });
  }
}

export class BackupService {
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private running: Promise<BackupManifest> | null = null;
  private lastError: { at: string; message: string } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: BackupServiceOptions) {
    this.now = o.now ?? Date.now;
    this.log = o.log ?? (() => undefined);
  }

  /** One backup now; a second call while one runs waits for it (one copy at a time). */
  backupNow(reason: BackupReason): Promise<BackupManifest> {
    if (this.running) return this.running;
    this.running = this.run(reason).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(reason: BackupReason): Promise<BackupManifest> {
    const dir = this.o.dir();
    const at = this.now();
    try {
      mkdirSync(dir, { recursive: true });
      const journalId = (this.o.db.prepare(`SELECT value FROM journal_meta WHERE key = 'journal_id'`).get() as { value: string }).value;
      const file = `journal-${journalId}-${stamp(at)}-${reason}.sqlite`;
      const facts = await backupTo(this.o.db, join(dir, file));
      const manifest: BackupManifest = {
        ...facts, file, reason, createdAt: new Date(at).toISOString(), localDate: localDateOf(at),
        sha256: await sha256File(join(dir, file)), verifiedAt: new Date(this.now()).toISOString(), appVersion: this.o.appVersion,
      };
      writeFileAtomic(join(dir, `${file}.json`), `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
      this.lastError = null;
      const removed = this.rotate(dir, journalId);
      this.log(`backup: ${file} verified (${facts.auditSeq} audit entries, ${facts.sizeBytes} bytes)${removed ? `; ${removed} older backup(s) rotated out` : ''}`);
      this.o.onVerified?.(manifest);
      return manifest;
    } catch (err) {
      const message = `backup (${reason}) to ${dir} failed: ${(err as Error).message}`;
      this.lastError = { at: new Date(at).toISOString(), message };
      this.log(message);
      throw new BackupError(message);
    }
  }

  /** Keeps the newest `keep` verified backups of this journal; removes the older ones (file + manifest). */
  private rotate(dir: string, journalId: string): number {
    const keep = Math.max(1, this.o.keep());
    const mine = listBackups(dir).filter((m) => m.journalId === journalId);
    let removed = 0;
    for (const old of mine.slice(keep)) {
      rmSync(join(dir, old.file), { force: true });
      rmSync(join(dir, `${old.file}.json`), { force: true });
      removed++;
    }
    return removed;
  }

  list(): BackupManifest[] {
    return listBackups(this.o.dir());
  }

  status(): BackupStatus {
    const list = this.list();
    return { dir: this.o.dir(), keep: this.o.keep(), count: list.length, latest: list[0] ?? null, lastError: this.lastError, running: this.running !== null };
  }

  /** Runs the daily backup when today has none yet. */
  async dailyIfDue(): Promise<BackupManifest | null> {
    const today = localDateOf(this.now());
    if (this.list().some((m) => m.localDate === today)) return null;
    return this.backupNow('daily');
  }

  startDaily(): void {
    if (this.timer) return;
    const tick = () => void this.dailyIfDue().catch(() => undefined);
    tick();
    this.timer = setInterval(tick, DAILY_BACKUP_CHECK_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for a copy under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}
