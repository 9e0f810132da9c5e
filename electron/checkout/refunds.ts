// The money going back (owed-work.ts runs these steps): a refund retried with its one
// out_refund_no until the gateway answers, and the full refund owed by an attempt the gateway
// charged after the till had closed or declined it (paid_after_close).
import type { AttemptState } from '../../shared/payment.js';
import type { GatewayOutcome, MethodName, MethodParams, MethodResult } from '../gateway/client.js';
import type { AttemptRow, Journal, OutboxRow, TransitionChange, TransitionSource } from '../journal/journal.js';
import { classifyQuery, classifyRefund, classifyReverse, reasonOf, tradeNoOf } from './classify.js';
import { backoffMs, REVERSIBLE_CHANNELS, type EngineConfig } from './config.js';

/** What the refund steps use of the engine. */
export interface RefundsDeps {
  journal: Journal;
  cfg: EngineConfig;
  merchantNo: string;
  now(): number;
  log(line: string): void;
  /** The engine's gateway call (it counts the calls without an answer that make it offline). */
  call<M extends MethodName>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<GatewayOutcome<MethodResult<M>>>;
  /** Commits a state change if the state machine allows it, then tells the UI. */
  commit(a: AttemptRow, to: AttemptState, change: TransitionChange): AttemptRow;
  emitProgress(a: AttemptRow): void;
}

export class Refunds {
  private readonly journal: Journal;
  private readonly cfg: EngineConfig;
  private readonly merchantNo: string;

  constructor(private readonly d: RefundsDeps) {
    this.journal = d.journal;
    this.cfg = d.cfg;
    this.merchantNo = d.merchantNo;
  }

  async refundStep(row: OutboxRow): Promise<void> {
    const r = this.journal.refund(row.ref)!;
    const a = this.journal.attemptById(r.attemptId)!;
    const params =
      a.channel === 'unionpay'
        ? { out_trade_no: a.outTradeNo, out_refund_no: r.outRefundNo, refund_reason: (r.reason ?? 'refund').slice(0, 64) }
        : { out_trade_no: a.outTradeNo, out_refund_no: r.outRefundNo, refund_fee: r.amountFen };
    const v = classifyRefund(await this.d.call('trade.refund', params));
    this.d.log(`refund ${r.outRefundNo}: ${v.kind}`);
    const later = this.d.now() + backoffMs(this.cfg.refundBackoff, row.tries);
    if (v.kind === 'succeeded' || v.kind === 'failed') this.journal.refundTransition(r.outRefundNo, v.kind, { source: 'refund', answer: v.answer });
    else if (v.kind === 'processing' && r.state === 'created') this.journal.refundTransition(r.outRefundNo, 'processing', { source: 'refund', answer: v.answer, next: { dueAtMs: later } });
    else this.journal.reschedule('refund', r.outRefundNo, 'refund', later, v.kind === 'unknown' ? { error: v.reason } : null);
    this.d.emitProgress(this.journal.attempt(a.outTradeNo)!);
  }

  /**
   * The gateway says paid for an attempt this till holds as closed or declined (a late landing):
   * it moves to paid_after_close, which owes a full refund, and the refund step starts now.
   * Returns false when the attempt is in no such state (nothing changed).
   */
  paidAfterClose(cur: AttemptRow, source: TransitionSource, tradeNo: string | null): boolean {
    if (cur.state !== 'closed' && cur.state !== 'declined') return false;
    this.d.commit(cur, 'paid_after_close', {
      source,
      tradeNo,
      reason: `paid at the gateway after the till ${cur.state === 'closed' ? 'closed' : 'declined'} it: refunding the customer in full`,
      reasonCode: 'paid_after_close',
      next: { action: 'refund', dueAtMs: this.d.now() },
    });
    this.d.log(`${cur.outTradeNo}: paid after ${cur.state} (${source}); full refund owed`);
    return true;
  }

  /**
   * The full refund owed by a paid_after_close attempt, retried on the refund backoff until it is
   * done: trade.reverse for WeChat/Alipay (a reverse of a paid order gives the money back, as the
   * till's own reverses do), trade.refund with one out_refund_no for the other channels.
   */
  async lateRefundStep(a: AttemptRow, row: OutboxRow): Promise<void> {
    if (a.state !== 'paid_after_close') return void this.journal.closeOwedWork('attempt', a.outTradeNo, `late refund owed by a ${a.state} attempt`);
    const error = REVERSIBLE_CHANNELS.has(a.channel) ? await this.lateReverse(a) : await this.lateRefund(a);
    const cur = this.journal.attempt(a.outTradeNo)!;
    if (error === null) return;
    this.journal.reschedule('attempt', a.outTradeNo, 'refund', this.d.now() + backoffMs(this.cfg.refundBackoff, row.tries), { error });
    this.d.emitProgress(cur);
  }

  /** trade.reverse of a late payment; null when it moved to refunded, else what stands in the way. */
  private async lateReverse(a: AttemptRow): Promise<string | null> {
    let tradeNo = a.tradeNo;
    if (!tradeNo) {
      const q = classifyQuery(await this.d.call('trade.query', { merchant_no: this.merchantNo, out_trade_no: a.outTradeNo }));
      tradeNo = tradeNoOf(q);
      if (!tradeNo) return `no trade_no to reverse yet: ${reasonOf(q)}`;
      a = this.journal.updateAttempt(a.outTradeNo, { tradeNo }, 'reverse');
    }
    const r = classifyReverse(await this.d.call('trade.reverse', { out_trade_no: a.outTradeNo, trade_no: tradeNo }));
    this.d.log(`late reverse ${a.outTradeNo}: ${r.kind}`);
    if (r.kind !== 'refunded') return `reverse: ${reasonOf(r)}`;
    this.d.commit(a, 'refunded', { source: 'reverse', reason: 'paid after close; reversed: the money went back to the customer', reasonCode: 'refunded_after_close' });
    return null;
  }

  /** trade.refund of the whole amount of a late payment (channels without trade.reverse). */
  private async lateRefund(a: AttemptRow): Promise<string | null> {
    const outRefundNo = this.journal.lateRefundNumber(a.outTradeNo);
    const params =
      a.channel === 'unionpay'
        ? { out_trade_no: a.outTradeNo, out_refund_no: outRefundNo, refund_reason: 'paid after the till closed the order' }
        : { out_trade_no: a.outTradeNo, out_refund_no: outRefundNo, refund_fee: a.amountFen };
    const v = classifyRefund(await this.d.call('trade.refund', params));
    this.d.log(`late refund ${outRefundNo} of ${a.outTradeNo}: ${v.kind}`);
    if (v.kind === 'succeeded') {
      this.d.commit(a, 'refunded', { source: 'refund', reason: `paid after close; refunded in full (${outRefundNo})`, reasonCode: 'refunded_after_close' });
      return null;
    }
    // processing, failed (e.g. the merchant's balance is short) or no answer: still owed, same number.
    return v.kind === 'unknown' ? v.reason : `refund ${outRefundNo} ${v.kind}: ${v.answer}`;
  }
}
