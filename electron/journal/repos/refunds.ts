// Money given back after a payment: refunds (out_refund_no made and stored first, never more
// than paid, forward-only states, closed with their outbox row) and the manager's reverse of a
// paid attempt.
import type Database from 'better-sqlite3';
import { checkAmountFen, type Fen } from '../../../shared/money.js';
import type { RefundState } from '../../../shared/payment.js';
import {
  checkedRefund,
  clip,
  invariant,
  isoOf,
  JournalConflictError,
  localDateOf,
  OPEN_REFUND_STATES,
  orderNumber,
  type JournalContext,
} from '../base.js';
import type { AttemptRow, RefundRow, TransitionSource } from '../types.js';
import type { AttemptsRepo } from './attempts.js';
import type { LineRefundsRepo, RefundLineInput } from './line-refunds.js';
import type { OutboxRepo } from './outbox.js';
import type { ReversalsRepo } from './reversals.js';

export interface NewRefundInput {
  outTradeNo: string;
  amountFen: Fen;
  reason?: string | null;
  shiftId?: number | null;
  dueAtMs: number;
  /** A refund by line: the pieces given back; amountFen must be what they come to. */
  lines?: readonly RefundLineInput[] | undefined;
}

const REFUND_COLUMNS = `id, out_refund_no AS outRefundNo, attempt_id AS attemptId, channel, amount_fen AS amountFen, state,
  reason, answer, created_at AS createdAt, updated_at AS updatedAt, business_date AS businessDate, shift_id AS shiftId,
  terminal_id AS terminalId`;

const REFUND_RANK: Record<RefundState, number> = { created: 0, processing: 1, succeeded: 2, failed: 2 };

export class RefundsRepo {
  private readonly db: Database.Database;
  private readonly s;

  constructor(
    private readonly ctx: JournalContext,
    private readonly attempts: AttemptsRepo,
    private readonly outbox: OutboxRepo,
    private readonly reversals: ReversalsRepo,
    private readonly lineRefunds: LineRefundsRepo,
  ) {
    const db = (this.db = ctx.db);
    this.s = {
      nextId: db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM refunds'),
      insert: db.prepare(`INSERT INTO refunds (id, out_refund_no, attempt_id, channel, amount_fen, state, reason, created_at, updated_at,
        business_date, shift_id, terminal_id) VALUES (@id, @outRefundNo, @attemptId, @channel, @amountFen, @state, @reason, @at, @at,
        @businessDate, @shiftId, @terminalId)`),
      byNo: db.prepare(`SELECT ${REFUND_COLUMNS} FROM refunds WHERE out_refund_no = ?`),
      of: db.prepare(`SELECT ${REFUND_COLUMNS} FROM refunds WHERE attempt_id = ? ORDER BY id`),
      update: db.prepare('UPDATE refunds SET state = ?, answer = ?, updated_at = ? WHERE id = ?'),
      sums: db.prepare(`SELECT
          COALESCE(SUM(CASE WHEN state <> 'failed' THEN amount_fen END), 0) AS committedFen,
          COALESCE(SUM(CASE WHEN state = 'succeeded' THEN amount_fen END), 0) AS succeededFen
        FROM refunds WHERE attempt_id = ?`),
    };
  }

  /** Creates a refund of a paid attempt (out_refund_no made and stored first) with its outbox row. */
  create(input: NewRefundInput): RefundRow {
    return this.db.transaction(() => this.insert(input)).immediate();
  }

