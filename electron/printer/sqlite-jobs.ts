// The durable PrintJobStore: table print_jobs of the journal database (migration 051).
// Each call is one transaction; state moves are checked here (assertJobTransition) and again by
// the table's trigger.
import type Database from 'better-sqlite3';
import { normalizeDoc, type PrintDocKind } from './documents.js';
import { assertJobTransition, MAX_LIST_LIMIT, PrintJobStateError, type NewPrintJob, type PrintJobRecord, type PrintJobState, type PrintJobStore } from './jobs.js';
import type { PaperWidth } from './layout.js';

interface Row {
  id: number;
  kind: PrintDocKind;
  ref: string;
  doc: string;
  paper: PaperWidth;
  state: PrintJobState;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  reprintOf: number | null;
  createdAt: string;
  updatedAt: string;
  printedAt: string | null;
}

const COLUMNS = `id, kind, ref, doc, paper, state, attempts, error_code AS errorCode, error, reprint_of AS reprintOf,
  created_at AS createdAt, updated_at AS updatedAt, printed_at AS printedAt`;
/** Longest error text kept per job. */
export const MAX_JOB_ERROR_CHARS = 500;

function toRecord(r: Row): PrintJobRecord {
  // A stored document is read back through the same schema: a damaged row is refused loudly.
  const n = normalizeDoc(JSON.parse(r.doc));
  if (!n.ok) throw new PrintJobStateError(`print job ${r.id}: stored document is invalid: ${n.issues[0]!.path}: ${n.issues[0]!.message}`);
  return { ...r, doc: n.doc };
}

export class SqlitePrintJobStore implements PrintJobStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insert: db.prepare(`INSERT INTO print_jobs (kind, ref, doc, paper, state, attempts, reprint_of, created_at, updated_at)
        VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING id`),
      get: db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE id = ?`),
      state: db.prepare('SELECT state FROM print_jobs WHERE id = ?'),
      start: db.prepare(`UPDATE print_jobs SET state = 'printing', attempts = attempts + 1, updated_at = ? WHERE id = ?`),
      printed: db.prepare(`UPDATE print_jobs SET state = 'printed', error_code = NULL, error = NULL, updated_at = ?, printed_at = ? WHERE id = ?`),
      failed: db.prepare(`UPDATE print_jobs SET state = 'failed', error_code = ?, error = ?, updated_at = ? WHERE id = ?`),
      latestOriginal: db.prepare(`SELECT ${COLUMNS} FROM print_jobs INDEXED BY print_jobs_ref WHERE kind = ? AND ref = ? AND reprint_of IS NULL ORDER BY id DESC LIMIT 1`),
    };
  }

  create(job: NewPrintJob): PrintJobRecord {
    const { id } = this.s.insert.get(job.kind, job.ref, JSON.stringify(job.doc), job.paper, job.reprintOf, job.at, job.at) as { id: number };
    return this.get(id)!;
  }

  private move(id: number, to: PrintJobState, run: () => void): void {
    this.db
      .transaction(() => {
        const row = this.s.state.get(id) as { state: PrintJobState } | undefined;
        if (!row) throw new PrintJobStateError(`print job ${id}: not found`);
        assertJobTransition(id, row.state, to);
        run();
      })
      .immediate();
  }

  startAttempt(id: number, at: string): void {
    this.move(id, 'printing', () => this.s.start.run(at, id));
  }

  markPrinted(id: number, at: string): void {
    this.move(id, 'printed', () => this.s.printed.run(at, at, id));
  }

  markFailed(id: number, code: string, message: string, at: string): void {
    const text = message.length > MAX_JOB_ERROR_CHARS ? `${message.slice(0, MAX_JOB_ERROR_CHARS - 1)}…` : message;
    this.move(id, 'failed', () => this.s.failed.run(code, text, at, id));
  }

  get(id: number): PrintJobRecord | null {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  latestOriginal(kind: PrintDocKind, ref: string): PrintJobRecord | null {
    const r = this.s.latestOriginal.get(kind, ref) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  list(filter: { states?: readonly PrintJobState[]; ref?: string; limit: number }): PrintJobRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.states) {
      if (filter.states.length === 0) return [];
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    if (filter.ref !== undefined) {
      where.push('ref = ?');
      args.push(filter.ref);
    }
    const limit = Math.max(1, Math.min(filter.limit, MAX_LIST_LIMIT));
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM print_jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, limit) as Row[];
    return rows.map(toRecord);
  }
}
