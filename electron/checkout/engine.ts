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
import { checkAmountFen, type Fen } from '../../shared/money.js';
import { checkAuthCode, maskCode, paymentCodeChannel } from '../../shared/paycode.js';
import { canTransition, QR_METHODS, channelOfMethod, type AttemptState, type QrMethod } from '../../shared/payment.js';
import { PosError, type IpcIssue } from '../../shared/ipc/errors.js';
import type { CashResult, OrderDetail, OrderRow, PaymentView } from '../../shared/ipc/contract.js';
import type { GatewayClient, GatewayOutcome, MethodName, MethodParams } from '../gateway/client.js';
import {
  JournalConflictError,
  type AttemptRow,
  type Journal,
  type OutboxRow,
  type SaleAdjust,
  type SaleLine,
  type SearchQuery,
  type TransitionChange,
  type TransitionSource,
} from '../journal/journal.js';
import type { RefundLineInput } from '../journal/repos/line-refunds.js';
import { classifyCreate, classifyPay, classifyQuery, classifyRefund, classifyReverse, type Verdict } from './classify.js';
import { DEFAULT_PROFILE, QR_METHODS_NOT_AT_COUNTER, qrPayParams, qrUrlOf, scanPayParams, type MerchantProfile } from './params.js';
import { orderDetail, orderRowOf, paymentView } from './views.js';

export interface Backoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

export interface EngineConfig {
  /** Between two trade.query of a payment waiting for the customer. */
  queryIntervalMs: number;
  /** From the scan until the engine stops waiting and reverses. */
  payDeadlineMs: number;
  /** From creating a QR / link order until it is closed by reverse. */
  qrDeadlineMs: number;
  /** One gateway call's wait. */
  requestTimeoutMs: number;
  /** trade.reverse is retried until answered: first wait, growth, ceiling. */
  reverseBackoff: Backoff;
  /** trade.refund retries with the same out_refund_no. */
  refundBackoff: Backoff;
  /** The background reconciler's sweep of due outbox rows. */
  reconcileIntervalMs: number;
  /** Consecutive calls without an answer before the gateway counts as offline. */
  offlineAfterFailures: number;
  /** While offline: how often the gateway is probed. */
  probeIntervalMs: number;
  /** Countdown 'progress' events of the current payment; 0 turns them off. */
  tickMs: number;
  /** Steps run at once by recovery and the reconciler. */
  maxParallelSteps: number;
  /** Rows one reconciler sweep picks up. */
  maxSweepRows: number;
  /**
   * From the attempt's first request until "no such order" is believed. Before it, a not-found
   * (query or reverse) keeps the attempt unknown: a request that got no answer may still be in
   * flight or queued at the gateway and land later as paid. The default, 5 min, is well past the
   * 10 s request timeout, the 45 s wait and the about 1 min a customer's payment code stays
   * valid (a request carrying it cannot be charged much later), with room for a gateway's own
   * retries of a slow channel.
   */
  notFoundHorizonMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  queryIntervalMs: 5_000,
  payDeadlineMs: 45_000,
  qrDeadlineMs: 120_000,
  requestTimeoutMs: 10_000,
  reverseBackoff: { firstMs: 2_000, factor: 2, maxMs: 60_000 },
  refundBackoff: { firstMs: 5_000, factor: 2, maxMs: 300_000 },
  reconcileIntervalMs: 15_000,
  offlineAfterFailures: 2,
  probeIntervalMs: 10_000,
  tickMs: 1_000,
  maxParallelSteps: 4,
  maxSweepRows: 200,
  notFoundHorizonMs: 300_000,
};

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

export interface StartInput {
  amountFen: Fen;
  note?: string;
  lines?: SaleLine[];
  /** Goods sales: order discount and 抹零 (the journal checks that the lines add up with them). */
  adjust?: SaleAdjust | null;
  /** Retry a sale whose earlier attempts took no money (a new attempt, a new out_trade_no). */
  saleId?: number;
}

/** What a verified callback says (electron/notify parses and verifies it). */
export interface PaidNotice {
  outTradeNo: string;
  tradeNo: string | null;
  totalFen: Fen;
  /** The native trade_status when the callback carries one. */
  tradeStatus: string | null;
  payTime: string | null;
}
export type NoticeResult = 'applied' | 'duplicate' | 'recorded' | 'unknown_order' | 'amount_mismatch';

