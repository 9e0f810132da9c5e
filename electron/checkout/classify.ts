// What a gateway answer means for an attempt, as data (design.md payment rules). Pure functions,
// one per call kind, so each rule is testable alone and the engine only acts on the verdict.
//   - Only SUCCESS / TRADE_SUCCESS / TRADE_FINISHED (mapped to state 'paid' by the gateway room)
//     mean paid.
//   - Timeouts, transport errors, 1000, unsigned or badly signed answers, USERPAYING and
//     WAIT_BUYER_PAY are unknown / pending: never failed.
//   - 12001 (order number exists) on a payment means an earlier delivery of the same request got
//     there: unknown, settled by query.
import type { GatewayOutcome } from '../gateway/outcome.js';
import { STATUS, isIndeterminateCode } from '../../shared/status-codes.js';
import type { AttemptState } from '../../shared/payment.js';
import { configReasonCode } from '../../shared/config-refusal.js';

export type Verdict =
  | { kind: 'paid'; tradeNo: string | null }
  | { kind: 'pending'; tradeNo: string | null; reason: string }
  /** Settled without money moving (declined, or closed before payment). */
  | { kind: 'no_money'; state: 'declined' | 'closed'; tradeNo: string | null; reason: string; code: string | null }
  /** Closed after it had been paid: the money went back. */
  | { kind: 'refunded'; tradeNo: string | null; reason: string }
  /** The gateway has no such order (12002). */
  | { kind: 'not_found'; reason: string }
  /** The gateway refused the call (not a statement about the order's money). */
  | { kind: 'refused'; code: number; reason: string }
  /** No usable answer: keep asking. `aborted` when we stopped waiting ourselves. */
  | {
      kind: 'unknown';
      reason: string;
      aborted: boolean;
      /**
       * 'config:<code>' when the answer, though not trusted (unsigned), says the till is set up
       * wrongly (10001 unknown app_id): the attempt stays unknown until a query settles it, but
       * the screen says it is a configuration problem for the manager, not the customer.
       */
      reasonCode?: string;
    };

interface TradeResult {
  state?: AttemptState | null;
  trade_no?: string;
  trade_status?: string;
}

function fromState(r: TradeResult, reason: string): Verdict {
  const tradeNo = r.trade_no ?? null;
  const native = r.trade_status ?? '';
  switch (r.state) {
    case 'paid':
      return { kind: 'paid', tradeNo };
    case 'declined':
      return { kind: 'no_money', state: 'declined', tradeNo, reason: native || reason, code: native || null };
    case 'closed':
      return { kind: 'no_money', state: 'closed', tradeNo, reason: native || reason, code: native || null };
    case 'refunded':
      return { kind: 'refunded', tradeNo, reason: native || reason };
    default:
      return { kind: 'pending', tradeNo, reason: native || reason };
  }
}

function unknownOf(o: { reason: string; unsignedCode?: number }): Verdict {
  const config = o.unsignedCode === undefined ? null : configReasonCode(o.unsignedCode);
  return { kind: 'unknown', reason: o.reason, aborted: o.reason === 'aborted by the caller', ...(config ? { reasonCode: config } : {}) };
}

/**
 * A signed refusal of a payment: nothing was charged. Its reason code is the status code, or
 * 'config:<code>' for a configuration refusal (the merchant's ids, app, key, IP), including our
 * own refusal before sending when a merchant id the method requires is not configured.
 */
function refusedPayment(o: { code: number; message: string; content: Record<string, unknown> | null }): Verdict {
  return { kind: 'no_money', state: 'declined', tradeNo: null, reason: o.message, code: configReasonCode(o.code, o.content) ?? String(o.code) };
}

