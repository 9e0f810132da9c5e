// The live payment flows the cashier starts: a scanned payment code (startScan) and a dynamic QR
// code (startQr). Each journals the attempt durably before its first request (the engine's
// create), makes that first call itself, commits the answer before anyone is told, and hands the
// attempt to the owed work (owed-work.ts), which settles whatever is still open.
import { checkAuthCode, maskCode, paymentCodeChannel } from '../../shared/paycode.js';
import { QR_METHODS, channelOfMethod, type QrMethod } from '../../shared/payment.js';
import type { PaymentView } from '../../shared/ipc/contract.js';
import type { GatewayOutcome, MethodParams } from '../gateway/client.js';
import type { AttemptRow, Journal } from '../journal/journal.js';
import { classifyCreate, classifyPay, codeOf, reasonOf, tradeNoOf } from './classify.js';
import { invalid, type StartInput } from './inputs.js';
import type { RefundsDeps } from './refunds.js';
import { QR_METHODS_NOT_AT_COUNTER, qrPayParams, qrUrlOf, scanPayParams, type MerchantProfile } from './params.js';

/** What the live flows use of the engine: the port the owed work uses (refunds.ts), and these. */
export interface LiveDeps extends Omit<RefundsDeps, 'merchantNo'> {
  profile: MerchantProfile;
  /** The sale checks and "no payment still waiting at this till". */
  checkStart(input: StartInput): void;
  /** Refuses a mobile payment while the gateway is offline. */
  checkCanTakeMobile(): void;
  /** Journals a new attempt durably; `announce` false: the caller tells the UI itself. */
  create(input: StartInput & Omit<Parameters<Journal['createAttempt']>[0], 'amountFen'>, announce?: boolean): AttemptRow;
  withLock<T>(ref: string, fn: () => Promise<T>): Promise<T>;
  nextSettle(): { action: 'settle'; dueAtMs: number };
  armFor(subject: 'attempt' | 'refund', ref: string): void;
  payment(outTradeNo: string): PaymentView;
}

export class LivePayments {
  constructor(private readonly d: LiveDeps) {}

  async startScan(input: StartInput & { authCode: string }): Promise<PaymentView> {
    this.d.checkStart(input);
    const codeProblem = checkAuthCode(input.authCode);
    if (codeProblem) throw invalid('authCode', codeProblem.replace(/^auth_code: /, ''));
    this.d.checkCanTakeMobile();
    const channel = paymentCodeChannel(input.authCode)!;
    const { method, params } = scanPayParams(channel, this.d.profile, 'PENDING', input.amountFen, input.authCode, input.note ?? null);
    const nowMs = this.d.now();
    const a = this.d.create({
      ...input,
      kind: 'scan',
      channel,
      method,
      maskedAuthCode: maskCode(input.authCode),
      deadlineAtMs: nowMs + this.d.cfg.payDeadlineMs,
      settleDueAtMs: nowMs + this.d.cfg.requestTimeoutMs + this.d.cfg.queryIntervalMs,
    }, false);
    // The out_trade_no is committed; now the request leaves. Its bytes are written on the next
    // tick, so the screens and the log are told after that (setImmediate), not before: the
    // customer waits on the wire, not on them. The lock is taken before any await, so a callback
    // for this order waits for the answer's commit.
    const answer = this.d.call(method, { ...params, out_trade_no: a.outTradeNo } as MethodParams<typeof method>);
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      this.d.emitProgress(a);
      this.d.log(`scan ${a.outTradeNo} ${method} ${a.amountFen} fen code ${a.maskedAuthCode}`);
    };
    setImmediate(announce);
    await this.d.withLock(a.outTradeNo, async () => {
      const v = classifyPay(await answer);
      // An answer that came back at once (nothing was sent) is never told before the order.
      announce();
      // The answer is committed before anyone is told, but not fsynced on the cashier's wait: the
      // order number is durable, so a power cut can only send the attempt back to its owed
      // settle, and recovery asks the gateway again (journal/durability.ts).
      this.d.journal.durability.relaxed(() => {
        const cur = this.d.journal.attempt(a.outTradeNo)!;
        if (v.kind === 'paid') this.d.commit(cur, 'paid', { source: 'scan', tradeNo: v.tradeNo, reason: null });
        else if (v.kind === 'no_money') this.d.commit(cur, v.state, { source: 'scan', tradeNo: v.tradeNo, reason: v.reason, reasonCode: v.code });
        else this.d.commit(cur, 'pending', { source: 'scan', reason: reasonOf(v), reasonCode: codeOf(v), tradeNo: tradeNoOf(v), next: this.d.nextSettle() });
      });
    });
    this.d.armFor('attempt', a.outTradeNo);
    return this.d.payment(a.outTradeNo);
  }

  async startQr(input: StartInput & { method: QrMethod }): Promise<PaymentView> {
    this.d.checkStart(input);
    if (!(QR_METHODS as readonly string[]).includes(input.method)) throw invalid('method', `must be one of ${QR_METHODS.join(', ')}`);
    const notHere = QR_METHODS_NOT_AT_COUNTER[input.method];
    if (notHere) throw invalid('method', notHere);
    this.d.checkCanTakeMobile();
    const nowMs = this.d.now();
    const a = this.d.create({
      ...input,
      kind: 'qr',
      channel: channelOfMethod(input.method),
      method: input.method,
      deadlineAtMs: nowMs + this.d.cfg.qrDeadlineMs,
      settleDueAtMs: nowMs + this.d.cfg.requestTimeoutMs + this.d.cfg.queryIntervalMs,
    });
    this.d.log(`qr ${a.outTradeNo} ${input.method} ${a.amountFen} fen`);
    await this.d.withLock(a.outTradeNo, async () => {
      const params = qrPayParams(input.method, this.d.profile, a.outTradeNo, a.amountFen, a.saleId, input.note ?? null);
      const outcome = (await this.d.call(input.method, params as MethodParams<QrMethod>)) as GatewayOutcome<Record<string, unknown>>;
      const v = classifyCreate(outcome);
      // Relaxed like the scan's answer: the order number is durable, the answer can be asked again.
      this.d.journal.durability.relaxed(() => this.commitCreated(a, v, outcome));
    });
    this.d.armFor('attempt', a.outTradeNo);
    return this.d.payment(a.outTradeNo);
  }

  private commitCreated(a: AttemptRow, v: ReturnType<typeof classifyCreate>, outcome: GatewayOutcome<Record<string, unknown>>): void {
    const cur = this.d.journal.attempt(a.outTradeNo)!;
    const url = outcome.kind === 'ok' ? qrUrlOf(outcome.result) : null;
    if (v.kind === 'no_money') {
      this.d.commit(cur, v.state, { source: 'create', reason: v.reason, reasonCode: v.code });
    } else if (url) {
      this.d.commit(cur, 'pending', { source: 'create', qrUrl: url, reason: null, next: this.d.nextSettle() });
    } else {
      // No URL to show: nobody can pay this order. Settle it now (query, then reverse) and
      // tell the cashier to start again.
      this.d.commit(cur, 'pending', {
        source: 'create',
        reason: `could not create the payment code: ${reasonOf(v)}`,
        reasonCode: 'create_unknown',
        deadlineAtMs: this.d.now(),
        next: { action: 'settle', dueAtMs: this.d.now() + this.d.cfg.queryIntervalMs },
      });
    }
  }
}
