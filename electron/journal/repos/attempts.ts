// Payment attempts and their transition log: creating an attempt (with its sale, or continuing
// one), cash sales, state moves with the outbox / reversal / audit changes they imply, and the
// reads of attempts, timelines and cash tenders.
import { orderNumberKey } from '../migrations/006_order_number_suffix.js';
import type Database from 'better-sqlite3';
import { checkAmountFen, isFen, type Fen } from '../../../shared/money.js';
import { ATTEMPT_STATE_RANK, canTransition, isFinalAttemptState, type AttemptState, type PayChannel, type PayKind } from '../../../shared/payment.js';
import {
  ATTEMPT_COLUMNS,
  checkedAttempt,
  clip,
  invariant,
  isoOf,
  JournalConflictError,
  JournalInvariantError,
  localDateOf,
  orderNumber,
  type JournalContext,
} from '../base.js';
import type { AttemptRow, CashTenderRow, OutboxAction, ReversalWhy, SaleAdjust, SaleLine, TransitionRow, TransitionSource } from '../types.js';
import type { CatalogueRepo } from './catalogue.js';
import type { OutboxRepo } from './outbox.js';
import type { ReversalsRepo } from './reversals.js';
import type { SalesRepo } from './sales.js';

export interface NewAttemptInput {
  /** Continue a sale whose earlier attempts all ended without money (declined / closed). */
  saleId?: number;
  kind: PayKind;
  channel: PayChannel;
  method: string;
  amountFen: Fen;
  note?: string | null;
  lines?: readonly SaleLine[] | null;
  /** Goods sales: the order discount and 抹零 (the lines carry what each was charged). */
  adjust?: SaleAdjust | null;
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

export interface CashSaleInput {
  amountFen: Fen;
  tenderedFen: Fen;
  note?: string | null;
  lines?: readonly SaleLine[] | null;
  adjust?: SaleAdjust | null;
  shiftId?: number | null;
  saleId?: number;
}

export class AttemptsRepo {
  private readonly db: Database.Database;
  private readonly s;

