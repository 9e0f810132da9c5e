// The payment engine: drives every payment attempt to a final state (design.md payment rules).
//
// Shape: every attempt that is not final, and every refund without an answer, has one open row
// in the journal's outbox (what is owed, and when). One `step` function settles a row: it calls
// the gateway, classifies the answer (classify.ts), commits the consequence to the journal, and
// only then tells the UI ('progress'). The live flows (scan, QR, cancel, refund) make the first
// call themselves and then hand over to the same steps; recovery at start and the background
// reconciler run the same steps for whatever the outbox holds. So a crash at any point leaves
// work the next start settles, and a payment is never guessed: unknown → query → reverse.
//
// Concurrency: steps of one attempt run one at a time (a per-ref lock); different attempts run
// side by side. The journal is synchronous, so each commit is atomic in the event loop.
import { EventEmitter } from 'node:events';
import type { Fen } from '../../shared/money.js';
import type { AttemptState, QrMethod } from '../../shared/payment.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { CashResult, OrderDetail, OrderRow, PaymentView } from '../../shared/ipc/contract.js';
import type { GatewayClient, GatewayOutcome, MethodName, MethodParams, MethodResult } from '../gateway/client.js';
import {
  type AttemptRow,
  type Journal,
  type SearchQuery,
  type TransitionChange,
  type TransitionSource,
} from '../journal/journal.js';
import type { RefundLineInput } from '../journal/repos/line-refunds.js';
import { DEFAULT_ENGINE_CONFIG, REVERSIBLE_CHANNELS, type EngineConfig } from './config.js';
import { commitMove } from './commit.js';
import { GatewayCaller, OnlineWatch, type OnlineEvent } from './online.js';
import { OwedWork, type OwedWorkDeps, type RecoveryStatus } from './owed-work.js';
import { checkSaleInput, invalid, posErrorOf, refundAmountOf, type StartInput } from './inputs.js';
import { PaidNotices, type NoticeResult, type PaidNotice } from './paid-notices.js';
import { DEFAULT_PROFILE, type MerchantProfile } from './params.js';
import { LivePayments } from './live.js';
import { RefQueue } from './ref-queue.js';
import { orderDetail, orderRowOf, paymentView } from './views.js';

// The pieces (each re-exported here, where the rest of the app imports them from):
//   config.ts        the settings (EngineConfig) and the retry waits
//   inputs.ts        what the UI sends (StartInput) and its checks
//   live.ts          the flows the cashier starts: scan and dynamic QR
//   commit.ts        one state change: journal first, then the UI
//   online.ts        whether the gateway answers (GatewayCaller: every call), and the probe while it does not
//   owed-work.ts     the steps that settle the outbox rows (query, reverse) and their dispatch
//   refunds.ts       the refund steps, and the full refund owed by a late payment
//   paid-notices.ts  verified callbacks and reconciliations that say "paid"
//   ref-queue.ts     per-ref locks, timers and the tracking of background work
export { DEFAULT_ENGINE_CONFIG, type Backoff, type EngineConfig } from './config.js';
export type { StartInput } from './inputs.js';
export type { OnlineEvent } from './online.js';
export type { RecoveryStatus } from './owed-work.js';
export type { NoticeResult, PaidNotice } from './paid-notices.js';

export interface EngineDeps {
  journal: Journal;
  gateway: GatewayClient;
  merchantNo: string;
  terminalId: string;
  notifyUrl?: string;
  clock?: { now(): number };
  config?: Partial<EngineConfig>;
  profile?: Partial<Omit<MerchantProfile, 'merchantNo' | 'notifyUrl'>>;
  /** The open shift, if the shift room runs one; stamped on sales and refunds. */
  currentShiftId?: () => number | null;
  log?: (line: string) => void;
}


export class PaymentEngine extends EventEmitter {
  private readonly journal: Journal;
  private readonly gateway: GatewayClient;
  private readonly cfg: EngineConfig;
  private readonly profile: MerchantProfile;
  private readonly nowFn: () => number;
  private readonly shiftId: () => number | null;
  private readonly log: (line: string) => void;
  private readonly queue: RefQueue;
  private readonly work: OwedWork;
  private readonly notices: PaidNotices;
  private currentNo: string | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private readonly online: OnlineWatch;
  private readonly caller: GatewayCaller;
  private readonly live: LivePayments;
  private stopped = false;

