// The sandbox gateway's brain: one request in (already-parsed fields), one answer out. Checks run
// in the order a real gateway would: app (10001) → signature (10002) → envelope (10008) → method
// permission (13001) → merchant (10012/10003) → channel (10006/15001/15002) → parameters (10008,
// the shared method table) → the method's own rules. All ledger writes of one request happen
// synchronously, so two requests can never interleave between a check and its write.
import { randomBytes } from 'node:crypto';
import type { SignValue } from '../../shared/canonical.js';
import { formatYuan, type Fen } from '../../shared/money.js';
import { maskCode } from '../../shared/paycode.js';
import {
  fromWireParams,
  isMethodName,
  issuesMessage,
  methodSpec,
  toWireResult,
  validateParams,
  type MethodName,
  type MethodSpec,
  type VariantSpec,
} from '../../shared/methods.js';
import { STATUS } from '../../shared/status-codes.js';
import type { Signer } from '../gateway/sign.js';
import type { SandboxClock } from './clock.js';
import type { ClosedBy, Ledger, LedgerOrder, OrderKind, Scenario } from './ledger.js';
import type { Notifier } from './notifier.js';
import { answer, type Answer, type RequestFields } from './protocol.js';
import { CUSTOMER_DECISION_MS, FAILING_ACCOUNT_SUFFIX, LATE_LANDING_MS, QR_ORDER_TTL_MS, SLOW_ANSWER_MS, scenarioOf } from './scenarios.js';

export type SandboxChannel = 'weixin' | 'alipay' | 'qq' | 'jd' | 'unionpay';
export type UnionpayProduct = 'gateway' | 'wap' | 'withdraw';

export interface MerchantConfig {
  appId: string;
  merchantNo: string;
  merchantName: string;
  channels: Record<SandboxChannel, boolean>;
  unionpayProducts: readonly UnionpayProduct[];
  withdrawConfigured: boolean;
  tradingClosed: boolean;
  forbiddenMethods: readonly string[];
  refundWindowMs: number;
  withdrawFeeFen: Fen;
  withdrawAfterMs: number;
  /**
   * A live-style merchant profile: the merchant's WeChat ids are registered, and a method that
   * takes sub_appid / sub_mch_id must carry them (missing, placeholder or other ones are refused
   * with 10005 / 10009, as a live gateway does). null: the demo merchant, any id accepted.
   */
  liveIds?: LiveIds | null;
}

export interface LiveIds {
  subAppId: string;
  subMchId: string;
}

/** The code a live gateway answers for a missing or wrong merchant id, or null when it is right. */
export function liveIdRefusal(method: MethodName, content: Record<string, unknown>, ids: LiveIds): Answer | null {
  const spec = methodSpec(method);
  for (const v of spec.variants) {
    for (const f of v.params) {
      const given = content[f.name];
      const present = given !== undefined && given !== null && given !== '';
      if (!present && f.presence !== 'required') continue;
      if (f.name === 'sub_appid' && String(given ?? '') !== ids.subAppId) {
        return answer(STATUS.INVALID_WX_APPID, present ? `sub_appid: ${String(given)} is not this merchant's WeChat appid` : 'sub_appid: is required for this merchant');
      }
      if (f.name === 'sub_mch_id' && String(given ?? '') !== ids.subMchId) {
        return answer(STATUS.INVALID_SUB_MCH, present ? `sub_mch_id: ${String(given)} is not this merchant's sub-merchant id` : 'sub_mch_id: is required for this merchant');
      }
    }
  }
  return null;
}

export interface HandleResult {
  answer: Answer;
  /** null only for 10001 (the gateway cannot sign for an unknown app). */
  signer: Signer | null;
  /** Real ms to hold the answer (the slow scenario). */
  delayMs: number;
  /** After the hold, drop the connection instead of answering (the late-landing scenario). */
  dropAnswer?: boolean;
}

export interface CoreOptions {
  merchant: MerchantConfig;
  ledger: Ledger;
  clock: SandboxClock;
  notifier: Notifier;
  md5: Signer;
  /** null when no merchant public key is configured (RSA requests then fail with 10002). */
  rsa: Signer | null;
  walletUrl: (token: string) => string;
  log?: (line: string) => void;
}

