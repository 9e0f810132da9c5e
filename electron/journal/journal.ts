// The offline journal: one SQLite file (WAL, synchronous=FULL) holding every sale, payment
// attempt, state change, refund, reversal, owed gateway call and audit entry of this till.
//
// Rules kept here (the engine relies on them):
// - Every write is one transaction that also writes the transition log, the outbox and the audit
//   entry it implies; callers act on a change only after the method returned (= committed).
// - Invariants are asserted before writing (state moves forward, amounts add up) and again on
//   the rows read back inside the same transaction; a violation throws JournalInvariantError and
//   rolls the whole change back. The database's own CHECKs and triggers are a second fence.
// - Writes run one at a time (better-sqlite3 is synchronous; the app has one writer process).
import type { ChannelTotals } from '../../shared/ipc/contract.js';
import Database from 'better-sqlite3';
import { sqliteOptions } from '../app/native.js';
import { randomBytes } from 'node:crypto';
import { checkAmountFen, isFen, sumFen, type Fen } from '../../shared/money.js';
import {
  ATTEMPT_STATE_RANK,
  ATTEMPT_STATES,
  canTransition,
  isFinalAttemptState,
  PAY_CHANNELS,
  type AttemptState,
  type PayChannel,
  type PayKind,
  type RefundState,
} from '../../shared/payment.js';
import { Durability } from './durability.js';
import { Confirmations } from './confirmations.js';
import { AuditLog, type AuditCheck } from './audit.js';
import { migrate, type Migration } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type {
  AttemptRow,
  CashTenderRow,
  OutboxAction,
  OutboxRow,
  RefundRow,
  ReversalRow,
  ReversalWhy,
  SaleLine,
  SaleRow,
  TransitionRow,
  TransitionSource,
} from './types.js';

export * from './types.js';

/** Milliseconds a writer waits for a lock held by another connection (a reader, a backup). */
export const BUSY_TIMEOUT_MS = 5_000;
/** Longest free text kept in a reason column; longer gateway messages are cut. */
export const MAX_REASON_CHARS = 500;
/** Most sale lines per sale (the IPC schema allows 200). */
export const MAX_SALE_LINES = 500;
/** Most rows one search returns. */
export const MAX_SEARCH_ROWS = 500;

const REFUND_STATES: readonly RefundState[] = ['created', 'processing', 'succeeded', 'failed'];
const PAY_KINDS: readonly PayKind[] = ['scan', 'qr', 'cash'];
const OPEN_REFUND_STATES: readonly RefundState[] = ['created', 'processing'];

/** A broken invariant: a bug or a damaged file, never a user mistake. The change was rolled back. */
export class JournalInvariantError extends Error {
  override name = 'JournalInvariantError';
}

/** A request the journal refuses because of the current state (e.g. refund more than paid). */
export class JournalConflictError extends Error {
  override name = 'JournalConflictError';
}

function invariant(cond: unknown, message: string): asserts cond {
  if (!cond) throw new JournalInvariantError(message);
}

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

export interface NewAttemptInput {
  /** Continue a sale whose earlier attempts all ended without money (declined / closed). */
  saleId?: number;
  kind: PayKind;
  channel: PayChannel;
  method: string;
  amountFen: Fen;
  note?: string | null;
  lines?: readonly SaleLine[] | null;
  maskedAuthCode?: string | null;
  deadlineAtMs?: number | null;
  shiftId?: number | null;
  /** When the outbox should settle the attempt if nobody else does (crash before the answer). */
  settleDueAtMs: number;
}

export interface TransitionChange {
  source: TransitionSource;
  reason?: string | null;
  reasonCode?: string | null;
  tradeNo?: string | null;
  qrUrl?: string | null;
  deadlineAtMs?: number | null;
  /** Required for a non-final target: the owed call and when it is due. */
  next?: { action: OutboxAction; dueAtMs: number };
  /** Required when the target is `reversing`. */
  reversalWhy?: ReversalWhy;
}

export interface AttemptFieldsChange {
  tradeNo?: string | null;
  qrUrl?: string | null;
  reason?: string | null;
  reasonCode?: string | null;
  deadlineAtMs?: number | null;
}

export interface SearchQuery {
  from?: string;
  to?: string;
  state?: AttemptState;
  channel?: PayChannel;
  outTradeNo?: string;
  limit?: number;
  offset?: number;
}

export interface OrderRowData extends AttemptRow {
  refundedFen: Fen;
}

/** Per-channel totals as the reports show them (the contract's shape, computed here by SQL). */
export type ChannelTotalsRow = ChannelTotals;