  constructor(deps: EngineDeps) {
    super();
    this.journal = deps.journal;
    this.gateway = deps.gateway;
    this.cfg = { ...DEFAULT_ENGINE_CONFIG, ...deps.config };
    this.profile = { ...DEFAULT_PROFILE, ...deps.profile, merchantNo: deps.merchantNo, notifyUrl: deps.notifyUrl || DEFAULT_PROFILE.notifyUrl };
    this.nowFn = deps.clock ? () => deps.clock!.now() : Date.now;
    this.shiftId = deps.currentShiftId ?? (() => null);
    this.log = deps.log ?? (() => undefined);
    this.queue = new RefQueue(this.log);
    // The engine's own calls the pieces make: the journal commit, the gateway call, the clock.
    const port: OwedWorkDeps = {
      journal: this.journal,
      cfg: this.cfg,
      merchantNo: this.profile.merchantNo,
      queue: this.queue,
      now: () => this.now(),
      log: this.log,
      stopped: () => this.stopped,
      call: (method, params, signal) => this.call(method, params, signal),
      commit: (a, to, change) => this.commit(a, to, change),
      confirm: (outTradeNo, by) => this.confirm(outTradeNo, by),
      emitProgress: (a) => this.emitProgress(a),
      nextSettle: () => this.nextSettle(),
      recoveryChanged: (status) => this.emit('recovery', status),
    };
    this.work = new OwedWork(port);
    this.notices = new PaidNotices({ ...port, work: this.work });
    this.online = new OnlineWatch({
      probeIntervalMs: this.cfg.probeIntervalMs,
      stopped: () => this.stopped,
      log: this.log,
      probe: () => void this.track(this.probe()),
      changed: (e) => this.emit('online', e),
    });
    this.live = new LivePayments({
      ...port,
      profile: this.profile,
      checkStart: (input) => this.checkStart(input),
      checkCanTakeMobile: () => this.checkCanTakeMobile(),
      create: (input, announce) => this.create(input, announce),
      withLock: (ref, fn) => this.withLock(ref, fn),
      armFor: (subject, ref) => this.armFor(subject, ref),
      payment: (outTradeNo) => this.payment(outTradeNo),
    });
    // Back online: the owed work resumes at once, not at its backed-off time.
    this.caller = new GatewayCaller(this.gateway, this.cfg, this.online, () => {
      if (!this.stopped) this.track(this.work.resume());
    });
  }

  private now(): number {
    return this.nowFn();
  }

  isOnline(): OnlineEvent {
    return this.online.current();
  }

  // ================================================================ the UI's calls

  /** A scan payment: the customer's payment code, scanned (live.ts). */
  startScan(input: StartInput & { authCode: string }): Promise<PaymentView> {
    return this.live.startScan(input);
  }

  /** A dynamic QR payment: the till shows the gateway's code, the customer scans it (live.ts). */
  startQr(input: StartInput & { method: QrMethod }): Promise<PaymentView> {
    return this.live.startQr(input);
  }

  cash(input: StartInput & { tenderedFen: Fen }): CashResult {
    this.checkStart(input);
    if (!Number.isSafeInteger(input.tenderedFen) || input.tenderedFen < 0) throw invalid('tenderedFen', 'must be a whole number of fen ≥ 0');
    if (input.tenderedFen < input.amountFen) throw invalid('tenderedFen', `must be at least the amount (${input.amountFen} fen)`);
    try {
      const { attempt, cash } = this.journal.recordCash({ ...input, shiftId: this.shiftId(), note: input.note ?? null, lines: input.lines ?? null });
      this.emitProgress(attempt);
      return { outTradeNo: attempt.outTradeNo, saleId: attempt.saleId, amountFen: attempt.amountFen, tenderedFen: cash.tenderedFen, changeFen: cash.changeFen };
    } catch (e) {
      throw posErrorOf(e);
    }
  }

  /** The cashier gives up waiting: the attempt is reversed (never left open). */
  async cancel(outTradeNo: string): Promise<PaymentView> {
    const a = this.mustGet(outTradeNo);
    if (a.state === 'paid') throw new PosError('conflict', `${outTradeNo} is already paid: refund it instead`);
    if (a.state !== 'created' && a.state !== 'pending') return this.payment(outTradeNo);
    await this.work.cancel(outTradeNo);
    return this.payment(outTradeNo);
  }