  constructor(
    private readonly ctx: JournalContext,
    private readonly sales: SalesRepo,
    private readonly outbox: OutboxRepo,
    private readonly reversals: ReversalsRepo,
    private readonly stock: CatalogueRepo,
  ) {
    const db = (this.db = ctx.db);
    this.s = {
      nextId: db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM attempts'),
      insert: db.prepare(`INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, masked_auth_code,
        deadline_at_ms, created_at, updated_at, final_at, business_date, shift_id, terminal_id, out_trade_no_rev)
        VALUES (@id, @outTradeNo, @saleId, @kind, @channel, @method, @amountFen, @state, @maskedAuthCode,
        @deadlineAtMs, @at, @at, @finalAt, @businessDate, @shiftId, @terminalId, @outTradeNoKey)`),
      byNo: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE out_trade_no = ?`),
      byId: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE id = ?`),
      ofSale: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE sale_id = ? ORDER BY id`),
      open: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM attempts INDEXED BY attempts_open WHERE state IN ('created','pending','reversing') ORDER BY id`),
      update: db.prepare(`UPDATE attempts SET state = @state, trade_no = @tradeNo, qr_url = @qrUrl, reason = @reason,
        reason_code = @reasonCode, deadline_at_ms = @deadlineAtMs, updated_at = @at, final_at = @finalAt WHERE id = @id`),
      updateReturning: db.prepare(`UPDATE attempts SET state = @state, trade_no = @tradeNo, qr_url = @qrUrl, reason = @reason,
        reason_code = @reasonCode, deadline_at_ms = @deadlineAtMs, updated_at = @at, final_at = @finalAt WHERE id = @id RETURNING ${ATTEMPT_COLUMNS}`),
      insertTransition: db.prepare(
        'INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source, reason, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      transitions: db.prepare(`SELECT id, attempt_id AS attemptId, at, from_state AS fromState, to_state AS toState, source, reason,
        reason_code AS reasonCode FROM attempt_transitions WHERE attempt_id = ? ORDER BY id`),
      insertCash: db.prepare('INSERT INTO cash_tenders (attempt_id, tendered_fen, change_fen) VALUES (?, ?, ?)'),
      cash: db.prepare('SELECT attempt_id AS attemptId, tendered_fen AS tenderedFen, change_fen AS changeFen FROM cash_tenders WHERE attempt_id = ?'),
    };
  }

  // ---------------------------------------------------------------- writes

  /** Creates the sale (or continues one) and its attempt in state `created`, with its settle row in the outbox. */
  create(input: NewAttemptInput): AttemptRow {
    return this.db.transaction(() => this.insertAttempt(input, 'created', 'create')).immediate();
  }

  /** A cash sale: no gateway, paid at once; tendered and change recorded. */
  recordCash(input: CashSaleInput): { attempt: AttemptRow; cash: CashTenderRow } {
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
        this.stock.takeForSale(attempt.saleId, attempt.outTradeNo, attempt.createdAt);
        invariant(cash.tenderedFen - cash.changeFen === attempt.amountFen, 'cash: tendered − change must equal the amount');
        return { attempt, cash };
      })
      .immediate();
  }

  private insertAttempt(input: NewAttemptInput, state: 'created' | 'paid', source: TransitionSource): AttemptRow {
    const amountProblem = checkAmountFen(input.amountFen, 'amountFen');
    if (amountProblem) throw new JournalConflictError(amountProblem);
    const nowMs = this.ctx.now();
    const at = isoOf(nowMs);
    const businessDate = localDateOf(nowMs);
    const shiftId = input.shiftId ?? null;
    let saleId: number;
    if (input.saleId !== undefined) {
      const sale = this.sales.row(input.saleId);
      if (!sale) throw new JournalConflictError(`saleId: sale ${input.saleId} does not exist`);
      if (sale.amountFen !== input.amountFen) {
        throw new JournalConflictError(`amountFen: sale ${sale.id} is for ${sale.amountFen} fen, not ${input.amountFen}`);
      }
      // No sale is charged twice: another attempt is allowed only when every earlier one
      // ended without the customer's money (declined, closed, or reversed back to them).
      for (const a of this.s.ofSale.all(sale.id) as AttemptRow[]) {
        if (a.state !== 'declined' && a.state !== 'closed' && a.state !== 'refunded') {
          throw new JournalConflictError(`sale ${sale.id} already has attempt ${a.outTradeNo} in state ${a.state}`);
        }
      }
      saleId = sale.id;
    } else {
      saleId = this.sales.insert({
        at,
        businessDate,
        shiftId,
        terminalId: this.ctx.terminalId,
        amountFen: input.amountFen,
        note: input.note ?? null,
        lines: input.lines ?? [],
        adjust: input.adjust ?? null,
      });
    }
    const id = (this.s.nextId.get() as { id: number }).id;
    const outTradeNo = orderNumber(this.ctx, 'P', id);
    this.s.insert.run({
      id,
      outTradeNo,
      outTradeNoKey: orderNumberKey(outTradeNo),
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
      terminalId: this.ctx.terminalId,
    });
    this.s.insertTransition.run(id, at, null, state, source, null, null);
    if (state === 'created') this.outbox.owe('attempt', outTradeNo, 'settle', input.settleDueAtMs, at);
    this.ctx.audit.append({
      at,
      kind: 'attempt.created',
      subject: outTradeNo,
      data: { saleId, kind: input.kind, channel: input.channel, method: input.method, amountFen: input.amountFen, state, shiftId, maskedAuthCode: input.maskedAuthCode ?? null },
    });
    const back = checkedAttempt(this.s.byId.get(id) as AttemptRow)!;
    invariant(back.amountFen === input.amountFen && back.state === state, `attempt ${outTradeNo}: read back differs from what was written`);
    return back;
  }

  /**
   * Moves an attempt to a new state, with its transition log entry, outbox change, reversal
   * record and audit entry, in one transaction. Throws JournalInvariantError for a move the state
   * machine forbids (the caller checks `canTransition` first under its per-attempt lock).
   */
  transition(outTradeNo: string, to: AttemptState, change: TransitionChange): AttemptRow {
    return this.db
      .transaction(() => {
        const before = this.get(outTradeNo);
        invariant(before, `attempt ${outTradeNo} does not exist`);
        invariant(canTransition(before.state, to), `attempt ${outTradeNo}: ${before.state} → ${to} is not allowed`);
        const final = isFinalAttemptState(to);
        invariant(final || change.next, `attempt ${outTradeNo}: a move to ${to} must say what is owed next`);
        invariant(to !== 'reversing' || change.reversalWhy, `attempt ${outTradeNo}: reversing needs a reason`);
        if (before.tradeNo && change.tradeNo && before.tradeNo !== change.tradeNo) {
          throw new JournalInvariantError(`attempt ${outTradeNo}: gateway trade_no changed from ${before.tradeNo} to ${change.tradeNo}`);
        }
        const at = isoOf(this.ctx.now());
        const reason = change.reason === undefined ? before.reason : clip(change.reason);
        const reasonCode = change.reasonCode === undefined ? before.reasonCode : clip(change.reasonCode);
        // RETURNING reads the row back as the database stored it, in the same statement.
        const after = checkedAttempt(
          this.s.updateReturning.get({
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

        // The goods of a paid sale leave the stock; a reverse of a paid sale brings them back.
        if (to === 'paid') this.stock.takeForSale(before.saleId, outTradeNo, at);
        else if (before.state === 'paid' && to === 'refunded') this.stock.returnForSale(before.saleId, outTradeNo, at);

        if (to === 'reversing') this.reversals.request(before.id, at, change.reversalWhy!);
        else if (final && (before.state === 'reversing' || to === 'refunded')) this.reversals.answerOpen(before.id, at, to);

        // One open outbox row per attempt (unique partial index): closed when final, else due again.
        if (final) {
          this.outbox.closeOpenOf('attempt', outTradeNo, at);
        } else {
          const next = change.next!;
          if (!this.outbox.rescheduleOpenOf('attempt', outTradeNo, next.action, next.dueAtMs)) {
            this.outbox.owe('attempt', outTradeNo, next.action, next.dueAtMs, at);
          }
        }
        this.ctx.audit.append({
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
  update(outTradeNo: string, fields: AttemptFieldsChange, source: TransitionSource): AttemptRow {
    return this.db
      .transaction(() => {
        const before = this.get(outTradeNo);
        invariant(before, `attempt ${outTradeNo} does not exist`);
        if (before.tradeNo && fields.tradeNo && before.tradeNo !== fields.tradeNo) {
          throw new JournalInvariantError(`attempt ${outTradeNo}: gateway trade_no changed from ${before.tradeNo} to ${fields.tradeNo}`);
        }
        const at = isoOf(this.ctx.now());
        this.s.update.run({
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
        this.ctx.audit.append({ at, kind: 'attempt.updated', subject: outTradeNo, data: { ...fields, source } });
        return this.get(outTradeNo)!;
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
        // Prepared here, not with the others: the column comes with migration 005.
        const n = this.db.prepare(`UPDATE attempts SET not_found_checks = not_found_checks + 1 WHERE out_trade_no = ? RETURNING not_found_checks`).pluck().get(outTradeNo) as number | undefined;
        invariant(n !== undefined, `attempt ${outTradeNo} does not exist`);
        this.ctx.audit.append({ at: isoOf(this.ctx.now()), kind: 'attempt.not_found', subject: outTradeNo, data: { checks: n, source } });
        return n;
      })
      .immediate();
  }

  /**
   * The out_refund_no of the full refund owed by a paid_after_close attempt: made from the
   * attempt's id, so every retry (and every restart) sends the same number.
   */
  lateRefundNumber(outTradeNo: string): string {
    const a = this.get(outTradeNo);
    invariant(a, `attempt ${outTradeNo} does not exist`);
    return orderNumber(this.ctx, 'L', a.id);
  }

  // ---------------------------------------------------------------- reads

  get(outTradeNo: string): AttemptRow | null {
    return checkedAttempt(this.s.byNo.get(outTradeNo) as AttemptRow | undefined);
  }

  byId(id: number): AttemptRow | null {
    return checkedAttempt(this.s.byId.get(id) as AttemptRow | undefined);
  }

  ofSale(saleId: number): AttemptRow[] {
    return (this.s.ofSale.all(saleId) as AttemptRow[]).map((r) => checkedAttempt(r)!);
  }

  /** Attempts that are not final (created / pending / reversing), oldest first. Partial index. */
  open(): AttemptRow[] {
    return (this.s.open.all() as AttemptRow[]).map((r) => checkedAttempt(r)!);
  }

  timeline(attemptId: number): TransitionRow[] {
    return this.s.transitions.all(attemptId) as TransitionRow[];
  }

  cashTender(attemptId: number): CashTenderRow | null {
    return (this.s.cash.get(attemptId) as CashTenderRow | undefined) ?? null;
  }
}