export type OnlineEvent = { online: boolean; reason: string | null };
export type RecoveryStatus = { running: boolean; owed: number };

const MAX_NOTE_CHARS = 200;
/** trade.reverse is "订单撤销[支付宝|微信]": other channels' orders close at the gateway by themselves. */
const REVERSIBLE_CHANNELS: ReadonlySet<string> = new Set(['weixin', 'alipay']);

function invalid(path: string, message: string): PosError {
  return new PosError('invalid_payload', `${path}: ${message}`, { issues: [{ path, message }] });
}

export class PaymentEngine extends EventEmitter {
  private readonly journal: Journal;
  private readonly gateway: GatewayClient;
  private readonly cfg: EngineConfig;
  private readonly profile: MerchantProfile;
  private readonly nowFn: () => number;
  private readonly shiftId: () => number | null;
  private readonly log: (line: string) => void;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waits = new Map<string, AbortController>();
  private readonly inflight = new Set<Promise<unknown>>();
  private currentNo: string | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private reconciler: NodeJS.Timeout | null = null;
  private prober: NodeJS.Timeout | null = null;
  private online: OnlineEvent = { online: true, reason: null };
  private failures = 0;
  private stopped = false;
  private recovering = false;

  constructor(deps: EngineDeps) {
    super();
    this.journal = deps.journal;
    this.gateway = deps.gateway;
    this.cfg = { ...DEFAULT_ENGINE_CONFIG, ...deps.config };
    this.profile = { ...DEFAULT_PROFILE, ...deps.profile, merchantNo: deps.merchantNo, notifyUrl: deps.notifyUrl || DEFAULT_PROFILE.notifyUrl };
    this.nowFn = deps.clock ? () => deps.clock!.now() : Date.now;
    this.shiftId = deps.currentShiftId ?? (() => null);
    this.log = deps.log ?? (() => undefined);
  }

  private now(): number {
    return this.nowFn();
  }

