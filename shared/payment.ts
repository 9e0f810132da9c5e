// The app's own vocabulary for payments, shared by the engine, the journal, the reports and the UI.
// Channel-native trade states (SUCCESS, WAIT_BUYER_PAY, "00", "2"…) are mapped onto these in
// shared/trade-state.ts; nothing outside the gateway room sees a channel-native value.

export type PayChannel = 'weixin' | 'alipay' | 'qq' | 'jd' | 'unionpay' | 'cash';
export const PAY_CHANNELS: readonly PayChannel[] = ['weixin', 'alipay', 'qq', 'jd', 'unionpay', 'cash'];

/** How the customer pays: scanned payment code, a QR/link the customer opens, or cash. */
export type PayKind = 'scan' | 'qr' | 'cash';

/**
 * State of one payment attempt (one out_trade_no).
 *   created   — journaled, the first request may or may not have left
 *   pending   — sent; the outcome is not known yet (USERPAYING, timeout, 1000…): we query
 *   reversing — the deadline passed or the cashier cancelled: trade.reverse is owed until answered
 *   paid      — the gateway said SUCCESS / TRADE_SUCCESS / TRADE_FINISHED, or a verified callback
 *   declined  — the gateway said no and nothing was charged (PAYERROR, expired code, balance…)
 *   closed    — closed or reversed before any money moved
 *   refunded  — reversed after it was paid: the money went back (a reverse of a paid order)
 *   paid_after_close — held as closed/declined here, but the gateway later said paid (a late
 *               landing request, found by a callback, a query or the shift reconciliation): the
 *               customer was charged for a sale the till gave up on, so a full refund is owed
 *               (trade.refund, retried like every refund) until it moves on to `refunded`.
 * Final states never change (refunds of a paid attempt are separate records), except that a
 * final "no money" state moves on to paid_after_close when the gateway proves money moved.
 */
export type AttemptState = 'created' | 'pending' | 'reversing' | 'paid' | 'declined' | 'closed' | 'refunded' | 'paid_after_close';
export const ATTEMPT_STATES = ['created', 'pending', 'reversing', 'paid', 'declined', 'closed', 'refunded', 'paid_after_close'] as const satisfies readonly AttemptState[];
export const FINAL_ATTEMPT_STATES: readonly AttemptState[] = ['paid', 'declined', 'closed', 'refunded'];

export function isFinalAttemptState(state: AttemptState): boolean {
  return FINAL_ATTEMPT_STATES.includes(state);
}

/** The order of states; a transition may only move to a state of a higher rank (or stay final). */
export const ATTEMPT_STATE_RANK: Record<AttemptState, number> = {
  created: 0,
  pending: 1,
  reversing: 2,
  paid: 3,
  declined: 3,
  closed: 3,
  paid_after_close: 4,
  refunded: 5,
};

/**
 * Whether `from → to` is allowed. Between final states: `paid → refunded`, and
 * `closed | declined → paid_after_close` (money moved after all); that one goes on to `refunded`.
 */
export function canTransition(from: AttemptState, to: AttemptState): boolean {
  if (from === to) return false;
  if (from === 'paid') return to === 'refunded';
  if (from === 'closed' || from === 'declined') return to === 'paid_after_close';
  if (from === 'paid_after_close') return to === 'refunded';
  if (isFinalAttemptState(from)) return false;
  if (from === 'reversing') return to === 'closed' || to === 'refunded' || to === 'paid';
  return ATTEMPT_STATE_RANK[to] > ATTEMPT_STATE_RANK[from];
}

export type RefundState = 'created' | 'processing' | 'succeeded' | 'failed';

/**
 * Methods that give the customer a QR code or a link to open (dynamic QR / link payment).
 * The gateway method table (shared/methods.ts) marks the same set as `qrCapable`.
 */
export const QR_METHODS = [
  'weixin.qr_code_pay',
  'alipay.qr_code_pay',
  'qq.unified',
  'jd.pay',
  'unionpay.gateway',
  'weixin.pay',
  'weixin.h5_pay',
  'alipay.ration_code',
  'alipay.wap_pay',
  'alipay.h5_pay',
  'unionpay.wap',
] as const;
export type QrMethod = (typeof QR_METHODS)[number];

export function channelOfMethod(method: string): PayChannel {
  const prefix = method.split('.')[0];
  switch (prefix) {
    case 'weixin':
    case 'alipay':
    case 'qq':
    case 'jd':
    case 'unionpay':
      return prefix;
    default:
      throw new Error(`no pay channel for method ${method}`);
  }
}
