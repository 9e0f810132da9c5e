// The owed work of the payment engine (engine.ts): every attempt that is not final, and every
// refund without an answer, has one open outbox row, and `step` settles it. Each step calls the
// gateway, classifies the answer (classify.ts), commits the consequence through the engine's
// commit (journal first, then 'progress'), and leaves the row rescheduled or closed. The live
// flows, recovery and the reconciler all run these same steps.
import type { AttemptState } from '../../shared/payment.js';
import type { GatewayOutcome, MethodName, MethodParams, MethodResult } from '../gateway/client.js';
import type { AttemptRow, Journal, OutboxRow, TransitionChange, TransitionSource } from '../journal/journal.js';
import { classifyQuery, classifyRefund, classifyReverse, reasonOf, tradeNoOf, type Verdict } from './classify.js';
import { backoffMs, REVERSIBLE_CHANNELS, type EngineConfig } from './config.js';
import type { RefQueue } from './ref-queue.js';

/** What the steps use of the engine: its journal, settings and queue, and its own calls back. */
export interface OwedWorkDeps {
  journal: Journal;
  cfg: EngineConfig;
  merchantNo: string;
  queue: RefQueue;
  now(): number;
  log(line: string): void;
  stopped(): boolean;
  /** The engine's gateway call (it counts the calls without an answer that make it offline). */
  call<M extends MethodName>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<GatewayOutcome<MethodResult<M>>>;
  /** Commits a state change if the state machine allows it, then tells the UI. */
  commit(a: AttemptRow, to: AttemptState, change: TransitionChange): AttemptRow;
  /** Records that the gateway vouched for this final order. */
  confirm(outTradeNo: string, by: 'query'): void;
  emitProgress(a: AttemptRow): void;
  nextSettle(): { action: 'settle'; dueAtMs: number };
}

export class OwedWork {
  private readonly journal: Journal;
  private readonly cfg: EngineConfig;
  private readonly merchantNo: string;
  private readonly queue: RefQueue;
  /** The trade.query a settle step is waiting on, per out_trade_no: a cancel or stop aborts it. */
  private readonly waits = new Map<string, AbortController>();

  constructor(private readonly d: OwedWorkDeps) {
    this.journal = d.journal;
    this.cfg = d.cfg;
    this.merchantNo = d.merchantNo;
    this.queue = d.queue;
  }

  /** Stops waiting for the answer of this attempt's query (the step goes on with "aborted"). */
  abortWait(outTradeNo: string): void {
    this.waits.get(outTradeNo)?.abort();
  }

  abortWaits(): void {
    for (const w of this.waits.values()) w.abort();
  }

  /** A timer for the open outbox row of a ref, at its due time. */
  arm(subject: 'attempt' | 'refund', ref: string): void {
    this.queue.disarm(ref);
    if (this.d.stopped()) return;
    const row = this.journal.owedWork(subject, ref);
    if (!row) return;
    this.queue.arm(ref, Math.max(0, row.dueAtMs - this.d.now()), () => void this.step(subject, ref, false));
  }

  /** Every open row not already being worked on, now (after the gateway comes back). */
  resume(): Promise<void> {
    return this.runMany(this.journal.openWork().filter((r) => !this.queue.isLocked(r.ref)), true);
  }

  async sweep(): Promise<void> {
    if (this.d.stopped()) return;
    const rows = this.journal.dueWork(this.d.now(), this.cfg.maxSweepRows).filter((r) => !this.queue.isLocked(r.ref));
    await this.runMany(rows, false);
  }

