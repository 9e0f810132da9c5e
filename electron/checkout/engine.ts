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
import { checkAuthCode, maskCode, paymentCodeChannel } from '../../shared/paycode.js';
import { canTransition, QR_METHODS, channelOfMethod, type AttemptState, type QrMethod } from '../../shared/payment.js';
import { PosError, type IpcIssue } from '../../shared/ipc/errors.js';
import type { CashResult, OrderDetail, OrderRow, PaymentView } from '../../shared/ipc/contract.js';
import type { GatewayClient, GatewayOutcome, MethodName, MethodParams } from '../gateway/client.js';
import {
  JournalConflictError,
  type AttemptRow,
  type Journal,
  type SearchQuery,
  type TransitionChange,
  type TransitionSource,
} from '../journal/journal.js';
import type { RefundLineInput } from '../journal/repos/line-refunds.js';
import { classifyCreate, classifyPay, codeOf, reasonOf, tradeNoOf } from './classify.js';
import { DEFAULT_ENGINE_CONFIG, REVERSIBLE_CHANNELS, type EngineConfig } from './config.js';
import { OnlineWatch, type OnlineEvent } from './online.js';
import { OwedWork, type OwedWorkDeps, type RecoveryStatus } from './owed-work.js';
import { checkSaleInput, invalid, refundAmountOf, type StartInput } from './inputs.js';
import { PaidNotices, type NoticeResult, type PaidNotice } from './paid-notices.js';
import { DEFAULT_PROFILE, QR_METHODS_NOT_AT_COUNTER, qrPayParams, qrUrlOf, scanPayParams, type MerchantProfile } from './params.js';
import { RefQueue } from './ref-queue.js';
import { orderDetail, orderRowOf, paymentView } from './views.js';

