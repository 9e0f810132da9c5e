// The audit log: every change to money state leaves one entry, and each entry carries the hash
// of the one before it, so an edit or a deletion anywhere in the file breaks the chain at that
// point. `verifyAuditChain` walks the chain and reports the first broken link.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  at: string;
  kind: string;
  subject: string;
  /** Any JSON-serialisable value; stored as the exact text that is hashed. */
  data: unknown;
}

export interface AuditRow {
  seq: number;
  at: string;
  kind: string;
  subject: string;
  data: string;
  prevHash: string;
  hash: string;
}

export type AuditCheck =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; firstBrokenSeq: number; reason: string };

export function auditHash(prevHash: string, seq: number, at: string, kind: string, subject: string, data: string): string {
  // Fields joined by a separator that cannot occur in them unescaped (JSON escapes control chars).
  return createHash('sha256').update(`${prevHash}\u0001${seq}\u0001${at}\u0001${kind}\u0001${subject}\u0001${data}`).digest('hex');
}

export class AuditLog {
  private readonly last: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare('INSERT INTO audit_log (seq, at, kind, subject, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Appends one entry. Call inside the transaction that makes the change it describes. */
  append(entry: AuditEntryInput): void {
    if (!this.db.inTransaction) throw new Error('audit entries are written inside the transaction of their change');
    const prev = this.last.get() as { seq: number; hash: string } | undefined;
    const seq = (prev?.seq ?? 0) + 1;
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const data = JSON.stringify(entry.data ?? null);
    this.insert.run(seq, entry.at, entry.kind, entry.subject, data, prevHash, auditHash(prevHash, seq, entry.at, entry.kind, entry.subject, data));
  }

  entries(subject?: string): AuditRow[] {
    const sql = `SELECT seq, at, kind, subject, data, prev_hash AS prevHash, hash FROM audit_log ${subject === undefined ? '' : 'WHERE subject = ?'} ORDER BY seq`;
    const stmt = this.db.prepare(sql);
    return (subject === undefined ? stmt.all() : stmt.all(subject)) as AuditRow[];
  }

  /** Walks the whole chain from the start; reports the first entry whose link or hash is wrong. */
  verify(): AuditCheck {
    return verifyAuditRows(this.db.prepare('SELECT seq, at, kind, subject, data, prev_hash AS prevHash, hash FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>);
  }
}

/** Checks a chain given in seq order (the till's own log, or a copy of it at the head office). */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditCheck {
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  let entries = 0;
  for (const r of rows) {
    entries++;
    const broken = (reason: string): AuditCheck => ({ ok: false, entries, firstBrokenSeq: r.seq, reason });
    if (r.seq !== expectSeq) return broken(`entry ${expectSeq} is missing (next entry is ${r.seq})`);
    if (r.prevHash !== prevHash) return broken(`entry ${r.seq} does not point at the hash of entry ${r.seq - 1}`);
    if (auditHash(r.prevHash, r.seq, r.at, r.kind, r.subject, r.data) !== r.hash) return broken(`entry ${r.seq} was changed after it was written (its hash does not match its content)`);
    prevHash = r.hash;
    expectSeq++;
  }
  return { ok: true, entries, lastHash: prevHash };
}
