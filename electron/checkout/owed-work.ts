// The owed work of the payment engine (engine.ts): every attempt that is not final, and every
// refund without an answer, has one open outbox row, and `step` settles it. Each step calls the
// gateway, classifies the answer (classify.ts), commits the consequence through the engine's
// commit (journal first, then 'progress'), and leaves the row rescheduled or closed. The live
// flows, recovery and the reconciler all run these same steps. This file holds the dispatch and
// the attempt's steps (query, reverse); the refund steps are in refunds.ts.
import type { AttemptRow, Journal, OutboxRow } from '../journal/journal.js';
import { classifyQuery, classifyReverse, reasonOf, verdictState, type Verdict } from './classify.js';
import { backoffMs, REVERSIBLE_CHANNELS, type EngineConfig } from './config.js';
import type { RefQueue } from './ref-queue.js';
import { Refunds, type RefundsDeps } from './refunds.js';

/** What the steps use of the engine: its journal, settings and queue, and its own calls back. */
export interface OwedWorkDeps extends RefundsDeps {
  queue: RefQueue;
  stopped(): boolean;
  /** Records that the gateway vouched for this final order. */
  confirm(outTradeNo: string, by: 'callback' | 'query'): void;
  nextSettle(): { action: 'settle'; dueAtMs: number };
  /** Tells how recovery stands (the engine's 'recovery' event). */
  recoveryChanged(status: RecoveryStatus): void;
}

export type RecoveryStatus = { running: boolean; owed: number };

export class OwedWork {
  readonly refunds: Refunds;
  private readonly journal: Journal;
  private readonly cfg: EngineConfig;
  private readonly merchantNo: string;
  private readonly queue: RefQueue;
  /** The trade.query a settle step is waiting on, per out_trade_no: a cancel or stop aborts it. */
  private readonly waits = new Map<string, AbortController>();
  private reconciler: NodeJS.Timeout | null = null;
  private recovering = false;

  constructor(private readonly d: OwedWorkDeps) {
    this.journal = d.journal;
    this.cfg = d.cfg;
    this.merchantNo = d.merchantNo;
    this.queue = d.queue;
    this.refunds = new Refunds(d);
  }

  /** Stops waiting for the answer of this attempt's query (the step goes on with "aborted"). */
  abortWait(outTradeNo: string): void {
    this.waits.get(outTradeNo)?.abort();
  }

  /** The engine stops: no more sweeps, and no query waits for its answer any longer. */
  stop(): void {
    if (this.reconciler) clearInterval(this.reconciler);
    this.reconciler = null;
    for (const w of this.waits.values()) w.abort();
  }

  /** At start: every open outbox row gets a step now (query → paid, or reverse). */
  async recover(): Promise<void> {
    const rows = this.journal.openWork();
    this.d.log(`recover: ${rows.length} open item(s)`);
    this.recovering = true;
    this.d.recoveryChanged(this.recoveryStatus());
    try {
      await this.runMany(rows, true);
    } finally {
      this.recovering = false;
      this.d.recoveryChanged(this.recoveryStatus());
    }
  }

  /** Whether recovery is running, and how many items of owed work (queries, reversals, refunds) are open. */
  recoveryStatus(): RecoveryStatus {
    return { running: this.recovering, owed: this.journal.openWork().length };
  }

  /** The background reconciler: every reconcileIntervalMs, a sweep of the due rows. */
  startReconciler(): void {
    if (this.reconciler || this.d.stopped()) return;
    this.reconciler = setInterval(() => this.queue.track(this.sweep()), this.cfg.reconcileIntervalMs);
    this.reconciler.unref?.();
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

  private async sweep(): Promise<void> {
    if (this.d.stopped()) return;
    const rows = this.journal.dueWork(this.d.now(), this.cfg.maxSweepRows).filter((r) => !this.queue.isLocked(r.ref));
    await this.runMany(rows, false);
  }

  private async runMany(rows: OutboxRow[], force: boolean): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < rows.length && !this.d.stopped()) {
        const r = rows[i++]!;
        await this.step(r.subject, r.ref, force);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.cfg.maxParallelSteps, rows.length) }, worker));
  }

  /**
   * The locked part of the cashier's cancel (engine.ts checks the attempt is still waiting): it is
   * reversed, or, on a channel without trade.reverse, left for the gateway to close.
   */
  async cancel(outTradeNo: string): Promise<void> {
    this.abortWait(outTradeNo);
    await this.queue.withLock(outTradeNo, async () => {
      const cur = this.journal.attempt(outTradeNo)!;
      if ((cur.state === 'created' || cur.state === 'pending') && !REVERSIBLE_CHANNELS.has(cur.channel)) {
        // No reverse for this channel: stop waiting here; the gateway closes the order itself
        // and the outbox keeps asking until it says so (or that it was paid after all).
        this.journal.updateAttempt(outTradeNo, { deadlineAtMs: this.d.now(), reason: 'cancelled by the cashier: waiting for the gateway to close it', reasonCode: 'cancelled' }, 'cancel');
        this.journal.reschedule('attempt', outTradeNo, 'settle', this.d.now(), null);
        this.d.emitProgress(this.journal.attempt(outTradeNo)!);
      } else if (cur.state === 'created' || cur.state === 'pending') {
        const next = this.d.commit(cur, 'reversing', { source: 'cancel', reason: 'cancelled by the cashier', reasonCode: 'cancelled', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: this.d.now() } });
        await this.reverseStep(next, this.journal.owedWork('attempt', outTradeNo)!);
      }
    });
    this.arm('attempt', outTradeNo);
  }

  /** The locked part of the engine's queryNow: a waiting attempt takes its settle step now; a final one is compared. */
  async queryNow(outTradeNo: string): Promise<void> {
    await this.queue.withLock(outTradeNo, async () => {
      const row = this.journal.owedWork('attempt', outTradeNo);
      const cur = this.journal.attempt(outTradeNo)!;
      if (row && row.action === 'settle') {
        await this.settleStep(cur, row);
        return;
      }
      const v = classifyQuery(await this.d.call('trade.query', { merchant_no: this.merchantNo, out_trade_no: outTradeNo }));
      const says = verdictState(v);
      if (says === 'paid' && v.kind === 'paid' && this.refunds.paidAfterClose(cur, 'query', v.tradeNo)) return;
      if (says && says !== cur.state && !(cur.state === 'paid' && says === 'paid')) {
        // A final order the gateway sees differently: kept for the reconciliation, not changed.
        this.journal.note('attempt.gateway_differs', outTradeNo, { journal: cur.state, gateway: says, reason: reasonOf(v) });
      }
    });
    this.arm('attempt', outTradeNo);
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
        if (subject === 'refund') await this.refunds.refundStep(row);
        else {
          const a = this.journal.attempt(ref)!;
          if (row.action === 'reverse') await this.reverseStep(a, row);
          else if (row.action === 'refund') await this.refunds.lateRefundStep(a, row);
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
  private async settleStep(a: AttemptRow, row: OutboxRow): Promise<void> {
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
  private async reverseStep(a: AttemptRow, row: OutboxRow): Promise<void> {
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
}