  /** Inside a write transaction (e.g. a refund by line that also puts stock back). */
  insert(input: NewRefundInput): RefundRow {
    const a = this.attempts.get(input.outTradeNo);
    if (!a) throw new JournalConflictError(`outTradeNo: no order ${input.outTradeNo}`);
    if (a.state !== 'paid') throw new JournalConflictError(`order ${input.outTradeNo} is ${a.state}: only a paid order can be refunded`);
    const problem = checkAmountFen(input.amountFen, 'amountFen');
    if (problem) throw new JournalConflictError(problem);
    if (this.outbox.owed('attempt', a.outTradeNo)) {
      throw new JournalConflictError(`order ${input.outTradeNo} is being reversed: wait for the answer`);
    }
    const refundableFen = a.amountFen - this.sums(a.id).committedFen;
    if (input.amountFen > refundableFen) {
      throw new JournalConflictError(`amountFen: ${input.amountFen} fen is more than the ${refundableFen} fen still refundable`);
    }
    const quote = input.lines ? this.lineRefunds.quote(a.saleId, input.lines) : null;
    if (quote && quote.amountFen !== input.amountFen) {
      throw new JournalConflictError(`amountFen: the chosen lines come to ${quote.amountFen} fen, not ${input.amountFen}`);
    }
    const nowMs = this.ctx.now();
    const at = isoOf(nowMs);
    const id = (this.s.nextId.get() as { id: number }).id;
    const outRefundNo = orderNumber(this.ctx, 'R', id);
    this.s.insert.run({
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
      terminalId: this.ctx.terminalId,
    });
    if (quote) this.lineRefunds.record(id, quote.lines);
    if (a.kind !== 'cash') this.outbox.owe('refund', outRefundNo, 'refund', input.dueAtMs, at);
    this.ctx.audit.append({
      at,
      kind: 'refund.created',
      subject: outRefundNo,
      data: { outTradeNo: a.outTradeNo, amountFen: input.amountFen, reason: clip(input.reason), ...(quote ? { lines: quote.lines } : {}) },
    });
    invariant(this.sums(a.id).committedFen <= a.amountFen, `order ${a.outTradeNo}: refunds exceed the amount paid`);
    return this.get(outRefundNo)!;
  }

  /** Records the gateway's answer to a refund. Final answers close its outbox row. */
  transition(outRefundNo: string, to: RefundState, change: { answer?: string | null; source: TransitionSource; next?: { dueAtMs: number } }): RefundRow {
    return this.db
      .transaction(() => {
        const before = this.get(outRefundNo);
        invariant(before, `refund ${outRefundNo} does not exist`);
        invariant(REFUND_RANK[to] > REFUND_RANK[before.state], `refund ${outRefundNo}: ${before.state} → ${to} is not allowed`);
        const at = isoOf(this.ctx.now());
        this.s.update.run(to, clip(change.answer ?? before.answer), at, before.id);
        const open = this.outbox.owed('refund', outRefundNo);
        const final = !OPEN_REFUND_STATES.includes(to);
        if (final && open) this.outbox.closeRow(open.id, at);
        if (!final && open && change.next) this.outbox.moveRow(open.id, 'refund', change.next.dueAtMs);
        this.ctx.audit.append({ at, kind: 'refund.transition', subject: outRefundNo, data: { from: before.state, to, source: change.source, answer: clip(change.answer), amountFen: before.amountFen } });
        const a = this.attempts.byId(before.attemptId) as AttemptRow;
        // Refunded lines go back to stock with the money.
        if (to === 'succeeded') this.lineRefunds.returnStock(before.id, a.saleId, outRefundNo, at);
        const sums = this.sums(a.id);
        invariant(sums.committedFen <= a.amountFen && sums.succeededFen <= sums.committedFen, `order ${a.outTradeNo}: refunds exceed the amount paid`);
        return this.get(outRefundNo)!;
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
        const a = this.attempts.get(outTradeNo);
        invariant(a, `attempt ${outTradeNo} does not exist`);
        if (a.state !== 'paid') throw new JournalConflictError(`attempt ${outTradeNo} is ${a.state}, not paid`);
        if (this.sums(a.id).committedFen > 0) throw new JournalConflictError(`attempt ${outTradeNo} has refunds: refund the rest instead of reversing`);
        if (this.outbox.owed('attempt', outTradeNo)) throw new JournalConflictError(`attempt ${outTradeNo} already has work owed`);
        const at = isoOf(this.ctx.now());
        this.reversals.request(a.id, at, 'manager');
        this.outbox.owe('attempt', outTradeNo, 'reverse', dueAtMs, at);
        this.ctx.audit.append({ at, kind: 'attempt.reverse_requested', subject: outTradeNo, data: { state: a.state, amountFen: a.amountFen } });
        return a;
      })
      .immediate();
  }

  // ---------------------------------------------------------------- reads

  get(outRefundNo: string): RefundRow | null {
    return checkedRefund(this.s.byNo.get(outRefundNo) as RefundRow | undefined);
  }

  of(attemptId: number): RefundRow[] {
    return (this.s.of.all(attemptId) as RefundRow[]).map((r) => checkedRefund(r)!);
  }

  /** committed: every refund not failed (what can no longer be refunded); succeeded: money returned. */
  sums(attemptId: number): { committedFen: Fen; succeededFen: Fen } {
    return this.s.sums.get(attemptId) as { committedFen: Fen; succeededFen: Fen };
  }
}