/** The answer to a scan payment (weixin/alipay.scan_qr_code_pay). */
export function classifyPay(o: GatewayOutcome<TradeResult>): Verdict {
  if (o.kind === 'unknown') return unknownOf(o);
  if (o.kind === 'ok') return fromState(o.result, 'waiting for the customer');
  if (isIndeterminateCode(o.code) || o.code === STATUS.ORDER_EXISTS) {
    return { kind: 'unknown', reason: `${o.code} ${o.message}`, aborted: false };
  }
  // Any other signed refusal: the gateway did not take the payment (expired code 10008,
  // channel closed, bad merchant…). Nothing was charged.
  return refusedPayment(o);
}

/** The answer to creating a QR / link order. */
export function classifyCreate(o: GatewayOutcome<Record<string, unknown>>): Verdict {
  if (o.kind === 'unknown') return unknownOf(o);
  if (o.kind === 'ok') return { kind: 'pending', tradeNo: null, reason: 'waiting for the customer' };
  if (isIndeterminateCode(o.code) || o.code === STATUS.ORDER_EXISTS) {
    return { kind: 'unknown', reason: `${o.code} ${o.message}`, aborted: false };
  }
  return refusedPayment(o);
}

/** The answer to trade.query. */
export function classifyQuery(o: GatewayOutcome<TradeResult>): Verdict {
  if (o.kind === 'unknown') return unknownOf(o);
  if (o.kind === 'ok') return fromState(o.result, 'waiting for the customer');
  if (o.code === STATUS.ORDER_NOT_FOUND) return { kind: 'not_found', reason: `${o.code} ${o.message}` };
  return { kind: 'unknown', reason: `${o.code} ${o.message}`, aborted: false };
}

/**
 * The answer to trade.reverse. `refunded` when the order had been paid (the reverse gave the
 * money back), `no_money/closed` when it closed an unpaid order; `pending` when the answer does
 * not say (the engine then queries).
 */
export function classifyReverse(o: GatewayOutcome<TradeResult>): Verdict {
  if (o.kind === 'unknown') return unknownOf(o);
  if (o.kind === 'ok') {
    if (o.result.state === 'paid' || o.result.state === undefined || o.result.state === null) {
      return { kind: 'pending', tradeNo: o.result.trade_no ?? null, reason: 'reverse answered without the order state' };
    }
    return fromState(o.result, 'reversed');
  }
  if (o.code === STATUS.ORDER_NOT_FOUND) return { kind: 'not_found', reason: `${o.code} ${o.message}` };
  if (isIndeterminateCode(o.code)) return { kind: 'unknown', reason: `${o.code} ${o.message}`, aborted: false };
  return { kind: 'refused', code: o.code, reason: `${o.code} ${o.message}` };
}

export type RefundVerdict =
  | { kind: 'succeeded' | 'processing' | 'failed'; answer: string }
  | { kind: 'unknown'; reason: string };

/** The answer to trade.refund (retried with the same out_refund_no until answered). */
export function classifyRefund(o: GatewayOutcome<{ refund_state: 'succeeded' | 'processing' | 'failed'; refund_status?: string }>): RefundVerdict {
  if (o.kind === 'unknown') return { kind: 'unknown', reason: o.reason };
  if (o.kind === 'ok') return { kind: o.result.refund_state, answer: o.result.refund_status ?? o.result.refund_state };
  if (isIndeterminateCode(o.code)) return { kind: 'unknown', reason: `${o.code} ${o.message}` };
  return { kind: 'failed', answer: `${o.code} ${o.message}` };
}

// Reading a verdict (engine.ts, owed-work.ts).

export function reasonOf(v: Verdict): string {
  return 'reason' in v ? v.reason : v.kind;
}
export function codeOf(v: Verdict): string | null {
  if (v.kind === 'unknown') return v.reasonCode ?? 'unknown';
  if (v.kind === 'pending') return 'waiting';
  return null;
}
export function tradeNoOf(v: Verdict): string | null {
  return 'tradeNo' in v ? v.tradeNo : null;
}
/** The attempt state a verdict states, if it states one. */
export function verdictState(v: Verdict): AttemptState | null {
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