  /** The payment in progress at this till (the last one started here), or null. */
  current(): PaymentView | null {
    if (!this.currentNo) return null;
    const a = this.journal.attempt(this.currentNo);
    return a ? paymentView(a, this.now()) : null;
  }

  search(q: SearchQuery): { rows: OrderRow[]; total: number } {
    const r = this.journal.search(q);
    return { rows: r.rows.map(orderRowOf), total: r.total };
  }

  get(outTradeNo: string): OrderDetail {
    return orderDetail(this.journal, this.mustGet(outTradeNo));
  }

  /** Asks the gateway now; a non-final attempt moves on with the answer. */
  async queryNow(outTradeNo: string): Promise<OrderDetail> {
    const a = this.mustGet(outTradeNo);
    if (a.kind === 'cash') return this.get(outTradeNo);
    this.checkCanTakeMobile();
    await this.work.queryNow(outTradeNo);
    return this.get(outTradeNo);
  }

  /** Refund, full (amountFen absent: all still refundable) or partial. */
  async refund(input: { outTradeNo: string; amountFen?: Fen; reason?: string; lines?: RefundLineInput[] }): Promise<OrderDetail> {
    const a = this.mustGet(input.outTradeNo);
    if (a.state !== 'paid') throw new PosError('conflict', `${a.outTradeNo} is ${a.state}: only a paid order can be refunded`);
    const amountFen = refundAmountOf(a, orderDetail(this.journal, a).refundableFen, input.amountFen);
    if (a.kind !== 'cash') this.checkCanTakeMobile();
    let r;
    try {
      r = this.journal.createRefund({ outTradeNo: a.outTradeNo, amountFen, reason: input.reason ?? null, shiftId: this.shiftId(), dueAtMs: this.now(), lines: input.lines });
    } catch (e) {
      throw posErrorOf(e);
    }
    this.log(`refund ${r.outRefundNo} of ${a.outTradeNo}: ${amountFen} fen`);
    if (a.kind === 'cash') {
      this.journal.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund', answer: 'cash returned from the drawer' });
    } else {
      await this.work.step('refund', r.outRefundNo, true);
    }
    return this.get(a.outTradeNo);
  }

  /** Manager's reverse: of a waiting payment (like cancel) or of a paid one without refunds. */
  async reverse(outTradeNo: string): Promise<OrderDetail> {
    const a = this.mustGet(outTradeNo);
    if (a.kind === 'cash') throw new PosError('conflict', 'a cash sale is refunded, not reversed');
    if (a.state === 'created' || a.state === 'pending' || a.state === 'reversing') {
      await this.cancel(outTradeNo);
      return this.get(outTradeNo);
    }
    if (a.state !== 'paid') throw new PosError('conflict', `${outTradeNo} is ${a.state}: nothing to reverse`);
    if (!REVERSIBLE_CHANNELS.has(a.channel)) throw new PosError('conflict', `${a.channel} orders cannot be reversed: refund it instead`);
    this.checkCanTakeMobile();
    try {
      this.journal.requestReverseOfPaid(outTradeNo, this.now());
    } catch (e) {
      throw posErrorOf(e);
    }
    await this.work.step('attempt', outTradeNo, true);
    return this.get(outTradeNo);
  }

  /** Applies a verified callback idempotently; resolves after the journal commit. */
  applyPaidNotice(n: PaidNotice): Promise<NoticeResult> {
    return this.notices.applyPaidNotice(n);
  }

  /**
   * A reconciliation (or any reader of the gateway) found this order paid at the gateway: an
   * attempt held as closed/declined moves to paid_after_close and its refund starts.
   */
  applyGatewayPaid(outTradeNo: string, tradeNo: string | null, source: TransitionSource): Promise<boolean> {
    return this.notices.applyGatewayPaid(outTradeNo, tradeNo, source);
  }

  // ================================================================ recovery and background

  /** At start: every open outbox row gets a step now (query → paid, or reverse); 'recovery' events before and after. */
  recover(): Promise<void> {
    return this.work.recover();
  }

  /**
   * Recovery without holding up the till: the cashier can take the next sale (each order has its
   * own lock) while the owed work of the last run is settled with the gateway, which can take
   * many seconds when it is slow or unreachable. 'recovery' events say how much is still owed.
   */
  recoverInBackground(): void {
    void this.track(this.recover());
  }