  isOnline(): OnlineEvent {
    return { ...this.online };
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
    this.waits.get(outTradeNo)?.abort();
    await this.withLock(outTradeNo, async () => {
      const cur = this.journal.attempt(outTradeNo)!;
      if ((cur.state === 'created' || cur.state === 'pending') && !REVERSIBLE_CHANNELS.has(cur.channel)) {
        // No reverse for this channel: stop waiting here; the gateway closes the order itself
        // and the outbox keeps asking until it says so (or that it was paid after all).
        this.journal.updateAttempt(outTradeNo, { deadlineAtMs: this.now(), reason: 'cancelled by the cashier: waiting for the gateway to close it', reasonCode: 'cancelled' }, 'cancel');
        this.journal.reschedule('attempt', outTradeNo, 'settle', this.now(), null);
        this.emitProgress(this.journal.attempt(outTradeNo)!);
      } else if (cur.state === 'created' || cur.state === 'pending') {
        const next = this.commit(cur, 'reversing', { source: 'cancel', reason: 'cancelled by the cashier', reasonCode: 'cancelled', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: this.now() } });
        await this.reverseStep(next, this.journal.owedWork('attempt', outTradeNo)!);
      }
    });
    this.armFor('attempt', outTradeNo);
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
    await this.withLock(outTradeNo, async () => {
      const row = this.journal.owedWork('attempt', outTradeNo);
      const cur = this.journal.attempt(outTradeNo)!;
      if (row && row.action === 'settle') {
        await this.settleStep(cur, row);
        return;
      }
      const v = classifyQuery(await this.call('trade.query', { merchant_no: this.profile.merchantNo, out_trade_no: outTradeNo }));
      const says = verdictState(v);
      if (says === 'paid' && v.kind === 'paid' && this.paidAfterClose(cur, 'query', v.tradeNo)) return;
      if (says && says !== cur.state && !(cur.state === 'paid' && says === 'paid')) {
        // A final order the gateway sees differently: kept for the reconciliation, not changed.
        this.journal.note('attempt.gateway_differs', outTradeNo, { journal: cur.state, gateway: says, reason: reasonOf(v) });
      }
    });
    this.armFor('attempt', outTradeNo);
    return this.get(outTradeNo);
  }

  /** Refund, full (amountFen absent: all still refundable) or partial. */
  async refund(input: { outTradeNo: string; amountFen?: Fen; reason?: string; lines?: RefundLineInput[] }): Promise<OrderDetail> {
    const a = this.mustGet(input.outTradeNo);
    if (a.state !== 'paid') throw new PosError('conflict', `${a.outTradeNo} is ${a.state}: only a paid order can be refunded`);
    const detail = orderDetail(this.journal, a);
    const amountFen = input.amountFen ?? detail.refundableFen;
    if (input.amountFen !== undefined) {
      const p = checkAmountFen(input.amountFen, 'amountFen');
      if (p) throw invalid('amountFen', p.replace(/^amountFen: /, ''));
    }
    if (amountFen < 1) throw new PosError('conflict', `${a.outTradeNo}: nothing left to refund`);
    if (amountFen > detail.refundableFen) throw invalid('amountFen', `must be at most the ${detail.refundableFen} fen still refundable`);
    if (a.channel === 'unionpay' && amountFen !== a.amountFen) {
      throw invalid('amountFen', 'UnionPay orders are refunded whole (the gateway has no partial UnionPay refund)');
    }
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
      await this.step('refund', r.outRefundNo, true);
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
    await this.step('attempt', outTradeNo, true);
    return this.get(outTradeNo);
  }

  /** Applies a verified callback idempotently; resolves after the journal commit. */
  async applyPaidNotice(n: PaidNotice): Promise<NoticeResult> {
    const a = this.journal.attempt(n.outTradeNo);
    if (!a) return 'unknown_order';
    if (a.amountFen !== n.totalFen) {
      this.journal.note('callback.amount_mismatch', n.outTradeNo, { journalFen: a.amountFen, callbackFen: n.totalFen });
      return 'amount_mismatch';
    }
    return this.withLock(n.outTradeNo, async (): Promise<NoticeResult> => {
      const cur = this.journal.attempt(n.outTradeNo)!;
      if (n.tradeStatus && !['SUCCESS', 'TRADE_SUCCESS', 'TRADE_FINISHED', '2', '00'].includes(n.tradeStatus)) {
        this.journal.note('callback.not_paid', n.outTradeNo, { state: cur.state, tradeStatus: n.tradeStatus });
        return 'recorded';
      }
      if (cur.state === 'paid' || cur.state === 'refunded') {
        if (cur.state === 'paid') this.confirm(cur.outTradeNo, 'callback');
        return 'duplicate';
      }
      if (cur.state === 'created' || cur.state === 'pending') {
        this.commit(cur, 'paid', { source: 'callback', tradeNo: n.tradeNo, reason: null });
        this.confirm(cur.outTradeNo, 'callback');
        return 'applied';
      }
      if (cur.state === 'paid_after_close') return 'duplicate';
      if (this.paidAfterClose(cur, 'callback', n.tradeNo)) {
        // The refund is owed (committed); it runs on its own timer, after this answer.
        this.armFor('attempt', n.outTradeNo);
        return 'applied';
      }
      // reversing: the reverse already decided goes on and will report refunded;
      // refunded / paid_after_close: already settled or owed; kept in the audit log.
      this.journal.note(cur.state === 'reversing' ? 'callback.paid_while_reversing' : 'callback.paid_after_final', n.outTradeNo, { state: cur.state, tradeNo: n.tradeNo });
      return 'recorded';
    });
  }

  // ================================================================ recovery and background

  /** At start: every open outbox row gets a step now (query → paid, or reverse). */
  async recover(): Promise<void> {
    const rows = this.journal.openWork();
    this.log(`recover: ${rows.length} open item(s)`);
    this.recovering = true;
    this.emit('recovery', this.recoveryStatus());
    try {
      await this.runMany(rows, true);
    } finally {
      this.recovering = false;
      this.emit('recovery', this.recoveryStatus());
    }
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
    return { running: this.recovering, owed: this.journal.openWork().length };
  }

  startReconciler(): void {
    if (this.reconciler || this.stopped) return;
    this.reconciler = setInterval(() => this.track(this.sweep()), this.cfg.reconcileIntervalMs);
    this.reconciler.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const t of [this.reconciler, this.ticker, this.prober]) if (t) clearInterval(t);
    this.reconciler = this.ticker = this.prober = null;
    for (const w of this.waits.values()) w.abort();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    const rows = this.journal.dueWork(this.now(), this.cfg.maxSweepRows).filter((r) => !this.locks.has(r.ref));
    await this.runMany(rows, false);
  }

  private async runMany(rows: OutboxRow[], force: boolean): Promise<void> {
    let i = 0;
    const worker = async () => {
      while (i < rows.length && !this.stopped) {
        const r = rows[i++]!;
        await this.step(r.subject, r.ref, force);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.cfg.maxParallelSteps, rows.length) }, worker));
  }

  // ================================================================ steps

  /** Settles one outbox row (if due, or forced), then arms a timer for what is still owed. */
  private step(subject: 'attempt' | 'refund', ref: string, force: boolean): Promise<void> {
    const p = this.withLock(ref, async () => {
      if (this.stopped) return;
      const row = this.journal.owedWork(subject, ref);
      if (!row) return;
      if (!force && row.dueAtMs > this.now()) return;
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
        this.log(`step ${subject} ${ref} failed: ${(e as Error).stack ?? String(e)}`);
        const still = this.journal.owedWork(subject, ref);
        if (still) this.journal.reschedule(subject, ref, still.action, this.now() + this.cfg.reverseBackoff.maxMs, { error: `internal: ${(e as Error).message}` });
      }
    }).finally(() => this.armFor(subject, ref));
    return this.track(p);
  }

  /** Query a waiting payment; past its deadline, reverse it. */
  private async settleStep(a: AttemptRow, row: OutboxRow): Promise<void> {
    const wait = new AbortController();
    this.waits.set(a.outTradeNo, wait);
    let v: Verdict;
    try {
      v = classifyQuery(await this.call('trade.query', { merchant_no: this.profile.merchantNo, out_trade_no: a.outTradeNo }, wait.signal));
    } finally {
      this.waits.delete(a.outTradeNo);
    }
    let cur = this.journal.attempt(a.outTradeNo)!;
    if (cur.state !== 'created' && cur.state !== 'pending') return; // a callback settled it meanwhile
    if (v.kind === 'paid' || v.kind === 'no_money' || v.kind === 'refunded') {
      const to = v.kind === 'paid' ? 'paid' : v.kind === 'refunded' ? 'refunded' : v.state;
      const after = this.commit(cur, to, { source: 'query', tradeNo: v.tradeNo, reason: v.kind === 'paid' ? null : v.reason, ...(v.kind === 'no_money' ? { reasonCode: v.code } : {}) });
      // A final answer to a query: the shift close need not ask again.
      if (after.state === to) this.confirm(after.outTradeNo, 'query');
      return;
    }
    if (v.kind === 'pending' && cur.state === 'created') {
      cur = this.commit(cur, 'pending', { source: 'query', tradeNo: v.tradeNo, reason: v.reason, next: this.nextSettle() });
    } else if (v.kind === 'pending' && v.tradeNo && !cur.tradeNo) {
      cur = this.journal.updateAttempt(cur.outTradeNo, { tradeNo: v.tradeNo }, 'query');
    }
    const notFound = v.kind === 'not_found' ? this.notFound(cur, 'query') : null;
    const pastDeadline = cur.deadlineAtMs === null || this.now() >= cur.deadlineAtMs;
    if (!pastDeadline) {
      this.journal.reschedule('attempt', cur.outTradeNo, 'settle', this.now() + this.cfg.queryIntervalMs, v.kind === 'unknown' || v.kind === 'not_found' ? { error: v.reason } : null);
      this.emitProgress(cur);
      return;
    }
    if (!REVERSIBLE_CHANNELS.has(cur.channel)) {
      if (notFound?.final) {
        // Past the deadline and the horizon, and the gateway has no such order: the create never got there.
        return void this.commit(cur, 'closed', { source: 'query', reason: notFound.reason, reasonCode: 'not_found' });
      }
      // Cannot be reversed: keep asking, less often, until the gateway closes it (or says paid).
      const delay = backoffMs(this.cfg.reverseBackoff, row.tries);
      if (cur.reasonCode !== 'cancelled' && cur.reasonCode !== 'expired_waiting') {
        cur = this.journal.updateAttempt(cur.outTradeNo, { reason: 'time is up here: waiting for the gateway to close the order', reasonCode: 'expired_waiting' }, 'query');
      }
      this.journal.reschedule('attempt', cur.outTradeNo, 'settle', this.now() + delay, { error: notFound?.reason ?? reasonOf(v) });
      this.emitProgress(cur);
      return;
    }
    // Deadline: the customer did not pay in time (or we could not learn it). Reverse, never guess.
    const why = cur.reasonCode === 'create_unknown' ? 'unclear' : 'deadline';
    const next = this.commit(cur, 'reversing', {
      source: 'query',
      reason: why === 'unclear' ? cur.reason : `no payment within ${Math.round((cur.kind === 'qr' ? this.cfg.qrDeadlineMs : this.cfg.payDeadlineMs) / 1000)} s: reversing`,
      reasonCode: why === 'unclear' ? cur.reasonCode : 'deadline',
      reversalWhy: why,
      next: { action: 'reverse', dueAtMs: this.now() },
    });
    await this.reverseStep(next, this.journal.owedWork('attempt', next.outTradeNo) ?? row);
  }

  /** trade.reverse until answered; records whether it closed the order or gave money back. */
  private async reverseStep(a: AttemptRow, row: OutboxRow): Promise<void> {
    const paidBefore = a.state === 'paid'; // manager's reverse of a finished sale
    let tradeNo = a.tradeNo;
    if (!tradeNo) {
      // trade.reverse needs the gateway's trade_no: learn it (and the order's state) first.
      const q = classifyQuery(await this.call('trade.query', { merchant_no: this.profile.merchantNo, out_trade_no: a.outTradeNo }));
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
    const r = classifyReverse(await this.call('trade.reverse', { out_trade_no: a.outTradeNo, trade_no: tradeNo }));
    this.log(`reverse ${a.outTradeNo}: ${r.kind}${'reason' in r ? ` (${r.reason})` : ''}`);
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
        const q = classifyQuery(await this.call('trade.query', { merchant_no: this.profile.merchantNo, out_trade_no: a.outTradeNo }));
        if (q.kind === 'refunded') return void this.finishReverse(a, 'refunded', q.reason, 'refunded');
        if (q.kind === 'no_money') return void this.finishReverse(a, 'closed', q.reason, q.code);
        if (q.kind === 'not_found') return this.reverseNotFound(a, row);
        if (q.kind === 'paid' && r.kind === 'refused') {
          // The gateway will not reverse a paid order: it stands paid (refund it if needed).
          if (paidBefore) {
            this.journal.closeOwedWork('attempt', a.outTradeNo, `reverse refused: ${r.reason}`);
            return;
          }
          return void this.commit(this.journal.attempt(a.outTradeNo)!, 'paid', { source: 'reverse', tradeNo: q.tradeNo, reason: `paid; reverse refused: ${r.reason}`, reasonCode: String(r.code) });
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
    const overMs = Math.max(0, this.now() - Date.parse(a.createdAt));
    const overS = Math.round(overMs / 1000);
    if (overMs >= this.cfg.notFoundHorizonMs) return { final: true, reason: `closed: not found after ${checks} checks over ${overS} s` };
    return { final: false, reason: `not found yet (check ${checks}, ${overS} s): the request may still land; believed after ${Math.round(this.cfg.notFoundHorizonMs / 1000)} s` };
  }

  /**
   * The gateway says paid for an attempt this till holds as closed or declined (a late landing):
   * it moves to paid_after_close, which owes a full refund, and the refund step starts now.
   * Returns false when the attempt is in no such state (nothing changed).
   */
  private paidAfterClose(cur: AttemptRow, source: TransitionSource, tradeNo: string | null): boolean {
    if (cur.state !== 'closed' && cur.state !== 'declined') return false;
    this.commit(cur, 'paid_after_close', {
      source,
      tradeNo,
      reason: `paid at the gateway after the till ${cur.state === 'closed' ? 'closed' : 'declined'} it: refunding the customer in full`,
      reasonCode: 'paid_after_close',
      next: { action: 'refund', dueAtMs: this.now() },
    });
    this.log(`${cur.outTradeNo}: paid after ${cur.state} (${source}); full refund owed`);
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
    this.journal.reschedule('attempt', a.outTradeNo, 'refund', this.now() + backoffMs(this.cfg.refundBackoff, row.tries), { error });
    this.emitProgress(cur);
  }

  /** trade.reverse of a late payment; null when it moved to refunded, else what stands in the way. */
  private async lateReverse(a: AttemptRow): Promise<string | null> {
    let tradeNo = a.tradeNo;
    if (!tradeNo) {
      const q = classifyQuery(await this.call('trade.query', { merchant_no: this.profile.merchantNo, out_trade_no: a.outTradeNo }));
      tradeNo = tradeNoOf(q);
      if (!tradeNo) return `no trade_no to reverse yet: ${reasonOf(q)}`;
      a = this.journal.updateAttempt(a.outTradeNo, { tradeNo }, 'reverse');
    }
    const r = classifyReverse(await this.call('trade.reverse', { out_trade_no: a.outTradeNo, trade_no: tradeNo }));
    this.log(`late reverse ${a.outTradeNo}: ${r.kind}`);
    if (r.kind !== 'refunded') return `reverse: ${reasonOf(r)}`;
    this.commit(a, 'refunded', { source: 'reverse', reason: 'paid after close; reversed: the money went back to the customer', reasonCode: 'refunded_after_close' });
    return null;
  }

  /** trade.refund of the whole amount of a late payment (channels without trade.reverse). */
  private async lateRefund(a: AttemptRow): Promise<string | null> {
    const outRefundNo = this.journal.lateRefundNumber(a.outTradeNo);
    const params =
      a.channel === 'unionpay'
        ? { out_trade_no: a.outTradeNo, out_refund_no: outRefundNo, refund_reason: 'paid after the till closed the order' }
        : { out_trade_no: a.outTradeNo, out_refund_no: outRefundNo, refund_fee: a.amountFen };
    const v = classifyRefund(await this.call('trade.refund', params));
    this.log(`late refund ${outRefundNo} of ${a.outTradeNo}: ${v.kind}`);
    if (v.kind === 'succeeded') {
      this.commit(a, 'refunded', { source: 'refund', reason: `paid after close; refunded in full (${outRefundNo})`, reasonCode: 'refunded_after_close' });
      return null;
    }
    // processing, failed (e.g. the merchant's balance is short) or no answer: still owed, same number.
    return v.kind === 'unknown' ? v.reason : `refund ${outRefundNo} ${v.kind}: ${v.answer}`;
  }

  /**
   * A reconciliation (or any reader of the gateway) found this order paid at the gateway: an
   * attempt held as closed/declined moves to paid_after_close and its refund starts.
   */
  async applyGatewayPaid(outTradeNo: string, tradeNo: string | null, source: TransitionSource): Promise<boolean> {
    if (!this.journal.attempt(outTradeNo)) return false;
    const moved = await this.withLock(outTradeNo, async () => this.paidAfterClose(this.journal.attempt(outTradeNo)!, source, tradeNo));
    if (moved) this.armFor('attempt', outTradeNo);
    return moved;
  }

  private finishReverse(a: AttemptRow, to: 'closed' | 'refunded', reason: string, code: string | null): void {
    const cur = this.journal.attempt(a.outTradeNo)!;
    if (cur.state === 'paid' && to === 'closed') {
      // A paid order cannot become "never paid": keep it paid and close the owed work, loudly.
      this.journal.closeOwedWork('attempt', cur.outTradeNo, `reverse of a paid order answered "${reason}"`);
      return;
    }
    this.commit(cur, to, { source: 'reverse', reason, reasonCode: code });
  }

  private backoff(a: AttemptRow, row: OutboxRow, error: string): void {
    this.journal.reschedule('attempt', a.outTradeNo, 'reverse', this.now() + backoffMs(this.cfg.reverseBackoff, row.tries), { error });
    this.emitProgress(this.journal.attempt(a.outTradeNo)!);
  }

  private async refundStep(row: OutboxRow): Promise<void> {
    const r = this.journal.refund(row.ref)!;
    const a = this.journal.attemptById(r.attemptId)!;
    const params =
      a.channel === 'unionpay'
        ? { out_trade_no: a.outTradeNo, out_refund_no: r.outRefundNo, refund_reason: (r.reason ?? 'refund').slice(0, 64) }
        : { out_trade_no: a.outTradeNo, out_refund_no: r.outRefundNo, refund_fee: r.amountFen };
    const v = classifyRefund(await this.call('trade.refund', params));
    this.log(`refund ${r.outRefundNo}: ${v.kind}`);
    const later = this.now() + backoffMs(this.cfg.refundBackoff, row.tries);
    if (v.kind === 'succeeded' || v.kind === 'failed') this.journal.refundTransition(r.outRefundNo, v.kind, { source: 'refund', answer: v.answer });
    else if (v.kind === 'processing' && r.state === 'created') this.journal.refundTransition(r.outRefundNo, 'processing', { source: 'refund', answer: v.answer, next: { dueAtMs: later } });
    else this.journal.reschedule('refund', r.outRefundNo, 'refund', later, v.kind === 'unknown' ? { error: v.reason } : null);
    this.emitProgress(this.journal.attempt(a.outTradeNo)!);
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
    const p = checkAmountFen(input.amountFen, 'amountFen');
    if (p) throw invalid('amountFen', p.replace(/^amountFen: /, ''));
    if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > MAX_NOTE_CHARS)) throw invalid('note', `must be at most ${MAX_NOTE_CHARS} characters`);
    if (this.stopped) throw new PosError('unavailable', 'the payment engine is stopped');
    const cur = this.currentNo ? this.journal.attempt(this.currentNo) : null;
    if (cur && (cur.state === 'created' || cur.state === 'pending') && (cur.deadlineAtMs === null || cur.deadlineAtMs > this.now())) {
      throw new PosError('conflict', `payment ${cur.outTradeNo} is still waiting for the customer: finish or cancel it first`);
    }
  }

  private checkCanTakeMobile(): void {
    if (!this.online.online) {
      throw new PosError('offline', `The payment gateway cannot be reached (${this.online.reason ?? 'no answer'}). Take cash, or try again when it answers.`);
    }
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
    if (this.online.online === online) {
      if (!online) this.online.reason = reason;
      return;
    }
    this.online = { online, reason };
    this.log(`gateway ${online ? 'online' : `offline: ${reason}`}`);
    this.emit('online', { ...this.online });
    if (!online && !this.prober && !this.stopped) {
      this.prober = setInterval(() => this.track(this.probe()), this.cfg.probeIntervalMs);
      this.prober.unref?.();
    }
    if (online) {
      if (this.prober) clearInterval(this.prober);
      this.prober = null;
      // Owed work resumes at once, not at its backed-off time.
      if (!this.stopped) this.track(this.runMany(this.journal.openWork().filter((r) => !this.locks.has(r.ref)), true));
    }
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.online.online) return;
    await this.call('merchant.balance', { merchant_no: this.profile.merchantNo });
  }

  private withLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(ref) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(ref, tail);
    void tail.then(() => {
      if (this.locks.get(ref) === tail) this.locks.delete(ref);
    });
    return run;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const t = p.catch((e: unknown) => this.log(`background step failed: ${(e as Error).stack ?? String(e)}`)) as Promise<unknown>;
    this.inflight.add(t);
    void t.finally(() => this.inflight.delete(t));
    return p;
  }

  /** A timer for the open outbox row of a ref, at its due time. */
  private armFor(subject: 'attempt' | 'refund', ref: string): void {
    const old = this.timers.get(ref);
    if (old) clearTimeout(old);
    this.timers.delete(ref);
    if (this.stopped) return;
    const row = this.journal.owedWork(subject, ref);
    if (!row) return;
    const t = setTimeout(() => {
      this.timers.delete(ref);
      void this.step(subject, ref, false);
    }, Math.max(0, row.dueAtMs - this.now()));
    this.timers.set(ref, t);
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

/** Past this many tries the wait stays at the ceiling (and 2^n stays a small number). */
const MAX_BACKOFF_STEPS = 30;

function backoffMs(b: Backoff, tries: number): number {
  return Math.min(b.maxMs, b.firstMs * b.factor ** Math.min(tries, MAX_BACKOFF_STEPS));
}

function reasonOf(v: Verdict): string {
  return 'reason' in v ? v.reason : v.kind;
}
function codeOf(v: Verdict): string | null {
  if (v.kind === 'unknown') return v.reasonCode ?? 'unknown';
  if (v.kind === 'pending') return 'waiting';
  return null;
}
function tradeNoOf(v: Verdict): string | null {
  return 'tradeNo' in v ? v.tradeNo : null;
}
function verdictState(v: Verdict): AttemptState | null {
  switch (v.kind) {
    case 'paid':
      return 'paid';
    case 'no_money':
      return v.state;
    case 'refunded':
      return 'refunded';
    default:
      return null;
  }
}
