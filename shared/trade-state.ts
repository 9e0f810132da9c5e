// Channel-native trade states (wire.md "Trade status", gateway-api.zh.txt §2.18/2.19) mapped onto
// the app's AttemptState (shared/payment.ts). Nothing outside the gateway room sees a native value.
//
// Rules that shape the table:
// - Only SUCCESS / TRADE_SUCCESS / TRADE_FINISHED (and JD 2, UnionPay 00) mean paid.
// - Anything that leaves the outcome open (USERPAYING, NOTPAY, WAIT_BUYER_PAY, JD 0/1, UnionPay 01,
//   and every value we do not know) is `pending`: unknown is never reported as failed.
// - Refunds of a paid order are separate records; a paid order with refunds is still `paid`
//   (WeChat REFUND, JD 4–7, UnionPay 04/05).
// - A closed/revoked order is `refunded` when it had been paid (evidence: a pay time), else
//   `closed`: reversing a paid order gives the money back (WeChat REVOKED, Alipay TRADE_CLOSED,
//   JD 9, UnionPay 03 cannot tell these apart by themselves).
// - In the direct answer of a scan payment, Alipay's TRADE_CLOSED means the payment was declined.
// WeChat and QQ Wallet share one vocabulary; the channels' value sets are disjoint, so a value
// maps without knowing its channel.
import type { AttemptState, PayChannel } from './payment.js';

export type TradeStateSource = 'pay' | 'query';

export interface TradeStateContext {
  /** Where the value came from: a scan-pay answer or trade.query. Default 'query'. */
  source?: TradeStateSource;
  /** The order's pay time as received (any format); non-empty means it had been paid. */
  payTime?: string | null;
}

type Rule = AttemptState | 'closed-or-refunded' | 'declined-on-pay';

export const WEIXIN_TRADE_STATES: Readonly<Record<string, Rule>> = {
  SUCCESS: 'paid',
  REFUND: 'paid',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  PAYERROR: 'declined',
  CLOSED: 'closed',
  REVOKED: 'closed-or-refunded',
};

export const ALIPAY_TRADE_STATES: Readonly<Record<string, Rule>> = {
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  WAIT_BUYER_PAY: 'pending',
  TRADE_CLOSED: 'declined-on-pay',
};

/** JD: 0 新建, 1 处理中, 2 支付成功, 3 支付失败, 4 退款中, 5 退款成功, 6 退款失败, 7 部分退款, 9 撤单成功. */
export const JD_TRADE_STATES: Readonly<Record<string, Rule>> = {
  '0': 'pending',
  '1': 'pending',
  '2': 'paid',
  '3': 'declined',
  '4': 'paid',
  '5': 'paid',
  '6': 'paid',
  '7': 'paid',
  '9': 'closed-or-refunded',
};

/** UnionPay: 00 成功, 01 处理中, 02 失败, 03 已撤销, 04 已退货, 05 退款处理中. */
export const UNIONPAY_TRADE_STATES: Readonly<Record<string, Rule>> = {
  '00': 'paid',
  '01': 'pending',
  '02': 'declined',
  '03': 'closed-or-refunded',
  '04': 'paid',
  '05': 'paid',
};

const TABLES: ReadonlyArray<[Exclude<PayChannel, 'cash' | 'qq'>, Readonly<Record<string, Rule>>]> = [
  ['weixin', WEIXIN_TRADE_STATES],
  ['alipay', ALIPAY_TRADE_STATES],
  ['jd', JD_TRADE_STATES],
  ['unionpay', UNIONPAY_TRADE_STATES],
];

/** The channel vocabulary a native value belongs to (qq reads as weixin), or null. */
export function tradeStateVocabulary(native: string): Exclude<PayChannel, 'cash' | 'qq'> | null {
  for (const [channel, table] of TABLES) if (Object.hasOwn(table, native)) return channel;
  return null;
}

function hasPayTime(payTime: string | null | undefined): boolean {
  return typeof payTime === 'string' && payTime.trim() !== '';
}

/**
 * Maps a native trade_status onto the app's state. Unknown values (and non-strings) are `pending`:
 * the caller keeps asking rather than calling the payment failed.
 */
export function attemptStateOf(native: unknown, ctx: TradeStateContext = {}): AttemptState {
  const value = typeof native === 'number' && Number.isInteger(native) ? String(native) : native;
  if (typeof value !== 'string') return 'pending';
  const channel = tradeStateVocabulary(value);
  if (!channel) return 'pending';
  const rule = TABLES.find(([c]) => c === channel)![1][value]!;
  switch (rule) {
    case 'closed-or-refunded':
      return hasPayTime(ctx.payTime) ? 'refunded' : 'closed';
    case 'declined-on-pay':
      if ((ctx.source ?? 'query') === 'pay') return 'declined';
      return hasPayTime(ctx.payTime) ? 'refunded' : 'closed';
    default:
      return rule;
  }
}

/** Withdrawal status (unionpay.withdraw_query / merchant.withdraw_query): 0 处理中, 1 已支付, 2 支付失败. */
export type WithdrawState = 'processing' | 'paid' | 'failed';
export function withdrawStateOf(native: unknown): WithdrawState {
  const v = typeof native === 'string' ? native.trim() : native;
  if (v === 1 || v === '1') return 'paid';
  if (v === 2 || v === '2') return 'failed';
  // 0 and anything unknown: still open, never reported as failed.
  return 'processing';
}

/** Refund status of trade.refund: REFUND_SUCCESS / REFUND_PROCESSING / REFUND_FAILER (sic). */
export type RefundOutcome = 'succeeded' | 'processing' | 'failed';
export function refundStateOf(native: unknown): RefundOutcome {
  if (native === 'REFUND_SUCCESS') return 'succeeded';
  if (native === 'REFUND_FAILER' || native === 'REFUND_FAILED') return 'failed';
  return 'processing';
}
