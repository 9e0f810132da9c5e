// Looks at a journal file without changing it: is it an SQLite file, does PRAGMA quick_check (or
// integrity_check) pass, does its audit chain hold (the whole chain, or its tail), which journal
// is it and how far does it go. Used at start (damaged journal), after every backup (verify), by
// restore and by the support bundle. Opens the file read-only: a damaged file stays as it is.
import type { AuditRow } from '../journal/audit.js';
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { auditHash, GENESIS_HASH } from '../journal/audit.js';
import { sqliteOptions } from '../app/native.js';

/** The 16 bytes every SQLite 3 database file starts with. */
const SQLITE_HEADER = 'SQLite format 3\u0000';
/** Audit entries walked at start: a long-lived journal's full chain is checked by backups instead. */
export const AUDIT_TAIL_ENTRIES = 5_000;
/** Problem lines of quick_check / integrity_check kept in a report (SQLite stops at 100 by default). */
export const MAX_CHECK_LINES = 20;

export type InspectProblem =
  | 'missing' // no file
  | 'not_sqlite' // too short, or the header is not SQLite's
  | 'corrupt' // SQLite reports the file malformed, or a check fails
  | 'not_journal' // an SQLite file without the journal's tables
  | 'audit_broken'; // the hash chain of the audit log is broken

export interface JournalFacts {
  journalId: string;
  /** Highest audit entry in the file (0: none) and its hash. */
  auditSeq: number;
  auditHash: string;
  schemaVersion: number;
  /** Audit entries walked by this inspection. */
  auditChecked: number;
  sizeBytes: number;
}

export type Inspection = ({ ok: true } & JournalFacts) | { ok: false; problem: InspectProblem; detail: string; facts: Partial<JournalFacts> };

export interface InspectOptions {
  /** 'quick' (PRAGMA quick_check, at start) or 'full' (integrity_check, after a backup). */
  check: 'quick' | 'full';
  /** 'tail': the last AUDIT_TAIL_ENTRIES entries; 'full': the chain from the genesis hash. */
  audit: 'tail' | 'full';
}

function readHeader(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

type Row = AuditRow;

/** Checks the chain over `rows` (ascending seq); `first` true when rows start at the genesis. */
function verifyRows(rows: readonly Row[], startPrev: string | null): string | null {
  let prev = startPrev;
  let expect = rows[0]?.seq ?? 1;
  for (const r of rows) {
    if (r.seq !== expect) return `audit entry ${expect} is missing (next entry is ${r.seq})`;
    if (prev !== null && r.prevHash !== prev) return `audit entry ${r.seq} does not point at the hash of entry ${r.seq - 1}`;
    if (auditHash(r.prevHash, r.seq, r.at, r.kind, r.subject, r.data) !== r.hash) return `audit entry ${r.seq} was changed after it was written`;
    prev = r.hash;
    expect++;
  }
  return null;
}

export function inspectJournalFile(path: string, opts: InspectOptions): Inspection {
  if (!existsSync(path)) return { ok: false, problem: 'missing', detail: `${path} does not exist`, facts: {} };
  const sizeBytes = statSync(path).size;
  const header = readHeader(path);
  if (header.length < 100 || header.subarray(0, 16).toString('latin1') !== SQLITE_HEADER) {
    return { ok: false, problem: 'not_sqlite', detail: `${path} is not an SQLite database (${sizeBytes} bytes; the header is ${header.length < 16 ? 'cut short' : 'wrong'})`, facts: { sizeBytes } };
  }
  let db: Database.Database;
  try {
    db = new Database(path, sqliteOptions({ readonly: true, fileMustExist: true }));
  } catch (err) {
    return { ok: false, problem: 'corrupt', detail: `SQLite cannot open it: ${(err as Error).message}`, facts: { sizeBytes } };
  }
  const facts: Partial<JournalFacts> = { sizeBytes };
  try {
    const lines = (db.pragma(opts.check === 'quick' ? `quick_check(${MAX_CHECK_LINES})` : `integrity_check(${MAX_CHECK_LINES})`) as Record<string, string>[]).map((r) => String(Object.values(r)[0]));
    if (!(lines.length === 1 && lines[0] === 'ok')) {
      return { ok: false, problem: 'corrupt', detail: `${opts.check === 'quick' ? 'quick_check' : 'integrity_check'}: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (+${lines.length - 3} more)` : ''}`, facts };
    }
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name));
    for (const t of ['journal_meta', 'audit_log', 'attempts', 'schema_migrations']) {
      if (!tables.has(t)) return { ok: false, problem: 'not_journal', detail: `it has no ${t} table: not a journal of this app`, facts };
    }
    const id = db.prepare(`SELECT value FROM journal_meta WHERE key = 'journal_id'`).get() as { value: string } | undefined;
    if (!id) return { ok: false, problem: 'not_journal', detail: 'it has no journal id', facts };
    facts.journalId = id.value;
    facts.schemaVersion = db.pragma('user_version', { simple: true }) as number;
    const cols = 'seq, at, kind, subject, data, prev_hash AS prevHash, hash';
    let rows: Row[];
    let startPrev: string | null;
    if (opts.audit === 'full') {
      rows = db.prepare(`SELECT ${cols} FROM audit_log ORDER BY seq`).all() as Row[];
      startPrev = GENESIS_HASH;
      if (rows.length > 0 && rows[0]!.seq !== 1) return { ok: false, problem: 'audit_broken', detail: `audit entry 1 is missing (first is ${rows[0]!.seq})`, facts };
    } else {
      rows = (db.prepare(`SELECT ${cols} FROM audit_log ORDER BY seq DESC LIMIT ?`).all(AUDIT_TAIL_ENTRIES) as Row[]).reverse();
      startPrev = rows[0]?.seq === 1 ? GENESIS_HASH : null;
    }
    const last = rows.at(-1);
    facts.auditSeq = last?.seq ?? 0;
    facts.auditHash = last?.hash ?? GENESIS_HASH;
    facts.auditChecked = rows.length;
    const broken = verifyRows(rows, startPrev);
    if (broken) return { ok: false, problem: 'audit_broken', detail: broken, facts };
    return { ok: true, journalId: facts.journalId, auditSeq: facts.auditSeq, auditHash: facts.auditHash, schemaVersion: facts.schemaVersion, auditChecked: facts.auditChecked, sizeBytes };
  } catch (err) {
    return { ok: false, problem: 'corrupt', detail: `SQLite reports: ${(err as Error).message}`, facts };
  } finally {
    db.close();
  }
}

/** The audit entry `seq` of a healthy journal file (to compare with what was recorded), or null. */
export function auditHashAt(path: string, seq: number): string | null {
  const db = new Database(path, sqliteOptions({ readonly: true, fileMustExist: true }));
  try {
    const r = db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string } | undefined;
    return r?.hash ?? null;
  } finally {
    db.close();
  }
}