  /** Whether recovery is running, and how many items of owed work (queries, reversals, refunds) are open. */
  recoveryStatus(): RecoveryStatus {
    return this.work.recoveryStatus();
  }

  /** Every reconcileIntervalMs, the due outbox rows get their steps. */
  startReconciler(): void {
    this.work.startReconciler();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.clearTimers();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.online.stop();
    this.work.stop();
    await this.queue.drain();
  }

  // ================================================================ plumbing

  /** Journals a new attempt (durably) and makes it the current one; `announce` false: the caller emits its progress. */
  private create(input: StartInput & Omit<Parameters<Journal['createAttempt']>[0], 'amountFen'>, announce = true): AttemptRow {
    let a: AttemptRow;
    try {
      a = this.journal.createAttempt({ ...input, shiftId: this.shiftId(), note: input.note ?? null, lines: input.lines ?? null });
    } catch (e) {
      throw posErrorOf(e);
    }
    this.currentNo = a.outTradeNo;
    if (announce) this.emitProgress(a);
    this.startTicker();
    return a;
  }

  private checkStart(input: StartInput): void {
    checkSaleInput(input);
    if (this.stopped) throw new PosError('unavailable', 'the payment engine is stopped');
    const cur = this.currentNo ? this.journal.attempt(this.currentNo) : null;
    if (cur && (cur.state === 'created' || cur.state === 'pending') && (cur.deadlineAtMs === null || cur.deadlineAtMs > this.now())) {
      throw new PosError('conflict', `payment ${cur.outTradeNo} is still waiting for the customer: finish or cancel it first`);
    }
  }

  private checkCanTakeMobile(): void {
    const { online, reason } = this.online.current();
    if (!online) throw new PosError('offline', `The payment gateway cannot be reached (${reason ?? 'no answer'}). Take cash, or try again when it answers.`);
  }

  private mustGet(outTradeNo: string): AttemptRow {
    const a = this.journal.attempt(outTradeNo);
    if (!a) throw new PosError('not_found', `outTradeNo: no order ${outTradeNo}`);
    return a;
  }

  private nextSettle(): { action: 'settle'; dueAtMs: number } {
    return { action: 'settle', dueAtMs: this.now() + this.cfg.queryIntervalMs };
  }

  /**
   * Records that the gateway vouched for this final order (journal/confirmations.ts). Relaxed: a
   * lost confirmation costs one more query at the shift close, nothing else.
   */
  private confirm(outTradeNo: string, by: 'callback' | 'query'): void {
    this.journal.durability.relaxed(() => this.journal.confirmations.confirm([outTradeNo], by, new Date(this.now()).toISOString()));
  }

  /** Commits a state change if the state machine allows it, then tells the UI (commit.ts). */
  private commit(a: AttemptRow, to: AttemptState, change: TransitionChange): AttemptRow {
    return commitMove({ journal: this.journal, log: this.log, emitProgress: (x) => this.emitProgress(x) }, a, to, change);
  }

  private call<M extends MethodName>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<GatewayOutcome<MethodResult<M>>> {
    return this.caller.call(method, params, signal);
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.online.online) return;
    await this.call('merchant.balance', { merchant_no: this.profile.merchantNo });
  }

  private withLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    return this.queue.withLock(ref, fn);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    return this.queue.track(p);
  }

  /** A timer for the open outbox row of a ref, at its due time. */
  private armFor(subject: 'attempt' | 'refund', ref: string): void {
    this.work.arm(subject, ref);
  }

  private startTicker(): void {
    if (this.cfg.tickMs <= 0 || this.ticker || this.stopped) return;
    this.ticker = setInterval(() => {
      const cur = this.currentNo ? this.journal.attempt(this.currentNo) : null;
      if (cur && (cur.state === 'created' || cur.state === 'pending')) this.emitProgress(cur);
      else if (this.ticker) {
        clearInterval(this.ticker);
        this.ticker = null;
      }
    }, this.cfg.tickMs);
    this.ticker.unref?.();
  }

  /** The PaymentView of any attempt of this journal. */
  payment(outTradeNo: string): PaymentView {
    return paymentView(this.mustGet(outTradeNo), this.now());
  }

  private emitProgress(a: AttemptRow): void {
    this.emit('progress', paymentView(a, this.now()));
  }
}