const UNIONPAY_PRODUCT_OF: Partial<Record<MethodName, UnionpayProduct>> = {
  'unionpay.gateway': 'gateway',
  'unionpay.wap': 'wap',
  'unionpay.withdraw': 'withdraw',
  'unionpay.withdraw_query': 'withdraw',
  'unionpay.withdraw_balance_query': 'withdraw',
};

const str = (v: SignValue): string => (v === null || v === undefined ? '' : String(v));

export class GatewayCore {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly o: CoreOptions) {}

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ------------------------------------------------------------ envelope
  handle(fields: RequestFields): HandleResult {
    const m = this.o.merchant;
    const done = (a: Answer, signer: Signer | null, delayMs = 0): HandleResult => ({ answer: a, signer, delayMs });
    if (str(fields['app_id']) !== m.appId) return done(answer(STATUS.INVALID_APP_ID), null);
    const signType = str(fields['sign_type']);
    if (signType !== 'MD5' && signType !== 'RSA') return done(answer(STATUS.INVALID_PARAM, 'sign_type: must be "MD5" or "RSA"'), this.o.md5);
    const signer = signType === 'RSA' ? this.o.rsa : this.o.md5;
    if (!signer) return done(answer(STATUS.INVALID_SIGN, 'RSA is not configured for this app (no merchant public key)'), this.o.md5);
    if (!signer.verify(fields, fields['sign'])) return done(answer(STATUS.INVALID_SIGN), signer);
    if (str(fields['version']) !== '1.0') return done(answer(STATUS.INVALID_PARAM, 'version: must be 1.0'), signer);
    const method = str(fields['method']);
    // The status table's code for a method this app may not call (an unknown one included).
    if (!isMethodName(method)) return done(answer(STATUS.METHOD_FORBIDDEN, `method: unknown method "${method}"`), signer);
    if (m.forbiddenMethods.includes(method)) return done(answer(STATUS.METHOD_FORBIDDEN, method), signer);
    let content: unknown;
    try {
      content = JSON.parse(str(fields['content']) || 'null');
    } catch {
      content = null;
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      return done(answer(STATUS.INVALID_PARAM, 'content: must be a JSON object string'), signer);
    }
    const a = this.dispatch(method, content as Record<string, unknown>, signType);
    return { ...done(a.answer, signer, a.delayMs ?? 0), ...(a.dropAnswer ? { dropAnswer: true } : {}) };
  }

  private dispatch(method: MethodName, content: Record<string, unknown>, signType: 'MD5' | 'RSA'): { answer: Answer; delayMs?: number; dropAnswer?: boolean } {
    const m = this.o.merchant;
    const spec = methodSpec(method);
    if (m.tradingClosed) return { answer: answer(STATUS.MERCHANT_TRADING_CLOSED) };
    const mno = content['merchant_no'];
    if (mno !== undefined && mno !== null && mno !== '' && String(mno) !== m.merchantNo) {
      return { answer: answer(STATUS.INVALID_MERCHANT, `merchant_no: ${String(mno)} is not this app's merchant`) };
    }
    if (spec.channel === 'unionpay') {
      if (!m.channels.unionpay) return { answer: answer(STATUS.UNIONPAY_NOT_CONFIGURED) };
      const product = UNIONPAY_PRODUCT_OF[method];
      if (product && !m.unionpayProducts.includes(product)) return { answer: answer(STATUS.UNIONPAY_PRODUCT_NOT_FOUND, `no UnionPay ${product} product`) };
    } else if (spec.channel && !m.channels[spec.channel]) {
      return { answer: answer(STATUS.CHANNEL_CLOSED, `${spec.channel} is not enabled for this merchant`) };
    }
    if (m.liveIds) {
      const refused = liveIdRefusal(method, content, m.liveIds);
      if (refused) return { answer: refused };
    }
    const conv = fromWireParams(method, content);
    if (!conv.ok) return { answer: invalid(conv.issues) };
    const v = validateParams(method, conv.value, { unknownKeys: 'ignore' });
    if (!v.ok) return { answer: invalid(v.issues) };
    const p = conv.value;
    switch (spec.kind) {
      case 'scan':
        return this.scanPay(spec, v.variant, p, signType);
      case 'qr':
      case 'link':
      case 'jsapi':
        return { answer: this.qrPay(spec, v.variant, p, signType) };
      case 'query':
        return { answer: this.query(String(p['out_trade_no']), v.variant.id === 'unionpay') };
      case 'refund':
        return { answer: this.refund(p, content) };
      case 'reverse':
        return { answer: this.reverse(String(p['out_trade_no']), String(p['trade_no'])) };
      case 'withdraw':
        return { answer: this.withdraw(method, v.variant, p) };
      case 'withdraw_query':
        return { answer: this.withdrawQuery(method, v.variant, String(p['out_trade_no'])) };
      case 'balance':
        return { answer: this.balance(v.variant, method) };
    }
  }

  // ------------------------------------------------------------ order life
  /** The order with any due scenario applied (a confirming customer who has paid by now…). */
  order(outTradeNo: string): LedgerOrder | null {
    const o = this.o.ledger.order(outTradeNo, this.o.merchant.merchantNo);
    if (o && o.state === 'pending' && o.resolveAtMs !== null && o.resolveAtMs <= this.o.clock.nowMs()) {
      this.resolve(o);
      return this.o.ledger.order(outTradeNo, this.o.merchant.merchantNo);
    }
    return o;
  }

  /** Applies every due scenario (timers do this too; tests call it before reading the ledger). */
  resolveDue(): void {
    this.landDue();
    for (const o of this.o.ledger.duePending(this.o.clock.nowMs())) this.resolve(o);
  }

  private resolve(o: LedgerOrder): void {
    if (o.state !== 'pending') return;
    if (o.scenario === 'confirm') this.pay(o);
    else this.closeOrder(o, o.scenario === 'cancel' ? 'scenario' : 'expire');
  }

  private pay(o: LedgerOrder): LedgerOrder {
    this.o.ledger.markPaidRow(o.outTradeNo, o.merchantNo);
    const paid = this.o.ledger.order(o.outTradeNo, o.merchantNo)!;
    this.o.notifier.start(paid);
    this.o.log?.(`order ${o.outTradeNo} paid`);
    return paid;
  }

  private closeOrder(o: LedgerOrder, by: ClosedBy): LedgerOrder {
    this.o.ledger.markClosedRow(o.outTradeNo, o.merchantNo, 'closed', by);
    this.o.log?.(`order ${o.outTradeNo} closed (${by})`);
    return this.o.ledger.order(o.outTradeNo, o.merchantNo)!;
  }

  /** Arms a timer for the order's due time. Node may fire a timer up to a millisecond before
   *  Date.now() reaches its target, so an order not yet due when it fires is armed again. */
  private scheduleResolve(o: LedgerOrder): void {
    if (o.resolveAtMs === null || this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.closed) return;
      const now = this.order(o.outTradeNo);
      if (now && now.state === 'pending' && now.resolveAtMs !== null) this.scheduleResolve(now);
    }, Math.max(0, o.resolveAtMs - this.o.clock.nowMs()));
    t.unref();
    this.timers.add(t);
  }

  /** The customer's action on the wallet page (or a test acting as the customer). */
  walletAction(token: string, action: 'pay' | 'cancel'): { ok: true; order: LedgerOrder } | { ok: false; order: LedgerOrder | null; reason: string } {
    const found = this.o.ledger.orderByToken(token);
    if (!found) return { ok: false, order: null, reason: 'no such payment' };
    const o = this.order(found.outTradeNo)!;
    if (o.state !== 'pending') return { ok: false, order: o, reason: `this payment is ${o.state}` };
    return { ok: true, order: action === 'pay' ? this.pay(o) : this.closeOrder(o, 'cancel') };
  }

  // ------------------------------------------------------------ native states
  nativeStatus(o: LedgerOrder): string {
    switch (o.channel) {
      case 'weixin':
      case 'qq':
        if (o.state === 'pending') return o.kind === 'scan' ? 'USERPAYING' : 'NOTPAY';
        if (o.state === 'paid') return o.refundedFen > 0 ? 'REFUND' : 'SUCCESS';
        if (o.state === 'declined') return 'PAYERROR';
        return o.closedBy === 'reverse' || o.state === 'refunded' ? 'REVOKED' : 'CLOSED';
      case 'alipay':
        // A paid order stays TRADE_SUCCESS after refunds here (Alipay itself closes a fully
        // refunded trade), so that TRADE_CLOSED with a pay time means "reversed after payment".
        if (o.state === 'pending') return 'WAIT_BUYER_PAY';
        if (o.state === 'paid') return 'TRADE_SUCCESS';
        return 'TRADE_CLOSED';
      case 'jd':
        if (o.state === 'pending') return '0';
        if (o.state === 'paid') return o.refundedFen === 0 ? '2' : o.refundedFen >= o.amountFen ? '5' : '7';
        if (o.state === 'declined') return '3';
        return '9';
      default:
        if (o.state === 'pending') return '01';
        if (o.state === 'paid') return o.refundedFen > 0 ? '04' : '00';
        if (o.state === 'declined') return '02';
        return '03';
    }
  }

  // ------------------------------------------------------------ payments
  private newOrder(spec: MethodSpec, p: Record<string, unknown>, signType: 'MD5' | 'RSA', kind: OrderKind, scenario: Scenario, state: 'pending' | 'paid' | 'declined', resolveAtMs: number | null, token: string | null): LedgerOrder | null {
    const made = this.o.ledger.insertOrder({
      merchantNo: this.o.merchant.merchantNo,
      outTradeNo: String(p['out_trade_no']),
      method: spec.name,
      channel: spec.channel ?? 'weixin',
      kind,
      amountFen: p['total_amount'] as Fen,
      scenario,
      signType,
      notifyUrl: typeof p['notify_url'] === 'string' ? p['notify_url'] : null,
      orderName: typeof p['order_name'] === 'string' ? p['order_name'] : typeof p['subject'] === 'string' ? p['subject'] : null,
      body: typeof p['body'] === 'string' ? p['body'] : null,
      token,
      maskedAuthCode: typeof p['auth_code'] === 'string' ? maskCode(p['auth_code']) : null,
      state,
      resolveAtMs,
    });
    if (made) this.scheduleResolve(made);
    return made;
  }

  // ------------------------------------------------------------ late landings (suffix 07)
  /** Requests of the late scenario not yet recorded: they land as paid at their due time. */
  private readonly landings: { dueAtMs: number; land: () => void }[] = [];

  /** Records every late landing that is due (its timer does this too). */
  landDue(): void {
    const now = this.o.clock.nowMs();
    for (let i = this.landings.length - 1; i >= 0; i--) {
      const l = this.landings[i]!;
      if (l.dueAtMs > now) continue;
      this.landings.splice(i, 1);
      l.land();
    }
  }

  /** Late landings still to come (a test waits for none before checking the ledger). */
  pendingLandings(): number {
    return this.landings.length;
  }

  private landLater(spec: MethodSpec, p: Record<string, unknown>, signType: 'MD5' | 'RSA'): void {
    const delayMs = this.o.clock.realMs(LATE_LANDING_MS);
    const land = () => {
      if (this.closed) return;
      const o = this.newOrder(spec, p, signType, 'scan', 'late', 'paid', null, null);
      if (!o) return;
      this.o.log?.(`scan ${spec.name} ${o.outTradeNo} landed late: paid`);
      this.o.notifier.start(o);
    };
    this.landings.push({ dueAtMs: this.o.clock.nowMs() + delayMs, land });
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.landDue();
    }, delayMs + 1);
    t.unref();
    this.timers.add(t);
  }

  private scanPay(spec: MethodSpec, variant: VariantSpec, p: Record<string, unknown>, signType: 'MD5' | 'RSA'): { answer: Answer; delayMs?: number; dropAnswer?: boolean } {
    const code = String(p['auth_code']);
    const scenario = scenarioOf(code);
    if (scenario === 'expired') return { answer: answer(STATUS.INVALID_PARAM, 'auth_code: 支付码已过期或已使用 (payment code expired or already used)') };
    if (scenario === 'late') {
      // The request reached the gateway but is recorded only later; its answer never comes back
      // (held past any client's timeout, then the connection is dropped).
      this.landLater(spec, p, signType);
      return { answer: answer(STATUS.SYSTEM_ERROR), delayMs: this.o.clock.realMs(SLOW_ANSWER_MS), dropAnswer: true };
    }
    const now = this.o.clock.nowMs();
    const pending = scenario === 'confirm' || scenario === 'cancel';
    const state = pending ? 'pending' : scenario === 'decline' ? 'declined' : 'paid';
    const o = this.newOrder(spec, p, signType, 'scan', scenario, state, pending ? now + this.o.clock.realMs(CUSTOMER_DECISION_MS) : null, null);
    if (!o) return { answer: answer(STATUS.ORDER_EXISTS, `out_trade_no: ${String(p['out_trade_no'])}`) };
    this.o.log?.(`scan ${spec.name} ${o.outTradeNo} ${o.maskedAuthCode} → ${scenario}`);
    if (o.state === 'paid') this.o.notifier.start(o);
    if (scenario === 'system_error') return { answer: answer(STATUS.SYSTEM_ERROR) };
    const result: Record<string, unknown> = {
      out_trade_no: o.outTradeNo,
      trade_no: o.tradeNo,
      total_amount: o.amountFen,
      trade_status: this.nativeStatus(o),
      pay_time: o.paidAt,
    };
    if (spec.channel === 'weixin' && o.state === 'paid') {
      Object.assign(result, { bank_type: 'CMB_DEBIT', cash_fee: o.amountFen, fee_type: 'CNY', is_subscribe: 'N', openid: `oSandbox${o.tradeNo.slice(-8)}`, trade_type: 'MICROPAY' });
    }
    if (spec.channel === 'alipay' && o.state === 'paid') result['buyer_logon_id'] = '159****5620';
    return { answer: ok(variant, result), delayMs: scenario === 'slow' ? this.o.clock.realMs(SLOW_ANSWER_MS) : 0 };
  }

  private qrPay(spec: MethodSpec, variant: VariantSpec, p: Record<string, unknown>, signType: 'MD5' | 'RSA'): Answer {
    const token = randomBytes(12).toString('hex');
    const o = this.newOrder(spec, p, signType, spec.kind as OrderKind, 'wallet', 'pending', this.o.clock.nowMs() + this.o.clock.realMs(QR_ORDER_TTL_MS), token);
    if (!o) return answer(STATUS.ORDER_EXISTS, `out_trade_no: ${String(p['out_trade_no'])}`);
    const url = this.o.walletUrl(token);
    const result: Record<string, unknown> = { out_trade_no: o.outTradeNo, total_amount: o.amountFen };
    for (const f of variant.result) {
      if (f.name === 'pay_url' || f.name === 'qr_code' || f.name === 'code_url') result[f.name] = url;
    }
    if (spec.name === 'weixin.mppay') {
      result['pay_info'] = {
        appId: 'wxsandbox0000000',
        timeStamp: String(Math.floor(this.o.clock.nowMs() / 1000)),
        nonceStr: token.slice(0, 16),
        package: `prepay_id=wx${o.tradeNo}`,
        signType: 'MD5',
        paySign: randomBytes(16).toString('hex').toUpperCase(),
      };
    }
    if (spec.name === 'alipay.h5_pay') result['tradeNo'] = o.tradeNo;
    return ok(variant, result);
  }

  // ------------------------------------------------------------ query, refund, reverse
  private queryResult(o: LedgerOrder): Answer {
    const spec = methodSpec('trade.query');
    const unionpay = o.channel === 'unionpay';
    const variant = spec.variants.find((v) => v.id === (unionpay ? 'unionpay' : 'default'))!;
    const paid = o.paidAt !== null;
    const result: Record<string, unknown> = {
      out_trade_no: o.outTradeNo,
      trade_no: o.tradeNo,
      net_receipt_amount: o.netFen,
      total_amount: o.amountFen,
      trade_status: this.nativeStatus(o),
      pay_time: o.paidAt,
    };
    if (!unionpay && paid) {
      if (o.channel === 'weixin' || o.channel === 'qq') {
        Object.assign(result, { bank_type: 'CMB_DEBIT', cash_fee: o.amountFen, openid: `oSandbox${o.tradeNo.slice(-8)}`, is_subscribe: 'N' });
      } else if (o.channel === 'alipay') {
        Object.assign(result, {
          buyer_logon_id: '159****5620',
          receipt_amount: o.amountFen,
          fund_bill_list: JSON.stringify([{ amount: formatYuan(o.amountFen), fundChannel: 'ALIPAYACCOUNT' }]),
          buyer_user_id: '2088101117955611',
        });
      } else if (o.channel === 'jd') {
        Object.assign(result, { open_id: `jdSandbox${o.tradeNo.slice(-8)}`, user: '138****0000', desc: '支付成功', promotion_amount: 0 });
      }
    }
    if (!unionpay && (o.channel === 'weixin' || o.channel === 'qq')) result['trade_state_desc'] = describe(o);
    if (!unionpay && o.channel === 'jd' && !paid) result['desc'] = describe(o);
    return ok(variant, result);
  }

  /** `unionpayVariant`: asked without merchant_no, which only §2.19 (UnionPay orders) allows. */
  private query(outTradeNo: string, unionpayVariant: boolean): Answer {
    const o = this.order(outTradeNo);
    if (!o) return answer(STATUS.ORDER_NOT_FOUND, `out_trade_no: ${outTradeNo}`);
    if (unionpayVariant && o.channel !== 'unionpay') {
      return answer(STATUS.INVALID_PARAM, `merchant_no: required (trade.query §2.18); only a UnionPay order is queried without it`);
    }
    return this.queryResult(o);
  }

  private refund(p: Record<string, unknown>, raw: Record<string, unknown>): Answer {
    const outTradeNo = String(p['out_trade_no']);
    const outRefundNo = String(p['out_refund_no']);
    const o = this.order(outTradeNo);
    if (!o) return answer(STATUS.ORDER_NOT_FOUND, `out_trade_no: ${outTradeNo}`);
    const unionpay = o.channel === 'unionpay';
    const spec = methodSpec('trade.refund');
    const variant = spec.variants.find((v) => v.id === (unionpay ? 'unionpay' : 'default'))!;
    if (unionpay && !p['refund_reason']) return answer(STATUS.INVALID_PARAM, 'refund_reason: is required for UnionPay orders');
    if (unionpay && raw['refund_fee'] !== undefined && raw['refund_fee'] !== null && raw['refund_fee'] !== '') {
      return answer(STATUS.INVALID_PARAM, 'refund_fee: UnionPay orders are refunded whole (§2.21 has no refund_fee)');
    }
    const existing = this.o.ledger.refundByNo(outRefundNo, o.merchantNo);
    const requested = (unionpay ? undefined : (p['refund_fee'] as Fen | undefined)) ?? null;
    if (existing) {
      // A retry of the same refund (same order, same amount or whole) is answered again; the same
      // number for anything else is 12003.
      const same = existing.outTradeNo === outTradeNo && existing.kind === 'refund' && (requested === null || requested === existing.amountFen);
      if (!same) return answer(STATUS.REFUND_NO_EXISTS, `out_refund_no: ${outRefundNo}`);
      return this.refundAnswer(variant, this.order(outTradeNo)!, outRefundNo, existing.amountFen);
    }
    if (o.paidAtMs === null || o.state === 'pending') return answer(STATUS.ORDER_NOT_PAID, `out_trade_no: ${outTradeNo} is ${o.state}`);
    if (o.state === 'refunded') return answer(STATUS.INVALID_PARAM, `out_trade_no: ${outTradeNo} was reversed; nothing is left to refund`);
    const windowEnd = o.paidAtMs + this.o.clock.realMs(this.o.merchant.refundWindowMs);
    if (this.o.clock.nowMs() > windowEnd) return answer(STATUS.REFUND_NOT_ALLOWED_NOW, `the refund window of ${outTradeNo} has passed`);
    const refundable = o.amountFen - o.refundedFen;
    if (refundable <= 0) return answer(STATUS.INVALID_PARAM, `out_trade_no: ${outTradeNo} is refunded in full already`);
    const amount = requested ?? refundable;
    if (amount > refundable) return answer(STATUS.INVALID_PARAM, `refund_fee: must be at most the refundable ${formatYuan(refundable)}`);
    const shortfall = this.o.ledger.refundShortfall(o, amount);
    if (shortfall !== null) return answer(STATUS.WITHDRAW_BALANCE_LOW, `the refund needs ${formatYuan(shortfall)} of settled balance`);
    this.o.ledger.insertRefund(o, outRefundNo, amount, 'refund', typeof p['refund_reason'] === 'string' ? p['refund_reason'] : null);
    this.o.log?.(`refund ${outRefundNo} of ${outTradeNo}: ${amount} fen`);
    return this.refundAnswer(variant, this.order(outTradeNo)!, outRefundNo, amount);
  }

  private refundAnswer(variant: VariantSpec, o: LedgerOrder, outRefundNo: string, amountFen: Fen): Answer {
    return ok(variant, {
      out_trade_no: o.outTradeNo,
      trade_no: o.tradeNo,
      net_receipt_amount: o.netFen,
      total_amount: o.amountFen,
      refund_status: 'REFUND_SUCCESS',
      out_refund_no: outRefundNo,
      refund_fee: amountFen,
    });
  }

  private reverse(outTradeNo: string, tradeNo: string): Answer {
    const o = this.order(outTradeNo);
    if (!o) return answer(STATUS.ORDER_NOT_FOUND, `out_trade_no: ${outTradeNo}`);
    if (o.tradeNo !== tradeNo) return answer(STATUS.ORDER_NOT_FOUND, `trade_no: ${tradeNo} is not the platform number of ${outTradeNo}`);
    if (o.channel !== 'weixin' && o.channel !== 'alipay') return answer(STATUS.INVALID_PARAM, 'out_trade_no: trade.reverse is for WeChat and Alipay orders only');
    let after = o;
    if (o.state === 'pending') {
      after = this.closeOrder(o, 'reverse');
    } else if (o.state === 'paid') {
      // A reverse of a paid order gives the money back: recorded as a full refund of what is left.
      const left = o.amountFen - o.refundedFen;
      // Like a refund, a reverse of a settled order is paid from the settled balance; a real
      // gateway refuses it when the balance cannot pay, and so does the sandbox.
      const shortfall = left > 0 ? this.o.ledger.refundShortfall(o, left) : null;
      if (shortfall !== null) return answer(STATUS.WITHDRAW_BALANCE_LOW, `the reverse needs ${formatYuan(shortfall)} of settled balance`);
      if (left > 0) this.o.ledger.insertRefund(o, `REV_${o.tradeNo}`, left, 'reverse', 'trade.reverse');
      this.o.ledger.markClosedRow(o.outTradeNo, o.merchantNo, 'refunded', 'reverse');
      after = this.o.ledger.order(o.outTradeNo, o.merchantNo)!;
      this.o.log?.(`order ${o.outTradeNo} reversed after payment: ${left} fen refunded`);
    }
    const variant = methodSpec('trade.reverse').variants[0]!;
    return ok(variant, { out_trade_no: after.outTradeNo, trade_no: after.tradeNo, trade_status: this.nativeStatus(after), pay_time: after.paidAt });
  }

  // ------------------------------------------------------------ withdrawals and balances
  private withdraw(method: MethodName, variant: VariantSpec, p: Record<string, unknown>): Answer {
    const m = this.o.merchant;
    if (!m.withdrawConfigured) return answer(STATUS.WITHDRAW_CONFIG_INVALID);
    if (this.o.ledger.hasProcessingWithdrawal(m.merchantNo)) return answer(STATUS.WITHDRAW_RUNNING);
    const outTradeNo = String(p['out_trade_no']);
    if (this.o.ledger.withdrawal(outTradeNo, m.merchantNo)) return answer(STATUS.ORDER_EXISTS, `out_trade_no: ${outTradeNo}`);
    const amount = p['amount'] as Fen;
    const fee = m.withdrawFeeFen;
    const bal = this.o.ledger.balances(m.merchantNo);
    if (amount + fee > bal.balanceFen) {
      return answer(STATUS.WITHDRAW_BALANCE_LOW, `amount: ${formatYuan(amount)} + fee ${formatYuan(fee)} exceeds the withdrawable ${formatYuan(bal.balanceFen)}`);
    }
    const account: Record<string, unknown> = {};
    for (const k of ['bakn_account_no', 'bank_account_name', 'bank_mobile', 'account_attr', 'bank_code', 'bank_name', 'id_card_no', 'province', 'city', 'remark']) {
      if (p[k] !== undefined) account[k] = p[k];
    }
    const w = this.o.ledger.insertWithdrawal({
      merchantNo: m.merchantNo,
      via: method === 'unionpay.withdraw' ? 'unionpay' : 'merchant',
      outTradeNo,
      amountFen: amount,
      feeFen: fee,
      willFail: String(p['bakn_account_no']).endsWith(FAILING_ACCOUNT_SUFFIX),
      account,
      completeAfterRealMs: this.o.clock.realMs(m.withdrawAfterMs),
    });
    if (!w) return answer(STATUS.ORDER_EXISTS, `out_trade_no: ${outTradeNo}`);
    return ok(variant, { out_trade_no: outTradeNo, total_amount: amount });
  }

  private withdrawQuery(method: MethodName, variant: VariantSpec, outTradeNo: string): Answer {
    const w = this.o.ledger.withdrawal(outTradeNo, this.o.merchant.merchantNo);
    const via = method === 'unionpay.withdraw_query' ? 'unionpay' : 'merchant';
    if (!w || w.via !== via) return answer(STATUS.ORDER_NOT_FOUND, `out_trade_no: ${outTradeNo}`);
    const a = w.account;
    const result: Record<string, unknown> = {
      out_trade_no: w.outTradeNo,
      trade_no: w.tradeNo,
      amount: w.amountFen,
      fee: w.feeFen,
      trade_status: w.state === 'processing' ? 0 : w.state === 'paid' ? 1 : 2,
      bank_account_no: a['bakn_account_no'],
      bank_account_name: a['bank_account_name'],
      bank_mobile: a['bank_mobile'],
      remark: a['remark'],
    };
    if (a['account_attr'] === 1) {
      result['bank_code'] = a['bank_code'];
      result['bank_name'] = a['bank_name'];
    }
    return ok(variant, result);
  }

  private balance(variant: VariantSpec, method: MethodName): Answer {
    const b = this.o.ledger.balances(this.o.merchant.merchantNo);
    // A negative balance cannot be written as an amount; refunds are refused before that happens.
    const avail = Math.max(0, b.balanceFen);
    if (method === 'unionpay.withdraw_balance_query') {
      return ok(variant, { withdraw_balance: avail + b.freezeFen, freeze_balance: b.freezeFen, normal_balance: avail });
    }
    return ok(variant, { balance: avail, freeze: b.freezeFen, unliquidated: Math.max(0, b.unliquidatedFen) });
  }
}

function ok(variant: VariantSpec, result: Record<string, unknown>): Answer {
  return { code: STATUS.OK, msg: '成功', content: toWireResult(variant, result) };
}

function invalid(issues: Parameters<typeof issuesMessage>[0]): Answer {
  return { ...answer(STATUS.INVALID_PARAM, issuesMessage(issues)), content: { issues } };
}

function describe(o: LedgerOrder): string {
  switch (o.state) {
    case 'pending':
      return o.kind === 'scan' ? '需要用户输入支付密码' : '订单未支付';
    case 'paid':
      return o.refundedFen > 0 ? '订单发生过退款' : '支付成功';
    case 'declined':
      return '余额不足';
    case 'refunded':
      return '订单已撤销(已退款)';
    default:
      return o.closedBy === 'reverse' ? '订单已撤销' : '订单已关闭';
  }
}
