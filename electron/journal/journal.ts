// The offline journal: one SQLite file (WAL, synchronous=FULL) holding every sale, payment
// attempt, state change, refund, reversal, owed gateway call and audit entry of this till.
// This file is the facade: it opens the file and hands each call to the repository of its
// domain (repos/: attempts and transitions, sales and lines, refunds, outbox, reversals,
// search and totals, the invariant check).
//
// Rules kept here (the engine relies on them):
// - Every write is one transaction that also writes the transition log, the outbox and the audit
//   entry it implies; callers act on a change only after the method returned (= committed).
// - Invariants are asserted before writing (state moves forward, amounts add up) and again on
//   the rows read back inside the same transaction; a violation throws JournalInvariantError and
//   rolls the whole change back. The database's own CHECKs and triggers are a second fence.
// - Writes run one at a time (better-sqlite3 is synchronous; the app has one writer process).
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { Fen } from '../../shared/money.js';
import type { AttemptState, RefundState } from '../../shared/payment.js';
import { sqliteOptions } from '../app/native.js';
import { AuditLog, type AuditCheck } from './audit.js';
import { Confirmations } from './confirmations.js';
import { Durability } from './durability.js';
import { BUSY_TIMEOUT_MS, isoOf, type JournalContext } from './base.js';
import { migrate, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { ReplicationRepo } from './repos/replication.js';
import { AttemptsRepo, type AttemptFieldsChange, type CashSaleInput, type NewAttemptInput, type TransitionChange } from './repos/attempts.js';
import { CatalogueRepo } from './repos/catalogue.js';
import { HeldSalesRepo } from './repos/held.js';
import { checkJournalInvariants } from './repos/invariants.js';
import { LineRefundsRepo } from './repos/line-refunds.js';
import { OutboxRepo } from './repos/outbox.js';
import { RefundsRepo, type NewRefundInput } from './repos/refunds.js';
import { ReportsRepo, type ChannelTotalsRow, type OrderRowData, type SearchQuery, type TotalsFilter } from './repos/reports.js';
import { ReversalsRepo } from './repos/reversals.js';
import { SalesRepo } from './repos/sales.js';
import type { AttemptRow, CashTenderRow, OutboxAction, OutboxRow, RefundRow, ReversalRow, SaleLine, SaleRow, TransitionRow, TransitionSource } from './types.js';

export * from './types.js';
export {
  BUSY_TIMEOUT_MS,
  isoOf,
  JournalConflictError,
  JournalInvariantError,
  localDateOf,
  MAX_REASON_CHARS,
  MAX_SALE_LINES,
  MAX_SEARCH_ROWS,
} from './base.js';
export type { AttemptFieldsChange, NewAttemptInput, TransitionChange } from './repos/attempts.js';
export type { ChannelTotalsRow, OrderRowData, SearchQuery, TotalsFilter } from './repos/reports.js';

export interface JournalOptions {
  /** File path; ':memory:' only for quick unit tests (no WAL there). */
  path: string;
  terminalId: string;
  /** Epoch ms; defaults to Date.now. */
  now?: () => number;
  migrations?: readonly Migration[];
  /** Only used when the database is new; otherwise the stored id is kept. */
  journalId?: string;
}

/** The repositories of one open journal, for rooms that work on a domain directly. */
export interface JournalRepos {
  readonly attempts: AttemptsRepo;
  readonly sales: SalesRepo;
  readonly refunds: RefundsRepo;
  readonly outbox: OutboxRepo;
  readonly reversals: ReversalsRepo;
  readonly reports: ReportsRepo;
  readonly catalogue: CatalogueRepo;
  readonly lineRefunds: LineRefundsRepo;
  readonly held: HeldSalesRepo;
  /** The head office's replication log (migration 090). */
  readonly replication: ReplicationRepo;
}

export class Journal {
  readonly db: Database.Database;
  readonly terminalId: string;
  readonly journalId: string;
  readonly audit: AuditLog;
  /** Relaxed commits (a gateway answer the till can ask again) and their flush: see durability.ts. */
  readonly durability: Durability;
  /** The gateway's word on final orders (a verified callback, a final query, a matching reconciliation). */
  readonly confirmations: Confirmations;
  readonly repos: JournalRepos;
  private readonly now: () => number;

  static open(options: JournalOptions): Journal {
    return new Journal(options);
  }

  private constructor(options: JournalOptions) {
    // The settings' rule (shared/settings.ts); '-' becomes '_' in order numbers (wire rule [A-Za-z0-9_]).
    if (!/^[A-Za-z0-9_-]{1,16}$/.test(options.terminalId)) throw new Error('terminalId: must be 1–16 of A-Z a-z 0-9 _ -');
    this.terminalId = options.terminalId;
    this.now = options.now ?? Date.now;
    const db = new Database(options.path, sqliteOptions());
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (options.path !== ':memory:') {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new Error(`journal: could not switch ${options.path} to WAL (got ${String(mode)})`);
      }
      // FULL: a committed payment state survives a power cut, not only a crash of the app.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, options.migrations ?? MIGRATIONS, () => isoOf(this.now()));
      this.journalId = this.ensureJournalId(db, options.journalId);
      // Statistics for the query planner, as SQLite recommends for a long-lived connection: at
      // open, 0x10002 analyses what needs it (bounded by SQLite's own analysis limit), so the
      // plans of a big file do not depend on luck. Again at close (and at a shift close).
      db.pragma('optimize = 0x10002');
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
    this.audit = new AuditLog(db);
    this.durability = new Durability(db, options.path);
    this.confirmations = new Confirmations(db);
    const ctx: JournalContext = { db, audit: this.audit, now: this.now, terminalId: this.terminalId, journalId: this.journalId };
    const reversals = new ReversalsRepo(db);
    const sales = new SalesRepo(db);
    const catalogue = new CatalogueRepo(ctx);
    const lineRefunds = new LineRefundsRepo(db, sales, catalogue);
    const outbox: OutboxRepo = new OutboxRepo(ctx, reversals, (no): AttemptRow | null => attempts.get(no));
    const attempts: AttemptsRepo = new AttemptsRepo(ctx, sales, outbox, reversals, catalogue);
    const refunds = new RefundsRepo(ctx, attempts, outbox, reversals, lineRefunds);
    this.repos = { attempts, sales, refunds, outbox, reversals, reports: new ReportsRepo(db), catalogue, lineRefunds, held: new HeldSalesRepo(ctx), replication: new ReplicationRepo(db) };
  }

  private ensureJournalId(db: Database.Database, wanted: string | undefined): string {
    const row = db.prepare(`SELECT value FROM journal_meta WHERE key = 'journal_id'`).get() as { value: string } | undefined;
    if (row) return row.value;
    // Part of every order number, so numbers from a reinstalled till never repeat old ones.
    const id = wanted ?? randomBytes(8).toString('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 8).padEnd(8, '0');
    if (!/^[A-Za-z0-9]{4,12}$/.test(id)) throw new Error('journalId: must be 4–12 of [A-Za-z0-9]');
    db.prepare(`INSERT INTO journal_meta (key, value) VALUES ('journal_id', ?)`).run(id);
    return id;
  }

  /** Fresh planner statistics where they are stale (cheap when nothing changed much). */
  optimize(): void {
    this.db.pragma('optimize');
  }

  close(): void {
    if (!this.db.open) return;
    this.durability.flush();
    this.optimize();
    this.db.close();
  }

  // ---------------------------------------------------------------- writes

  /** Creates the sale (or continues one) and its attempt in state `created`, with its settle row in the outbox. */
  createAttempt(input: NewAttemptInput): AttemptRow {
    return this.repos.attempts.create(input);
  }

  /** A cash sale: no gateway, paid at once; tendered and change recorded. */
  recordCash(input: CashSaleInput): { attempt: AttemptRow; cash: CashTenderRow } {
    return this.repos.attempts.recordCash(input);
  }

  /** Moves an attempt to a new state with everything the move implies, in one transaction (see AttemptsRepo.transition). */
  transition(outTradeNo: string, to: AttemptState, change: TransitionChange): AttemptRow {
    return this.repos.attempts.transition(outTradeNo, to, change);
  }

  /** Changes facts of an attempt that are not its state (a QR URL, the gateway's trade_no…). */
  updateAttempt(outTradeNo: string, fields: AttemptFieldsChange, source: TransitionSource): AttemptRow {
    return this.repos.attempts.update(outTradeNo, fields, source);
  }

  /** Counts one "no such order" answer for a non-final attempt and returns how many it has had. */
  countNotFound(outTradeNo: string, source: TransitionSource): number {
    return this.repos.attempts.countNotFound(outTradeNo, source);
  }

  /** The out_refund_no of the full refund owed by a paid_after_close attempt (same number on every retry). */
  lateRefundNumber(outTradeNo: string): string {
    return this.repos.attempts.lateRefundNumber(outTradeNo);
  }

  /** Records a fact worth keeping that changes no state (a callback for a final order, a mismatch…). */
  note(kind: string, subject: string, data: unknown): void {
    this.db.transaction(() => this.audit.append({ at: isoOf(this.now()), kind, subject, data })).immediate();
  }

  /** Reschedules the open outbox row of an attempt or refund; a failed try counts and its error is kept. */
  reschedule(subject: 'attempt' | 'refund', ref: string, action: OutboxAction, dueAtMs: number, failedTry: { error: string } | null): OutboxRow {
    return this.repos.outbox.reschedule(subject, ref, action, dueAtMs, failedTry);
  }

  /** Owes a reverse of a PAID attempt; the state stays `paid` until the gateway answers. */
  requestReverseOfPaid(outTradeNo: string, dueAtMs: number): AttemptRow {
    return this.repos.refunds.requestReverseOfPaid(outTradeNo, dueAtMs);
  }

  /** The gateway answered a reverse of a paid attempt without refunding (it refused): work closed, state stays paid. */
  closeOwedWork(subject: 'attempt' | 'refund', ref: string, why: string): void {
    this.repos.outbox.closeOwedWork(subject, ref, why);
  }

  /** Creates a refund of a paid attempt (out_refund_no made and stored first) with its outbox row. */
  createRefund(input: NewRefundInput): RefundRow {
    return this.repos.refunds.create(input);
  }

  /** Records the gateway's answer to a refund. Final answers close its outbox row. */
  refundTransition(outRefundNo: string, to: RefundState, change: { answer?: string | null; source: TransitionSource; next?: { dueAtMs: number } }): RefundRow {
    return this.repos.refunds.transition(outRefundNo, to, change);
  }

  // ---------------------------------------------------------------- reads

  attempt(outTradeNo: string): AttemptRow | null {
    return this.repos.attempts.get(outTradeNo);
  }

  attemptById(id: number): AttemptRow | null {
    return this.repos.attempts.byId(id);
  }

  attemptsOfSale(saleId: number): AttemptRow[] {
    return this.repos.attempts.ofSale(saleId);
  }

  sale(id: number): (SaleRow & { lines: SaleLine[] }) | null {
    return this.repos.sales.get(id);
  }

  /** Attempts that are not final (created / pending / reversing), oldest first. Partial index. */
  openAttempts(): AttemptRow[] {
    return this.repos.attempts.open();
  }

  timeline(attemptId: number): TransitionRow[] {
    return this.repos.attempts.timeline(attemptId);
  }

  cashTender(attemptId: number): CashTenderRow | null {
    return this.repos.attempts.cashTender(attemptId);
  }

  reversal(attemptId: number): ReversalRow | null {
    return this.repos.reversals.get(attemptId);
  }

  refund(outRefundNo: string): RefundRow | null {
    return this.repos.refunds.get(outRefundNo);
  }

  refundsOf(attemptId: number): RefundRow[] {
    return this.repos.refunds.of(attemptId);
  }

  /** committed: every refund not failed (what can no longer be refunded); succeeded: money returned. */
  refundSums(attemptId: number): { committedFen: Fen; succeededFen: Fen } {
    return this.repos.refunds.sums(attemptId);
  }

  /** The open outbox row of an attempt or refund, if any. */
  owedWork(subject: 'attempt' | 'refund', ref: string): OutboxRow | null {
    return this.repos.outbox.owed(subject, ref);
  }

  /** Every open outbox row (what recovery settles), by due time. Partial index: O(open rows). */
  openWork(): OutboxRow[] {
    return this.repos.outbox.open();
  }

  dueWork(nowMs: number, limit: number): OutboxRow[] {
    return this.repos.outbox.due(nowMs, limit);
  }

  search(q: SearchQuery): { rows: OrderRowData[]; total: number } {
    return this.repos.reports.search(q);
  }

  /** Per-channel totals of a shift, a business day or a range of days (see ReportsRepo.channelTotals). */
  channelTotals(filter: TotalsFilter): ChannelTotalsRow[] {
    return this.repos.reports.channelTotals(filter);
  }

  verifyAudit(): AuditCheck {
    return this.audit.verify();
  }

  /** A full consistency check of the journal: one line per problem found; empty when everything holds. */
  checkInvariants(): string[] {
    return checkJournalInvariants(this.db, this.audit);
  }
}