export type TotalsFilter = { shiftId: number } | { businessDate: string } | { fromDate: string; toDate: string };

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** The local calendar date of a moment, yyyy-MM-dd: the business date of sales and refunds. */
export function localDateOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function clip(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

const attemptColumns = (t: string) => `${t}.id, ${t}.out_trade_no AS outTradeNo, ${t}.sale_id AS saleId, ${t}.kind, ${t}.channel,
  ${t}.method, ${t}.amount_fen AS amountFen, ${t}.state, ${t}.trade_no AS tradeNo, ${t}.masked_auth_code AS maskedAuthCode,
  ${t}.qr_url AS qrUrl, ${t}.reason, ${t}.reason_code AS reasonCode, ${t}.deadline_at_ms AS deadlineAtMs, ${t}.created_at AS createdAt,
  ${t}.updated_at AS updatedAt, ${t}.final_at AS finalAt, ${t}.business_date AS businessDate, ${t}.shift_id AS shiftId,
  ${t}.terminal_id AS terminalId`;
const ATTEMPT_COLUMNS = attemptColumns('attempts');
const REFUND_COLUMNS = `id, out_refund_no AS outRefundNo, attempt_id AS attemptId, channel, amount_fen AS amountFen, state,
  reason, answer, created_at AS createdAt, updated_at AS updatedAt, business_date AS businessDate, shift_id AS shiftId,
  terminal_id AS terminalId`;
const OUTBOX_COLUMNS = `id, subject, ref, action, due_at_ms AS dueAtMs, tries, last_error AS lastError, opened_at AS openedAt, closed_at AS closedAt`;

/** Read-back checks: a row that breaks the model is a damaged journal, refused loudly. */
function checkedAttempt(row: AttemptRow | undefined): AttemptRow | null {
  if (!row) return null;
  invariant(ATTEMPT_STATES.includes(row.state), `attempt ${row.outTradeNo}: unknown state ${row.state}`);
  invariant(PAY_KINDS.includes(row.kind), `attempt ${row.outTradeNo}: unknown kind ${row.kind}`);
  invariant(PAY_CHANNELS.includes(row.channel), `attempt ${row.outTradeNo}: unknown channel ${row.channel}`);
  invariant(checkAmountFen(row.amountFen) === null, `attempt ${row.outTradeNo}: amount ${row.amountFen} is not a valid amount of fen`);
  invariant(isFinalAttemptState(row.state) === (row.finalAt !== null), `attempt ${row.outTradeNo}: final_at does not match state ${row.state}`);
  return row;
}

function checkedRefund(row: RefundRow | undefined): RefundRow | null {
  if (!row) return null;
  invariant(REFUND_STATES.includes(row.state), `refund ${row.outRefundNo}: unknown state ${row.state}`);
  invariant(checkAmountFen(row.amountFen) === null, `refund ${row.outRefundNo}: amount ${row.amountFen} is not a valid amount of fen`);
  return row;
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
  private readonly now: () => number;
  private readonly s: ReturnType<Journal['prepare']>;

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
    this.s = this.prepare(db);
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

  private prepare(db: Database.Database) {
    return {
      nextAttemptId: db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM attempts'),
      nextRefundId: db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM refunds'),
      insertSale: db.prepare(
        'INSERT INTO sales (created_at, business_date, shift_id, terminal_id, amount_fen, note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      ),
      insertLine: db.prepare('INSERT INTO sale_lines (sale_id, line_no, name, barcode, qty, unit_fen) VALUES (?, ?, ?, ?, ?, ?)'),
      sale: db.prepare(
        'SELECT id, created_at AS createdAt, business_date AS businessDate, shift_id AS shiftId, terminal_id AS terminalId, amount_fen AS amountFen, note FROM sales WHERE id = ?',
      ),
      saleLines: db.prepare('SELECT name, barcode, qty, unit_fen AS unitFen FROM sale_lines WHERE sale_id = ? ORDER BY line_no'),
      insertAttempt: db.prepare(`INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, masked_auth_code,
        deadline_at_ms, created_at, updated_at, final_at, business_date, shift_id, terminal_id)
        VALUES (@id, @outTradeNo, @saleId, @kind, @channel, @method, @amountFen, @state, @maskedAuthCode,
        @deadlineAtMs, @at, @at, @finalAt, @businessDate, @shiftId, @terminalId)`),
      attempt: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE out_trade_no = ?`),
      attemptById: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = ?`),
      attemptsOfSale: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE sale_id = ? ORDER BY id`),
      openAttempts: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts INDEXED BY attempts_open WHERE state IN ('created','pending','reversing') ORDER BY id`),
      updateAttempt: db.prepare(`UPDATE attempts SET state = @state, trade_no = @tradeNo, qr_url = @qrUrl, reason = @reason,
        reason_code = @reasonCode, deadline_at_ms = @deadlineAtMs, updated_at = @at, final_at = @finalAt WHERE id = @id`),
      updateAttemptReturning: db.prepare(`UPDATE attempts SET state = @state, trade_no = @tradeNo, qr_url = @qrUrl, reason = @reason,
        reason_code = @reasonCode, deadline_at_ms = @deadlineAtMs, updated_at = @at, final_at = @finalAt WHERE id = @id RETURNING ${ATTEMPT_COLUMNS}`),
      closeOpenOutbox: db.prepare('UPDATE outbox SET closed_at = ? WHERE subject = ? AND ref = ? AND closed_at IS NULL'),
      rescheduleOpenOutbox: db.prepare('UPDATE outbox SET action = ?, due_at_ms = ?, last_error = NULL WHERE subject = ? AND ref = ? AND closed_at IS NULL'),
      reversalAnswerOpen: db.prepare('UPDATE reversals SET answered_at = ?, result = ? WHERE attempt_id = ? AND result IS NULL'),
      insertTransition: db.prepare(
        'INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source, reason, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      transitions: db.prepare(`SELECT id, attempt_id AS attemptId, at, from_state AS fromState, to_state AS toState, source, reason,
        reason_code AS reasonCode FROM attempt_transitions WHERE attempt_id = ? ORDER BY id`),
      insertCash: db.prepare('INSERT INTO cash_tenders (attempt_id, tendered_fen, change_fen) VALUES (?, ?, ?)'),
      cash: db.prepare('SELECT attempt_id AS attemptId, tendered_fen AS tenderedFen, change_fen AS changeFen FROM cash_tenders WHERE attempt_id = ?'),
      openOutbox: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE subject = ? AND ref = ? AND closed_at IS NULL`),
      insertOutbox: db.prepare('INSERT INTO outbox (subject, ref, action, due_at_ms, tries, last_error, opened_at) VALUES (?, ?, ?, ?, 0, NULL, ?)'),
      rescheduleOutbox: db.prepare('UPDATE outbox SET action = ?, due_at_ms = ?, tries = tries + ?, last_error = ? WHERE id = ?'),
      closeOutbox: db.prepare('UPDATE outbox SET closed_at = ? WHERE id = ?'),
      allOpenOutbox: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox INDEXED BY outbox_due WHERE closed_at IS NULL ORDER BY due_at_ms, id`),
      dueOutbox: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox INDEXED BY outbox_due WHERE closed_at IS NULL AND due_at_ms <= ? ORDER BY due_at_ms, id LIMIT ?`),
      insertReversal: db.prepare('INSERT INTO reversals (attempt_id, requested_at, why) VALUES (?, ?, ?)'),
      reversal: db.prepare(`SELECT attempt_id AS attemptId, requested_at AS requestedAt, why, tries, answered_at AS answeredAt, result
        FROM reversals WHERE attempt_id = ?`),
      reversalTry: db.prepare('UPDATE reversals SET tries = tries + 1 WHERE attempt_id = ?'),
      reversalAnswer: db.prepare('UPDATE reversals SET answered_at = ?, result = ? WHERE attempt_id = ?'),
      insertRefund: db.prepare(`INSERT INTO refunds (id, out_refund_no, attempt_id, channel, amount_fen, state, reason, created_at, updated_at,
        business_date, shift_id, terminal_id) VALUES (@id, @outRefundNo, @attemptId, @channel, @amountFen, @state, @reason, @at, @at,
        @businessDate, @shiftId, @terminalId)`),
      refund: db.prepare(`SELECT ${REFUND_COLUMNS} FROM refunds WHERE out_refund_no = ?`),
      refundsOf: db.prepare(`SELECT ${REFUND_COLUMNS} FROM refunds WHERE attempt_id = ? ORDER BY id`),
      updateRefund: db.prepare('UPDATE refunds SET state = ?, answer = ?, updated_at = ? WHERE id = ?'),
      refundSums: db.prepare(`SELECT
          COALESCE(SUM(CASE WHEN state <> 'failed' THEN amount_fen END), 0) AS committedFen,
          COALESCE(SUM(CASE WHEN state = 'succeeded' THEN amount_fen END), 0) AS succeededFen
        FROM refunds WHERE attempt_id = ?`),
    };
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
    return this.db.transaction(() => this.insertAttempt(input, 'created', 'create')).immediate();
  }

  /** A cash sale: no gateway, paid at once; tendered and change recorded. */
  recordCash(input: {
    amountFen: Fen;
    tenderedFen: Fen;
    note?: string | null;
    lines?: readonly SaleLine[] | null;
    shiftId?: number | null;
    saleId?: number;
  }): { attempt: AttemptRow; cash: CashTenderRow } {
    invariant(isFen(input.tenderedFen) && input.tenderedFen >= 0, `tenderedFen: must be a whole number of fen ≥ 0, got ${input.tenderedFen}`);
    if (input.tenderedFen < input.amountFen) {
      throw new JournalConflictError(`tenderedFen: ${input.tenderedFen} is less than the amount ${input.amountFen}`);
    }
    return this.db
      .transaction(() => {
        const attempt = this.insertAttempt(
          { ...input, kind: 'cash', channel: 'cash', method: 'cash', settleDueAtMs: 0, deadlineAtMs: null },
          'paid',
          'cash',
        );
        const changeFen = input.tenderedFen - input.amountFen;
        this.s.insertCash.run(attempt.id, input.tenderedFen, changeFen);
        const cash = this.s.cash.get(attempt.id) as CashTenderRow;
        invariant(cash.tenderedFen - cash.changeFen === attempt.amountFen, 'cash: tendered − change must equal the amount');
        return { attempt, cash };
      })
      .immediate();
  }

  private insertAttempt(input: NewAttemptInput, state: 'created' | 'paid', source: TransitionSource): AttemptRow {
    const amountProblem = checkAmountFen(input.amountFen, 'amountFen');
    if (amountProblem) throw new JournalConflictError(amountProblem);
    const nowMs = this.now();
    const at = isoOf(nowMs);
    const businessDate = localDateOf(nowMs);
    const shiftId = input.shiftId ?? null;
    let saleId: number;
    if (input.saleId !== undefined) {
      const sale = this.s.sale.get(input.saleId) as SaleRow | undefined;
      if (!sale) throw new JournalConflictError(`saleId: sale ${input.saleId} does not exist`);
      if (sale.amountFen !== input.amountFen) {
        throw new JournalConflictError(`amountFen: sale ${sale.id} is for ${sale.amountFen} fen, not ${input.amountFen}`);
      }
      // No sale is charged twice: another attempt is allowed only when every earlier one
      // ended without the customer's money (declined, closed, or reversed back to them).
      for (const a of this.s.attemptsOfSale.all(sale.id) as AttemptRow[]) {
        if (a.state !== 'declined' && a.state !== 'closed' && a.state !== 'refunded') {
          throw new JournalConflictError(`sale ${sale.id} already has attempt ${a.outTradeNo} in state ${a.state}`);
        }
      }
      saleId = sale.id;
    } else {
      const lines = input.lines ?? [];
      if (lines.length > MAX_SALE_LINES) throw new JournalConflictError(`lines: at most ${MAX_SALE_LINES} lines`);
      if (lines.length > 0) {
        const linesFen = sumFen(lines.map((l) => l.qty * l.unitFen));
        if (linesFen !== input.amountFen) {
          throw new JournalConflictError(`lines: add up to ${linesFen} fen but the amount is ${input.amountFen} fen`);
        }
      }
      const row = this.s.insertSale.get(at, businessDate, shiftId, this.terminalId, input.amountFen, input.note ?? null) as { id: number };
      saleId = row.id;
      lines.forEach((l, i) => this.s.insertLine.run(saleId, i + 1, l.name, l.barcode ?? null, l.qty, l.unitFen));
    }
    const id = (this.s.nextAttemptId.get() as { id: number }).id;
    const outTradeNo = this.orderNumber('P', id);
    this.s.insertAttempt.run({
      id,
      outTradeNo,
      saleId,
      kind: input.kind,
      channel: input.channel,
      method: input.method,
      amountFen: input.amountFen,
      state,
      maskedAuthCode: input.maskedAuthCode ?? null,
      deadlineAtMs: input.deadlineAtMs ?? null,
      at,
      finalAt: state === 'paid' ? at : null,
      businessDate,
      shiftId,
      terminalId: this.terminalId,
    });
    this.s.insertTransition.run(id, at, null, state, source, null, null);
    if (state === 'created') this.s.insertOutbox.run('attempt', outTradeNo, 'settle', input.settleDueAtMs, at);
    this.audit.append({
      at,
      kind: 'attempt.created',
      subject: outTradeNo,
      data: { saleId, kind: input.kind, channel: input.channel, method: input.method, amountFen: input.amountFen, state, shiftId, maskedAuthCode: input.maskedAuthCode ?? null },
    });
    const back = checkedAttempt(this.s.attemptById.get(id) as AttemptRow)!;
    invariant(back.amountFen === input.amountFen && back.state === state, `attempt ${outTradeNo}: read back differs from what was written`);
    return back;
  }

  /** `{terminal}_{journal}_{P|R|L}{id}` (L: the refund of a payment that landed after close): unique per merchant, ≤ 64 of [A-Za-z0-9_], made once. */
  private orderNumber(letter: 'P' | 'R' | 'L', id: number): string {
    const no = `${this.terminalId.replace(/-/g, '_')}_${this.journalId}_${letter}${id}`;
    invariant(/^[A-Za-z0-9_]{1,64}$/.test(no), `order number ${no} breaks the wire rule`);
    return no;
  }

  /**
   * Moves an attempt to a new state, with its transition log entry, outbox change, reversal
   * record and audit entry, in one transaction. Throws JournalInvariantError for a move the state
   * machine forbids (the caller checks `canTransition` first under its per-attempt lock).
   */
  transition(outTradeNo: string, to: AttemptState, change: TransitionChange): AttemptRow {
    return this.db
      .transaction(() => {
        const before = checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow | undefined);
        invariant(before, `attempt ${outTradeNo} does not exist`);
        invariant(canTransition(before.state, to), `attempt ${outTradeNo}: ${before.state} → ${to} is not allowed`);
        const final = isFinalAttemptState(to);
        invariant(final || change.next, `attempt ${outTradeNo}: a move to ${to} must say what is owed next`);
        invariant(to !== 'reversing' || change.reversalWhy, `attempt ${outTradeNo}: reversing needs a reason`);
        if (before.tradeNo && change.tradeNo && before.tradeNo !== change.tradeNo) {
          throw new JournalInvariantError(`attempt ${outTradeNo}: gateway trade_no changed from ${before.tradeNo} to ${change.tradeNo}`);
        }
        const at = isoOf(this.now());
        const reason = change.reason === undefined ? before.reason : clip(change.reason);
        const reasonCode = change.reasonCode === undefined ? before.reasonCode : clip(change.reasonCode);
        // RETURNING reads the row back as the database stored it, in the same statement.
        const after = checkedAttempt(
          this.s.updateAttemptReturning.get({
            id: before.id,
            state: to,
            tradeNo: change.tradeNo ?? before.tradeNo,
            qrUrl: change.qrUrl === undefined ? before.qrUrl : change.qrUrl,
            reason,
            reasonCode,
            deadlineAtMs: change.deadlineAtMs === undefined ? before.deadlineAtMs : change.deadlineAtMs,
            at,
            finalAt: final ? at : null,
          }) as AttemptRow,
        )!;
        this.s.insertTransition.run(before.id, at, before.state, to, change.source, reason, reasonCode);

        if (to === 'reversing') this.s.insertReversal.run(before.id, at, change.reversalWhy!);
        else if (final && (before.state === 'reversing' || to === 'refunded')) this.s.reversalAnswerOpen.run(at, to, before.id);

        // One open outbox row per attempt (unique partial index): closed when final, else due again.
        if (final) {
          this.s.closeOpenOutbox.run(at, 'attempt', outTradeNo);
        } else {
          const next = change.next!;
          if (this.s.rescheduleOpenOutbox.run(next.action, next.dueAtMs, 'attempt', outTradeNo).changes === 0) {
            this.s.insertOutbox.run('attempt', outTradeNo, next.action, next.dueAtMs, at);
          }
        }
        this.audit.append({
          at,
          kind: 'attempt.transition',
          subject: outTradeNo,
          data: { from: before.state, to, source: change.source, reason, reasonCode, tradeNo: after.tradeNo, amountFen: before.amountFen },
        });

        invariant(after.state === to, `attempt ${outTradeNo}: state read back as ${after.state}, wrote ${to}`);
        invariant(after.amountFen === before.amountFen && after.outTradeNo === before.outTradeNo, `attempt ${outTradeNo}: identity or amount changed`);
        invariant(ATTEMPT_STATE_RANK[after.state] >= ATTEMPT_STATE_RANK[before.state], `attempt ${outTradeNo}: state moved backwards`);
        return after;
      })
      .immediate();
  }

  /** Changes facts of an attempt that are not its state (a QR URL, the gateway's trade_no…). */
  updateAttempt(outTradeNo: string, fields: AttemptFieldsChange, source: TransitionSource): AttemptRow {
    return this.db
      .transaction(() => {
        const before = checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow | undefined);
        invariant(before, `attempt ${outTradeNo} does not exist`);
        if (before.tradeNo && fields.tradeNo && before.tradeNo !== fields.tradeNo) {
          throw new JournalInvariantError(`attempt ${outTradeNo}: gateway trade_no changed from ${before.tradeNo} to ${fields.tradeNo}`);
        }
        const at = isoOf(this.now());
        this.s.updateAttempt.run({
          id: before.id,
          state: before.state,
          tradeNo: fields.tradeNo ?? before.tradeNo,
          qrUrl: fields.qrUrl === undefined ? before.qrUrl : fields.qrUrl,
          reason: fields.reason === undefined ? before.reason : clip(fields.reason),
          reasonCode: fields.reasonCode === undefined ? before.reasonCode : clip(fields.reasonCode),
          deadlineAtMs: fields.deadlineAtMs === undefined ? before.deadlineAtMs : fields.deadlineAtMs,
          at,
          finalAt: before.finalAt,
        });
        this.audit.append({ at, kind: 'attempt.updated', subject: outTradeNo, data: { ...fields, source } });
        return checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow)!;
      })
      .immediate();
  }

  /**
   * Counts one "no such order" answer for a non-final attempt (with its audit entry) and returns
   * how many it has had: a not-found is final only after a horizon (the engine decides), and the
   * close then says after how many checks.
   */
  countNotFound(outTradeNo: string, source: TransitionSource): number {
    return this.db
      .transaction(() => {
        const n = this.db.prepare(`UPDATE attempts SET not_found_checks = not_found_checks + 1 WHERE out_trade_no = ? RETURNING not_found_checks`).pluck().get(outTradeNo) as number | undefined;
        invariant(n !== undefined, `attempt ${outTradeNo} does not exist`);
        this.audit.append({ at: isoOf(this.now()), kind: 'attempt.not_found', subject: outTradeNo, data: { checks: n, source } });
        return n;
      })
      .immediate();
  }

  /**
   * The out_refund_no of the full refund owed by a paid_after_close attempt: made from the
   * attempt's id, so every retry (and every restart) sends the same number.
   */
  lateRefundNumber(outTradeNo: string): string {
    const a = checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow | undefined);
    invariant(a, `attempt ${outTradeNo} does not exist`);
    return this.orderNumber('L', a.id);
  }

  /** Records a fact worth keeping that changes no state (a callback for a final order, a mismatch…). */
  note(kind: string, subject: string, data: unknown): void {
    this.db.transaction(() => this.audit.append({ at: isoOf(this.now()), kind, subject, data })).immediate();
  }

  /**
   * Reschedules the open outbox row of an attempt or refund (the call is still owed): a failed
   * try counts, and its error is kept for the history screen.
   */
  reschedule(subject: 'attempt' | 'refund', ref: string, action: OutboxAction, dueAtMs: number, failedTry: { error: string } | null): OutboxRow {
    return this.db
      .transaction(() => {
        const open = this.s.openOutbox.get(subject, ref) as OutboxRow | undefined;
        invariant(open, `no owed work for ${subject} ${ref}`);
        this.s.rescheduleOutbox.run(action, dueAtMs, failedTry ? 1 : 0, failedTry ? clip(failedTry.error) : open.lastError, open.id);
        if (subject === 'attempt' && action === 'reverse' && failedTry) {
          const a = this.s.attempt.get(ref) as AttemptRow;
          this.s.reversalTry.run(a.id);
        }
        return this.s.openOutbox.get(subject, ref) as OutboxRow;
      })
      .immediate();
  }

  /**
   * Owes a reverse of a PAID attempt (manager's reverse of a finished sale): the state stays
   * `paid` until the gateway answers; then `transition(…, 'refunded')`.
   */
  requestReverseOfPaid(outTradeNo: string, dueAtMs: number): AttemptRow {
    return this.db
      .transaction(() => {
        const a = checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow | undefined);
        invariant(a, `attempt ${outTradeNo} does not exist`);
        if (a.state !== 'paid') throw new JournalConflictError(`attempt ${outTradeNo} is ${a.state}, not paid`);
        const sums = this.s.refundSums.get(a.id) as { committedFen: number };
        if (sums.committedFen > 0) throw new JournalConflictError(`attempt ${outTradeNo} has refunds: refund the rest instead of reversing`);
        if (this.s.openOutbox.get('attempt', outTradeNo)) throw new JournalConflictError(`attempt ${outTradeNo} already has work owed`);
        const at = isoOf(this.now());
        this.s.insertReversal.run(a.id, at, 'manager');
        this.s.insertOutbox.run('attempt', outTradeNo, 'reverse', dueAtMs, at);
        this.audit.append({ at, kind: 'attempt.reverse_requested', subject: outTradeNo, data: { state: a.state, amountFen: a.amountFen } });
        return a;
      })
      .immediate();
  }

  /** The gateway answered a reverse of a paid attempt without refunding (it refused): work closed, state stays paid. */
  closeOwedWork(subject: 'attempt' | 'refund', ref: string, why: string): void {
    this.db
      .transaction(() => {
        const open = this.s.openOutbox.get(subject, ref) as OutboxRow | undefined;
        if (!open) return;
        const at = isoOf(this.now());
        this.s.closeOutbox.run(at, open.id);
        if (subject === 'attempt') {
          const a = this.s.attempt.get(ref) as AttemptRow;
          invariant(isFinalAttemptState(a.state), `attempt ${ref} is ${a.state}: its owed work cannot be closed`);
          const r = this.s.reversal.get(a.id) as ReversalRow | undefined;
          if (r && r.result === null) this.s.reversalAnswer.run(at, a.state === 'paid' ? 'paid' : a.state, a.id);
        }
        this.audit.append({ at, kind: `${subject}.work_closed`, subject: ref, data: { action: open.action, why: clip(why) } });
      })
      .immediate();
  }

  /** Creates a refund of a paid attempt (out_refund_no made and stored first) with its outbox row. */
  createRefund(input: { outTradeNo: string; amountFen: Fen; reason?: string | null; shiftId?: number | null; dueAtMs: number }): RefundRow {
    return this.db
      .transaction(() => {
        const a = checkedAttempt(this.s.attempt.get(input.outTradeNo) as AttemptRow | undefined);
        if (!a) throw new JournalConflictError(`outTradeNo: no order ${input.outTradeNo}`);
        if (a.state !== 'paid') throw new JournalConflictError(`order ${input.outTradeNo} is ${a.state}: only a paid order can be refunded`);
        const problem = checkAmountFen(input.amountFen, 'amountFen');
        if (problem) throw new JournalConflictError(problem);
        if (this.s.openOutbox.get('attempt', a.outTradeNo)) {
          throw new JournalConflictError(`order ${input.outTradeNo} is being reversed: wait for the answer`);
        }
        const sums = this.s.refundSums.get(a.id) as { committedFen: number };
        const refundableFen = a.amountFen - sums.committedFen;
        if (input.amountFen > refundableFen) {
          throw new JournalConflictError(`amountFen: ${input.amountFen} fen is more than the ${refundableFen} fen still refundable`);
        }
        const nowMs = this.now();
        const at = isoOf(nowMs);
        const id = (this.s.nextRefundId.get() as { id: number }).id;
        const outRefundNo = this.orderNumber('R', id);
        this.s.insertRefund.run({
          id,
          outRefundNo,
          attemptId: a.id,
          channel: a.channel,
          amountFen: input.amountFen,
          state: 'created',
          reason: clip(input.reason),
          at,
          businessDate: localDateOf(nowMs),
          shiftId: input.shiftId ?? null,
          terminalId: this.terminalId,
        });
        if (a.kind !== 'cash') this.s.insertOutbox.run('refund', outRefundNo, 'refund', input.dueAtMs, at);
        this.audit.append({ at, kind: 'refund.created', subject: outRefundNo, data: { outTradeNo: a.outTradeNo, amountFen: input.amountFen, reason: clip(input.reason) } });
        const after = this.s.refundSums.get(a.id) as { committedFen: number };
        invariant(after.committedFen <= a.amountFen, `order ${a.outTradeNo}: refunds exceed the amount paid`);
        return checkedRefund(this.s.refund.get(outRefundNo) as RefundRow)!;
      })
      .immediate();
  }

  /** Records the gateway's answer to a refund. Final answers close its outbox row. */
  refundTransition(outRefundNo: string, to: RefundState, change: { answer?: string | null; source: TransitionSource; next?: { dueAtMs: number } }): RefundRow {
    return this.db
      .transaction(() => {
        const before = checkedRefund(this.s.refund.get(outRefundNo) as RefundRow | undefined);
        invariant(before, `refund ${outRefundNo} does not exist`);
        const rank: Record<RefundState, number> = { created: 0, processing: 1, succeeded: 2, failed: 2 };
        invariant(rank[to] > rank[before.state], `refund ${outRefundNo}: ${before.state} → ${to} is not allowed`);
        const at = isoOf(this.now());
        this.s.updateRefund.run(to, clip(change.answer ?? before.answer), at, before.id);
        const open = this.s.openOutbox.get('refund', outRefundNo) as OutboxRow | undefined;
        const final = !OPEN_REFUND_STATES.includes(to);
        if (final && open) this.s.closeOutbox.run(at, open.id);
        if (!final && open && change.next) this.s.rescheduleOutbox.run('refund', change.next.dueAtMs, 0, null, open.id);
        this.audit.append({ at, kind: 'refund.transition', subject: outRefundNo, data: { from: before.state, to, source: change.source, answer: clip(change.answer), amountFen: before.amountFen } });
        const a = this.s.attemptById.get(before.attemptId) as AttemptRow;
        const sums = this.s.refundSums.get(a.id) as { committedFen: number; succeededFen: number };
        invariant(sums.committedFen <= a.amountFen && sums.succeededFen <= sums.committedFen, `order ${a.outTradeNo}: refunds exceed the amount paid`);
        return checkedRefund(this.s.refund.get(outRefundNo) as RefundRow)!;
      })
      .immediate();
  }

  // ---------------------------------------------------------------- reads

  attempt(outTradeNo: string): AttemptRow | null {
    return checkedAttempt(this.s.attempt.get(outTradeNo) as AttemptRow | undefined);
  }

  attemptById(id: number): AttemptRow | null {
    return checkedAttempt(this.s.attemptById.get(id) as AttemptRow | undefined);
  }

  attemptsOfSale(saleId: number): AttemptRow[] {
    return (this.s.attemptsOfSale.all(saleId) as AttemptRow[]).map((r) => checkedAttempt(r)!);
  }

  sale(id: number): (SaleRow & { lines: SaleLine[] }) | null {
    const s = this.s.sale.get(id) as SaleRow | undefined;
    if (!s) return null;
    const lines = (this.s.saleLines.all(id) as { name: string; barcode: string | null; qty: number; unitFen: number }[]).map((l) => ({
      name: l.name,
      qty: l.qty,
      unitFen: l.unitFen,
      ...(l.barcode === null ? {} : { barcode: l.barcode }),
    }));
    return { ...s, lines };
  }

  /** Attempts that are not final (created / pending / reversing), oldest first. Partial index. */
  openAttempts(): AttemptRow[] {
    return (this.s.openAttempts.all() as AttemptRow[]).map((r) => checkedAttempt(r)!);
  }

  timeline(attemptId: number): TransitionRow[] {
    return this.s.transitions.all(attemptId) as TransitionRow[];
  }

  cashTender(attemptId: number): CashTenderRow | null {
    return (this.s.cash.get(attemptId) as CashTenderRow | undefined) ?? null;
  }

  reversal(attemptId: number): ReversalRow | null {
    return (this.s.reversal.get(attemptId) as ReversalRow | undefined) ?? null;
  }

  refund(outRefundNo: string): RefundRow | null {
    return checkedRefund(this.s.refund.get(outRefundNo) as RefundRow | undefined);
  }

  refundsOf(attemptId: number): RefundRow[] {
    return (this.s.refundsOf.all(attemptId) as RefundRow[]).map((r) => checkedRefund(r)!);
  }

  /** committed: every refund not failed (what can no longer be refunded); succeeded: money returned. */
  refundSums(attemptId: number): { committedFen: Fen; succeededFen: Fen } {
    return this.s.refundSums.get(attemptId) as { committedFen: Fen; succeededFen: Fen };
  }

  /** The open outbox row of an attempt or refund, if any. */
  owedWork(subject: 'attempt' | 'refund', ref: string): OutboxRow | null {
    return (this.s.openOutbox.get(subject, ref) as OutboxRow | undefined) ?? null;
  }

  /** Every open outbox row (what recovery settles), by due time. Partial index: O(open rows). */
  openWork(): OutboxRow[] {
    return this.s.allOpenOutbox.all() as OutboxRow[];
  }

  dueWork(nowMs: number, limit: number): OutboxRow[] {
    return this.s.dueOutbox.all(nowMs, limit) as OutboxRow[];
  }

  search(q: SearchQuery): { rows: OrderRowData[]; total: number } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (sql: string, value: string) => {
      where.push(sql);
      args.push(value);
    };
    if (q.from) add('a.business_date >= ?', q.from);
    if (q.to) add('a.business_date <= ?', q.to);
    if (q.state) add('a.state = ?', q.state);
    if (q.channel) add('a.channel = ?', q.channel);
    if (q.outTradeNo) add(`a.out_trade_no LIKE ? ESCAPE '\\'`, `%${q.outTradeNo.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(1, q.limit ?? 50), MAX_SEARCH_ROWS);
    const offset = Math.max(0, q.offset ?? 0);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM attempts a ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT ${attemptColumns('a')},
           COALESCE((SELECT SUM(r.amount_fen) FROM refunds r WHERE r.attempt_id = a.id AND r.state = 'succeeded'), 0) AS refundedFen
         FROM attempts a ${w} ORDER BY a.id DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, limit, offset) as OrderRowData[];
    return { rows: rows.map((r) => ({ ...checkedAttempt(r)!, refundedFen: r.refundedFen })), total };
  }

  /**
   * Per-channel totals of a shift, a business day or a range of days, from covering indexes.
   * sales: attempts that took the customer's money (paid, or reversed after paying);
   * reversals: those given back by trade.reverse; refunds: succeeded refunds dated in the period.
   */
  channelTotals(filter: TotalsFilter): ChannelTotalsRow[] {
    const [cond, args] =
      'shiftId' in filter
        ? ['shift_id = ?', [filter.shiftId]]
        : 'businessDate' in filter
          ? ['business_date = ?', [filter.businessDate]]
          : ['business_date BETWEEN ? AND ?', [filter.fromDate, filter.toDate]];
    const attempts = this.db
      .prepare(`SELECT channel, state, COUNT(*) AS n, SUM(amount_fen) AS fen FROM attempts WHERE ${cond} AND state IN ('paid','refunded') GROUP BY channel, state`)
      .all(...args) as { channel: PayChannel; state: 'paid' | 'refunded'; n: number; fen: number }[];
    const refunds = this.db
      .prepare(`SELECT channel, COUNT(*) AS n, SUM(amount_fen) AS fen FROM refunds WHERE ${cond} AND state = 'succeeded' GROUP BY channel`)
      .all(...args) as { channel: PayChannel; n: number; fen: number }[];
    const by = new Map<PayChannel, ChannelTotalsRow>();
    const row = (channel: PayChannel): ChannelTotalsRow => {
      let r = by.get(channel);
      if (!r) {
        r = { channel, salesCount: 0, salesFen: 0, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 0 };
        by.set(channel, r);
      }
      return r;
    };
    for (const a of attempts) {
      const r = row(a.channel);
      r.salesCount += a.n;
      r.salesFen += a.fen;
      if (a.state === 'refunded') {
        r.reversalsCount += a.n;
        r.reversalsFen += a.fen;
      }
    }
    for (const f of refunds) {
      const r = row(f.channel);
      r.refundsCount += f.n;
      r.refundsFen += f.fen;
    }
    const out = PAY_CHANNELS.filter((c) => by.has(c)).map((c) => by.get(c)!);
    for (const r of out) {
      r.netFen = r.salesFen - r.refundsFen - r.reversalsFen;
      invariant(isFen(r.netFen), `totals of ${r.channel}: not a whole number of fen`);
    }
    return out;
  }

  verifyAudit(): AuditCheck {
    return this.audit.verify();
  }

  /**
   * A full consistency check of the journal (tests, the fault simulation, a support tool):
   * returns one line per problem found; empty when everything holds.
   */
  checkInvariants(): string[] {
    const problems: string[] = [];
    const q = (sql: string) => this.db.prepare(sql).all() as Record<string, unknown>[];
    for (const r of q(`SELECT a.out_trade_no AS no, a.state FROM attempts a WHERE a.state IN ('created','pending','reversing','paid_after_close')
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.subject = 'attempt' AND o.ref = a.out_trade_no AND o.closed_at IS NULL)`)) {
      problems.push(`attempt ${String(r.no)} is ${String(r.state)} but nothing is owed for it`);
    }
    for (const r of q(`SELECT o.ref, a.state FROM outbox o JOIN attempts a ON a.out_trade_no = o.ref WHERE o.subject = 'attempt'
        AND o.closed_at IS NULL AND a.state IN ('declined','closed','refunded')`)) {
      problems.push(`attempt ${String(r.ref)} is final (${String(r.state)}) but still has owed work`);
    }
    for (const r of q(`SELECT a.out_trade_no AS no, a.amount_fen AS amt, SUM(r.amount_fen) AS ref FROM attempts a JOIN refunds r ON r.attempt_id = a.id
        WHERE r.state <> 'failed' GROUP BY a.id HAVING SUM(r.amount_fen) > a.amount_fen`)) {
      problems.push(`attempt ${String(r.no)}: refunds ${String(r.ref)} fen exceed its amount ${String(r.amt)} fen`);
    }
    for (const r of q(`SELECT a.out_trade_no AS no, a.state, (SELECT t.to_state FROM attempt_transitions t WHERE t.attempt_id = a.id ORDER BY t.id DESC LIMIT 1) AS last
        FROM attempts a WHERE a.state IS NOT (SELECT t.to_state FROM attempt_transitions t WHERE t.attempt_id = a.id ORDER BY t.id DESC LIMIT 1)`)) {
      problems.push(`attempt ${String(r.no)} is ${String(r.state)} but its last logged transition is to ${String(r.last)}`);
    }
    for (const r of q(`SELECT t.id, t.from_state AS f, t.to_state AS t2, a.out_trade_no AS no FROM attempt_transitions t JOIN attempts a ON a.id = t.attempt_id
        WHERE t.from_state IS NOT (SELECT p.to_state FROM attempt_transitions p WHERE p.attempt_id = t.attempt_id AND p.id < t.id ORDER BY p.id DESC LIMIT 1)`)) {
      problems.push(`attempt ${String(r.no)}: transition ${String(r.id)} starts from ${String(r.f)}, not from the state before it`);
    }
    for (const r of q(`SELECT t.id, t.from_state AS f, t.to_state AS t2, a.out_trade_no AS no FROM attempt_transitions t JOIN attempts a ON a.id = t.attempt_id WHERE t.from_state IS NOT NULL`)) {
      if (!canTransition(r.f as AttemptState, r.t2 as AttemptState)) problems.push(`attempt ${String(r.no)}: transition ${String(r.id)} ${String(r.f)} → ${String(r.t2)} is not allowed`);
    }
    for (const r of q(`SELECT s.id, s.amount_fen AS amt, SUM(l.qty * l.unit_fen) AS lines FROM sales s JOIN sale_lines l ON l.sale_id = s.id GROUP BY s.id HAVING SUM(l.qty * l.unit_fen) <> s.amount_fen`)) {
      problems.push(`sale ${String(r.id)}: lines add up to ${String(r.lines)} fen, amount is ${String(r.amt)} fen`);
    }
    for (const r of q(`SELECT s.id, COUNT(*) AS n FROM sales s JOIN attempts a ON a.sale_id = s.id WHERE a.state IN ('paid','created','pending','reversing') GROUP BY s.id HAVING COUNT(*) > 1`)) {
      problems.push(`sale ${String(r.id)} has ${String(r.n)} attempts that are paid or still open`);
    }
    for (const r of q(`SELECT s.id FROM sales s JOIN attempts a ON a.sale_id = s.id WHERE a.amount_fen <> s.amount_fen`)) {
      problems.push(`sale ${String(r.id)}: an attempt's amount differs from the sale's`);
    }
    for (const r of q(`SELECT a.out_trade_no AS no FROM attempts a JOIN cash_tenders c ON c.attempt_id = a.id WHERE c.tendered_fen - c.change_fen <> a.amount_fen`)) {
      problems.push(`cash sale ${String(r.no)}: tendered − change ≠ amount`);
    }
    const audit = this.audit.verify();
    if (!audit.ok) problems.push(`audit log broken at entry ${audit.firstBrokenSeq}: ${audit.reason}`);
    return problems;
  }
}