  async runMany(rows: OutboxRow[], force: boolean): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < rows.length && !this.d.stopped()) {
        const r = rows[i++]!;
        await this.step(r.subject, r.ref, force);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.cfg.maxParallelSteps, rows.length) }, worker));
  }

  // ================================================================ steps

  /** Settles one outbox row (if due, or forced), then arms a timer for what is still owed. */
  step(subject: 'attempt' | 'refund', ref: string, force: boolean): Promise<void> {
    const p = this.queue.withLock(ref, async () => {
      if (this.d.stopped()) return;
      const row = this.journal.owedWork(subject, ref);
      if (!row) return;
      if (!force && row.dueAtMs > this.d.now()) return;
      try {
        if (subject === 'refund') await this.refundStep(row);
        else {
          const a = this.journal.attempt(ref)!;
          if (row.action === 'reverse') await this.reverseStep(a, row);
          else if (row.action === 'refund') await this.lateRefundStep(a, row);
          else await this.settleStep(a, row);
        }
      } catch (e) {
        // A bug or a damaged journal: keep the work owed, try again later, say so loudly.
        this.d.log(`step ${subject} ${ref} failed: ${(e as Error).stack ?? String(e)}`);
        const still = this.journal.owedWork(subject, ref);
        if (still) this.journal.reschedule(subject, ref, still.action, this.d.now() + this.cfg.reverseBackoff.maxMs, { error: `internal: ${(e as Error).message}` });
      }
    }).finally(() => this.arm(subject, ref));
    return this.queue.track(p);
  }

  /** Query a waiting payment; past its deadline, reverse it. */
  async settleStep(a: AttemptRow, row: OutboxRow): Promise<void> {
    const wait = new AbortController();
    this.waits.set(a.outTradeNo, wait);
    let v: Verdict;
    try {
      v = classifyQuery(await this.d.call('trade.query', { merchant_no: this.merchantNo, out_trade_no: a.outTradeNo }, wait.signal));
    } finally {
      this.waits.delete(a.outTradeNo);
    }
    let cur = this.journal.attempt(a.outTradeNo)!;
    if (cur.state !== 'created' && cur.state !== 'pending') return; // a callback settled it meanwhile
    if (v.kind === 'paid' || v.kind === 'no_money' || v.kind === 'refunded') {
      const to = v.kind === 'paid' ? 'paid' : v.kind === 'refunded' ? 'refunded' : v.state;
      const after = this.d.commit(cur, to, { source: 'query', tradeNo: v.tradeNo, reason: v.kind === 'paid' ? null : v.reason, ...(v.kind === 'no_money' ? { reasonCode: v.code } : {}) });
      // A final answer to a query: the shift close need not ask again.
      if (after.state === to) this.d.confirm(after.outTradeNo, 'query');
      return;
    }
    if (v.kind === 'pending' && cur.state === 'created') {
      cur = this.d.commit(cur, 'pending', { source: 'query', tradeNo: v.tradeNo, reason: v.reason, next: this.d.nextSettle() });
    } else if (v.kind === 'pending' && v.tradeNo && !cur.tradeNo) {
      cur = this.journal.updateAttempt(cur.outTradeNo, { tradeNo: v.tradeNo }, 'query');
    }
    const notFound = v.kind === 'not_found' ? this.notFound(cur, 'query') : null;
    const pastDeadline = cur.deadlineAtMs === null || this.d.now() >= cur.deadlineAtMs;
    if (!pastDeadline) {
      this.journal.reschedule('attempt', cur.outTradeNo, 'settle', this.d.now() + this.cfg.queryIntervalMs, v.kind === 'unknown' || v.kind === 'not_found' ? { error: v.reason } : null);
      this.d.emitProgress(cur);
      return;
    }
    if (!REVERSIBLE_CHANNELS.has(cur.channel)) {
      if (notFound?.final) {
        // Past the deadline and the horizon, and the gateway has no such order: the create never got there.
        return void this.d.commit(cur, 'closed', { source: 'query', reason: notFound.reason, reasonCode: 'not_found' });
      }
      // Cannot be reversed: keep asking, less often, until the gateway closes it (or says paid).
      const delay = backoffMs(this.cfg.reverseBackoff, row.tries);
      if (cur.reasonCode !== 'cancelled' && cur.reasonCode !== 'expired_waiting') {
        cur = this.journal.updateAttempt(cur.outTradeNo, { reason: 'time is up here: waiting for the gateway to close the order', reasonCode: 'expired_waiting' }, 'query');
      }
      this.journal.reschedule('attempt', cur.outTradeNo, 'settle', this.d.now() + delay, { error: notFound?.reason ?? reasonOf(v) });
      this.d.emitProgress(cur);
      return;
    }
    // Deadline: the customer did not pay in time (or we could not learn it). Reverse, never guess.
    const why = cur.reasonCode === 'create_unknown' ? 'unclear' : 'deadline';
    const next = this.d.commit(cur, 'reversing', {
      source: 'query',
      reason: why === 'unclear' ? cur.reason : `no payment within ${Math.round((cur.kind === 'qr' ? this.cfg.qrDeadlineMs : this.cfg.payDeadlineMs) / 1000)} s: reversing`,
      reasonCode: why === 'unclear' ? cur.reasonCode : 'deadline',
      reversalWhy: why,
      next: { action: 'reverse', dueAtMs: this.d.now() },
    });
    await this.reverseStep(next, this.journal.owedWork('attempt', next.outTradeNo) ?? row);
  }

  /** trade.reverse until answered; records whether it closed the order or gave money back. */
  async reverseStep(a: AttemptRow, row: OutboxRow): Promise<void> {
    const paidBefore = a.state === 'paid'; // manager's reverse of a finished sale
    let tradeNo = a.tradeNo;
    if (!tradeNo) {
      // trade.reverse needs the gateway's trade_no: learn it (and the order's state) first.
      const q = classifyQuery(await this.d.call('trade.query', { merchant_no: this.merchantNo, out_trade_no: a.outTradeNo }));
      if (q.kind === 'not_found') return this.reverseNotFound(a, row);
      if (q.kind === 'no_money' || q.kind === 'refunded') {
        return void this.finishReverse(a, q.kind === 'refunded' ? 'refunded' : 'closed', q.reason, q.kind === 'refunded' ? 'refunded' : q.code);
      }
      if (q.kind === 'unknown' || q.kind === 'refused' || !q.tradeNo) {
        return void this.backoff(a, row, q.kind === 'unknown' ? q.reason : 'the gateway gave no trade_no to reverse');
      }
      tradeNo = q.tradeNo;
      a = this.journal.updateAttempt(a.outTradeNo, { tradeNo }, 'reverse');
    }
    const r = classifyReverse(await this.d.call('trade.reverse', { out_trade_no: a.outTradeNo, trade_no: tradeNo }));
    this.d.log(`reverse ${a.outTradeNo}: ${r.kind}${'reason' in r ? ` (${r.reason})` : ''}`);
    switch (r.kind) {
      case 'refunded':
        return void this.finishReverse(a, 'refunded', 'reversed: the money went back to the customer', 'refunded');
      case 'no_money':
        return void this.finishReverse(a, 'closed', 'reversed before any payment: closed', 'closed');
      case 'not_found':
        return this.reverseNotFound(a, row);
      case 'unknown':
        return void this.backoff(a, row, r.reason);
      default: {
        // The reverse answer did not say, or the gateway refused: the order's own state decides.
        const q = classifyQuery(await this.d.call('trade.query', { merchant_no: this.merchantNo, out_trade_no: a.outTradeNo }));
        if (q.kind === 'refunded') return void this.finishReverse(a, 'refunded', q.reason, 'refunded');
        if (q.kind === 'no_money') return void this.finishReverse(a, 'closed', q.reason, q.code);
        if (q.kind === 'not_found') return this.reverseNotFound(a, row);
        if (q.kind === 'paid' && r.kind === 'refused') {
          // The gateway will not reverse a paid order: it stands paid (refund it if needed).
          if (paidBefore) {
            this.journal.closeOwedWork('attempt', a.outTradeNo, `reverse refused: ${r.reason}`);
            return;
          }
          return void this.d.commit(this.journal.attempt(a.outTradeNo)!, 'paid', { source: 'reverse', tradeNo: q.tradeNo, reason: `paid; reverse refused: ${r.reason}`, reasonCode: String(r.code) });
        }
        return void this.backoff(a, row, r.kind === 'refused' ? r.reason : 'reverse answered without a state; order still open');
      }
    }
  }

  /**
   * "No such order" for an attempt being reversed: closed only past the not-found horizon (the
   * pay request may still land); before it, the reverse is retried on its backoff.
   */
  private reverseNotFound(a: AttemptRow, row: OutboxRow): void {
    const nf = this.notFound(a, 'reverse');
    if (nf.final) return this.finishReverse(a, 'closed', nf.reason, 'not_found');
    this.backoff(a, row, nf.reason);
  }

  /** Counts a not-found answer (journaled) and says whether it is final yet, in words for the journal. */
  private notFound(a: AttemptRow, source: 'query' | 'reverse'): { final: boolean; reason: string } {
    const checks = this.journal.countNotFound(a.outTradeNo, source);
    const overMs = Math.max(0, this.d.now() - Date.parse(a.createdAt));
    const overS = Math.round(overMs / 1000);
    if (overMs >= this.cfg.notFoundHorizonMs) return { final: true, reason: `closed: not found after ${checks} checks over ${overS} s` };
    return { final: false, reason: `not found yet (check ${checks}, ${overS} s): the request may still land; believed after ${Math.round(this.cfg.notFoundHorizonMs / 1000)} s` };
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
  private async lateRefundStep(a: AttemptRow, row: OutboxRow): Promise<void> {
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

  private finishReverse(a: AttemptRow, to: 'closed' | 'refunded', reason: string, code: string | null): void {
    const cur = this.journal.attempt(a.outTradeNo)!;
    if (cur.state === 'paid' && to === 'closed') {
      // A paid order cannot become "never paid": keep it paid and close the owed work, loudly.
      this.journal.closeOwedWork('attempt', cur.outTradeNo, `reverse of a paid order answered "${reason}"`);
      return;
    }
    this.d.commit(cur, to, { source: 'reverse', reason, reasonCode: code });
  }

  private backoff(a: AttemptRow, row: OutboxRow, error: string): void {
    this.journal.reschedule('attempt', a.outTradeNo, 'reverse', this.d.now() + backoffMs(this.cfg.reverseBackoff, row.tries), { error });
    this.d.emitProgress(this.journal.attempt(a.outTradeNo)!);
  }

  private async refundStep(row: OutboxRow): Promise<void> {
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
}