// The pieces (each re-exported here, where the rest of the app imports them from):
//   config.ts        the settings (EngineConfig) and the retry waits
//   inputs.ts        what the UI sends (StartInput) and its checks
//   online.ts        whether the gateway answers, and the probe while it does not
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
  private failures = 0;
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
  }

  private now(): number {
    return this.nowFn();
  }

  isOnline(): OnlineEvent {
    return this.online.current();
  }

  // ================================================================ the UI's calls

  async startScan(input: StartInput & { authCode: string }): Promise<PaymentView> {
    this.checkStart(input);
    const codeProblem = checkAuthCode(input.authCode);
    if (codeProblem) throw invalid('authCode', codeProblem.replace(/^auth_code: /, ''));
    this.checkCanTakeMobile();
    const channel = paymentCodeChannel(input.authCode)!;
    const { method, params } = scanPayParams(channel, this.profile, 'PENDING', input.amountFen, input.authCode, input.note ?? null);
    const nowMs = this.now();
    const a = this.create({
      ...input,
      kind: 'scan',
      channel,
      method,
      maskedAuthCode: maskCode(input.authCode),
      deadlineAtMs: nowMs + this.cfg.payDeadlineMs,
      settleDueAtMs: nowMs + this.cfg.requestTimeoutMs + this.cfg.queryIntervalMs,
    }, false);
    // The out_trade_no is committed; now the request leaves, before the screens and the log are
    // told (the customer waits on the wire, not on them). The lock is taken before any await, so
    // a callback for this order waits for the answer's commit.
    const answer = this.call(method, { ...params, out_trade_no: a.outTradeNo } as MethodParams<typeof method>);
    this.emitProgress(a);
    this.log(`scan ${a.outTradeNo} ${method} ${a.amountFen} fen code ${a.maskedAuthCode}`);
    await this.withLock(a.outTradeNo, async () => {
      const v = classifyPay(await answer);
      // The answer is committed before anyone is told, but not fsynced on the cashier's wait: the
      // order number is durable, so a power cut can only send the attempt back to its owed
      // settle, and recovery asks the gateway again (journal/durability.ts).
      this.journal.durability.relaxed(() => {
        const cur = this.journal.attempt(a.outTradeNo)!;
        if (v.kind === 'paid') this.commit(cur, 'paid', { source: 'scan', tradeNo: v.tradeNo, reason: null });
        else if (v.kind === 'no_money') this.commit(cur, v.state, { source: 'scan', tradeNo: v.tradeNo, reason: v.reason, reasonCode: v.code });
        else this.commit(cur, 'pending', { source: 'scan', reason: reasonOf(v), reasonCode: codeOf(v), tradeNo: tradeNoOf(v), next: this.nextSettle() });
      });
    });
    this.armFor('attempt', a.outTradeNo);
    return this.payment(a.outTradeNo);
  }

  async startQr(input: StartInput & { method: QrMethod }): Promise<PaymentView> {
    this.checkStart(input);
    if (!(QR_METHODS as readonly string[]).includes(input.method)) throw invalid('method', `must be one of ${QR_METHODS.join(', ')}`);
    const notHere = QR_METHODS_NOT_AT_COUNTER[input.method];
    if (notHere) throw invalid('method', notHere);
    this.checkCanTakeMobile();
    const nowMs = this.now();
    const a = this.create({
      ...input,
      kind: 'qr',
      channel: channelOfMethod(input.method),
      method: input.method,
      deadlineAtMs: nowMs + this.cfg.qrDeadlineMs,
      settleDueAtMs: nowMs + this.cfg.requestTimeoutMs + this.cfg.queryIntervalMs,
    });
    this.log(`qr ${a.outTradeNo} ${input.method} ${a.amountFen} fen`);
    await this.withLock(a.outTradeNo, async () => {
      const params = qrPayParams(input.method, this.profile, a.outTradeNo, a.amountFen, a.saleId, input.note ?? null);
      const outcome = (await this.call(input.method, params as MethodParams<QrMethod>)) as GatewayOutcome<Record<string, unknown>>;
      const v = classifyCreate(outcome);
      // Relaxed like the scan's answer: the order number is durable, the answer can be asked again.
      this.journal.durability.relaxed(() => this.commitCreated(a, v, outcome));
    });
    this.armFor('attempt', a.outTradeNo);
    return this.payment(a.outTradeNo);
  }

  private commitCreated(a: AttemptRow, v: ReturnType<typeof classifyCreate>, outcome: GatewayOutcome<Record<string, unknown>>): void {
    const cur = this.journal.attempt(a.outTradeNo)!;
    const url = outcome.kind === 'ok' ? qrUrlOf(outcome.result) : null;
    if (v.kind === 'no_money') {
      this.commit(cur, v.state, { source: 'create', reason: v.reason, reasonCode: v.code });
    } else if (url) {
      this.commit(cur, 'pending', { source: 'create', qrUrl: url, reason: null, next: this.nextSettle() });
    } else {
      // No URL to show: nobody can pay this order. Settle it now (query, then reverse) and
      // tell the cashier to start again.
      this.commit(cur, 'pending', {
        source: 'create',
        reason: `could not create the payment code: ${reasonOf(v)}`,
        reasonCode: 'create_unknown',
        deadlineAtMs: this.now(),
        next: { action: 'settle', dueAtMs: this.now() + this.cfg.queryIntervalMs },
      });
    }
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
      throw this.asPosError(e);
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
      throw this.asPosError(e);
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
      throw this.asPosError(e);
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
      throw this.asPosError(e);
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

  private asPosError(e: unknown): Error {
    if (e instanceof JournalConflictError) {
      const m = /^(\w+): (.*)$/.exec(e.message);
      return m && ['amountFen', 'tenderedFen', 'lines', 'saleId'].includes(m[1]!)
        ? new PosError('invalid_payload', e.message, { issues: [{ path: m[1]!, message: m[2]! } satisfies IpcIssue] })
        : new PosError('conflict', e.message);
    }
    return e as Error;
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

  /** Commits a state change if the state machine allows it, then tells the UI. */
  private commit(a: AttemptRow, to: AttemptState, change: TransitionChange): AttemptRow {
    if (a.state === to) {
      const row = this.journal.owedWork('attempt', a.outTradeNo);
      if (change.next && row) this.journal.reschedule('attempt', a.outTradeNo, change.next.action, change.next.dueAtMs, null);
      if (change.tradeNo && !a.tradeNo) a = this.journal.updateAttempt(a.outTradeNo, { tradeNo: change.tradeNo }, change.source);
      this.emitProgress(a);
      return a;
    }
    if (!canTransition(a.state, to)) {
      this.journal.note('attempt.unexpected_answer', a.outTradeNo, { state: a.state, answer: to, source: change.source, reason: change.reason ?? null });
      return a;
    }
    const after = this.journal.transition(a.outTradeNo, to, change);
    this.log(`${after.outTradeNo}: ${a.state} → ${to} (${change.source}${after.reason ? `: ${after.reason}` : ''})`);
    this.emitProgress(after);
    return after;
  }

  private async call<M extends MethodName>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<GatewayOutcome<import('../gateway/client.js').MethodResult<M>>> {
    const outcome = await this.gateway.call(method, params, { timeoutMs: this.cfg.requestTimeoutMs, ...(signal ? { signal } : {}) });
    if (outcome.kind === 'unknown') {
      if (outcome.reason !== 'aborted by the caller') {
        this.failures++;
        if (this.failures >= this.cfg.offlineAfterFailures) this.setOnline(false, outcome.reason);
      }
    } else {
      this.failures = 0;
      this.setOnline(true, null);
    }
    return outcome;
  }

  private setOnline(online: boolean, reason: string | null): void {
    // Back online: the owed work resumes at once, not at its backed-off time.
    if (this.online.set(online, reason) && online && !this.stopped) this.track(this.work.resume());
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
