// Reconciliation: every gateway order of a shift (or a day) is queried again with trade.query
// and compared with the journal. Each difference carries its cause:
//   paid_at_gateway_not_here — the gateway took the money, the journal says it did not
//   missing_at_gateway       — the journal counts money the gateway has no order for
//   amount_differs           — both say paid, for different amounts
//   refunded_elsewhere       — the gateway shows a refund/reversal the journal does not have
//   state_differs            — any other disagreement (journal paid, gateway not; reversed here,
//                              still paid there; closed here, still open there and payable)
//   not_checked              — no usable answer (offline, error): the order cannot be vouched for
// Only when there is no difference at all does the report say "matches the gateway to the fen".
// Limits: orders the till never journaled cannot be found this way (the gateway API has no bill
// download); partial refunds made elsewhere on an Alipay order are invisible to trade.query
// (TRADE_SUCCESS either way) — a full one shows as TRADE_CLOSED with a pay time.
// reconcilePages runs this over a scope page by page and records the confirmations (close, 日结).
import { formatYuan, type Fen } from '../../shared/money.js';
import type { AttemptState } from '../../shared/payment.js';
import { STATUS } from '../../shared/status-codes.js';
import type { ReconcileDiff } from '../../shared/ipc/contract.js';
import type { GatewayClient } from '../gateway/client.js';
import type { Journal } from '../journal/journal.js';
import { RECONCILE_PAGE_ORDERS, type JournalOrder, type ReconcileAsk, type Scope, type ShiftStore } from './store.js';

/**
 * trade.query calls in flight at once: a 36,000-order shift whose orders mostly came with a
 * verified callback closes in seconds; still a small share of a gateway's capacity.
 */
export const RECONCILE_CONCURRENCY = 16;
/** One trade.query of a reconciliation may take this long. */
export const RECONCILE_QUERY_TIMEOUT_MS = 10_000;
/** Tries per order when the answer is unknown (timeout, transport, unsigned). */
export const RECONCILE_MAX_TRIES = 2;
/**
 * After this many orders in a row got no answer, the gateway is taken to be unreachable and the
 * remaining orders are marked not_checked without waiting for each (an offline close must not
 * take hours).
 */
export const RECONCILE_GIVE_UP_AFTER_FAILURES = 10;

/** Native trade_status values that say the order has (or is getting) a refund. */
const REFUND_SIGNALS = new Set(['REFUND', '4', '5', '7', '04', '05']);

export type QueryAnswer =
  | { kind: 'found'; state: AttemptState; totalFen: Fen; tradeStatus: string; tradeNo: string | null }
  | { kind: 'not_found'; code: number; message: string }
  | { kind: 'failed'; reason: string };

const TAKES_MONEY: readonly AttemptState[] = ['paid', 'refunded'];
/** States a reconciliation's agreeing answer can confirm (migration 007: final ones only). */
const FINAL_HERE: readonly AttemptState[] = ['paid', 'declined', 'closed', 'refunded'];

function journalText(o: JournalOrder): string {
  let t = `${o.state} ${formatYuan(o.amountFen)}`;
  if (o.refundedFen > 0) t += `, refunded ${formatYuan(o.refundedFen)}`;
  if (o.refundPendingFen > 0) t += `, refund pending ${formatYuan(o.refundPendingFen)}`;
  return t;
}

function gatewayText(a: QueryAnswer): string {
  switch (a.kind) {
    case 'found':
      return `${a.state} ${formatYuan(a.totalFen)} (${a.tradeStatus})`;
    case 'not_found':
      return `no such order (${a.code})`;
    case 'failed':
      return `no answer: ${a.reason}`;
  }
}

/** The differences between one journal order and the gateway's answer for it (none = it matches). */
export function compareOrder(o: JournalOrder, a: QueryAnswer): ReconcileDiff[] {
  const diff = (cause: ReconcileDiff['cause']): ReconcileDiff => ({ outTradeNo: o.outTradeNo, cause, journal: journalText(o), gateway: gatewayText(a) });
  if (a.kind === 'failed') return [diff('not_checked')];
  const hereMoney = TAKES_MONEY.includes(o.state);
  if (a.kind === 'not_found') return hereMoney ? [diff('missing_at_gateway')] : [];
  const thereMoney = TAKES_MONEY.includes(a.state);
  const out: ReconcileDiff[] = [];
  if (thereMoney && !hereMoney) out.push(diff('paid_at_gateway_not_here'));
  else if (hereMoney && !thereMoney) out.push(diff('state_differs'));
  // Refunded here in full (a payment that landed after close, refunded by trade.refund): the gateway keeps it paid with a refund status.
  else if (o.state === 'refunded' && a.state === 'paid' && !REFUND_SIGNALS.has(a.tradeStatus)) out.push(diff('state_differs'));
  else if (!hereMoney && !thereMoney && (a.state === 'pending' || a.state === 'created' || a.state === 'reversing')) {
    // Final here, still open there: the customer could still pay it.
    out.push(diff('state_differs'));
  }
  if (hereMoney && thereMoney && a.totalFen !== o.amountFen) out.push(diff('amount_differs'));
  if (o.state === 'paid') {
    const refundedHereFen = o.refundedFen + o.refundPendingFen;
    const reversedThere = a.state === 'refunded' && refundedHereFen < o.amountFen;
    const refundThere = a.state === 'paid' && REFUND_SIGNALS.has(a.tradeStatus) && refundedHereFen === 0;
    if (reversedThere || refundThere) out.push(diff('refunded_elsewhere'));
  }
  return out;
}

export interface ReconcileResult {
  checked: number;
  diffs: ReconcileDiff[];
  /** Orders without a usable answer (also listed in diffs as not_checked). */
  unchecked: number;
  /** Final orders whose answer agreed with the journal: the gateway has now confirmed them. */
  matched: string[];
}

export interface ReconcileOptions {
  merchantNo: string;
  concurrency?: number;
  timeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Told of every order the gateway has as paid that the journal holds as closed or declined
   * (a payment that landed after the till gave up): the engine moves it to paid_after_close and
   * refunds it. The difference is still listed.
   */
  onGatewayPaid?: (outTradeNo: string, tradeNo: string | null) => Promise<unknown>;
}

/** trade.query of one order, with the UnionPay variant (no merchant_no) for UnionPay orders. */
export async function queryOrder(gateway: GatewayClient, o: JournalOrder, merchantNo: string, timeoutMs: number): Promise<QueryAnswer> {
  let lastReason = 'no answer';
  for (let attempt = 1; attempt <= RECONCILE_MAX_TRIES; attempt++) {
    const params = o.channel === 'unionpay' ? { out_trade_no: o.outTradeNo } : { merchant_no: merchantNo, out_trade_no: o.outTradeNo };
    const out = await gateway.call('trade.query', params, { timeoutMs });
    if (out.kind === 'ok') {
      const r = out.result;
      return { kind: 'found', state: r.state, totalFen: r.total_amount, tradeStatus: String(r.trade_status), tradeNo: r.trade_no ?? null };
    }
    if (out.kind === 'rejected') {
      if (out.code === STATUS.ORDER_NOT_FOUND) return { kind: 'not_found', code: out.code, message: out.message };
      // A signed refusal will not change on a retry (bad merchant, no permission…).
      return { kind: 'failed', reason: `gateway code ${out.code}: ${out.message}` };
    }
    lastReason = out.reason;
  }
  return { kind: 'failed', reason: lastReason };
}

/** Queries every order (bounded concurrency) and compares; never throws for gateway trouble. */
export async function reconcileOrders(gateway: GatewayClient | null, orders: readonly JournalOrder[], o: ReconcileOptions): Promise<ReconcileResult> {
  const total = orders.length;
  const answers: QueryAnswer[] = new Array(total);
  if (!gateway) {
    for (let i = 0; i < total; i++) answers[i] = { kind: 'failed', reason: 'no gateway configured' };
  } else {
    const concurrency = Math.max(1, Math.min(o.concurrency ?? RECONCILE_CONCURRENCY, 64));
    const timeoutMs = o.timeoutMs ?? RECONCILE_QUERY_TIMEOUT_MS;
    let next = 0;
    let done = 0;
    let failuresInRow = 0;
    let gaveUp: string | null = null;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        if (gaveUp !== null) {
          answers[i] = { kind: 'failed', reason: gaveUp };
        } else {
          const a = await queryOrder(gateway, orders[i]!, o.merchantNo, timeoutMs);
          answers[i] = a;
          if (a.kind === 'failed') {
            failuresInRow++;
            if (failuresInRow >= RECONCILE_GIVE_UP_AFTER_FAILURES && gaveUp === null) {
              gaveUp = `not asked: the gateway did not answer ${failuresInRow} queries in a row (last: ${a.reason})`;
            }
          } else failuresInRow = 0;
        }
        done++;
        o.onProgress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(total, 1)) }, worker));
  }
  const diffs: ReconcileDiff[] = [];
  const matched: string[] = [];
  let unchecked = 0;
  for (let i = 0; i < total; i++) {
    const order = orders[i]!;
    const a = answers[i]!;
    if (a.kind === 'failed') unchecked++;
    const d = compareOrder(order, a);
    diffs.push(...d);
    if (d.length === 0 && a.kind !== 'failed' && FINAL_HERE.includes(order.state)) matched.push(order.outTradeNo);
    if (o.onGatewayPaid && a.kind === 'found' && a.state === 'paid' && (order.state === 'closed' || order.state === 'declined')) {
      await o.onGatewayPaid(order.outTradeNo, a.tradeNo);
    }
  }
  return { checked: total - unchecked, diffs, unchecked, matched };
}

export interface ReconcilePagesDeps {
  store: ShiftStore;
  journal: Journal;
  /** The gateway of the moment (settings may change it), read at each page. */
  gateway: () => { client: GatewayClient | null; merchantNo: string };
  at: () => string;
  concurrency?: number;
  timeoutMs?: number;
  onGatewayPaid?: (outTradeNo: string, tradeNo: string | null) => Promise<unknown>;
}

export interface ReconcilePagesResult {
  checked: number;
  unchecked: number;
  diffs: ReconcileDiff[];
  /** Orders queried. */
  asked: number;
  /** Orders marked confirmed in the journal. */
  confirmedNow: number;
}

/**
 * Queries the scope's orders in (afterAttemptId, uptoAttemptId] that the gateway has not
 * confirmed, RECONCILE_PAGE_ORDERS at a time, and records the ones that matched as confirmed
 * (a later 日结 need not ask again). Used by the shift close (close.ts) and the day report (day.ts).
 */
export async function reconcilePages(
  d: ReconcilePagesDeps,
  scope: Scope,
  afterAttemptId: number,
  uptoAttemptId: number,
  skipShiftIds: readonly number[],
  onProgress?: (done: number) => void,
  ask: ReconcileAsk = 'unconfirmed',
): Promise<ReconcilePagesResult> {
  const out: ReconcilePagesResult = { checked: 0, unchecked: 0, diffs: [], asked: 0, confirmedNow: 0 };
  let cursor = afterAttemptId;
  for (;;) {
    const page = d.store.ordersToReconcile(scope, cursor, uptoAttemptId, RECONCILE_PAGE_ORDERS, skipShiftIds, ask);
    if (page.length === 0) break;
    const base = out.asked;
    const { client, merchantNo } = d.gateway();
    const r = await reconcileOrders(client, page, {
      merchantNo,
      concurrency: d.concurrency,
      timeoutMs: d.timeoutMs,
      onProgress: (done) => onProgress?.(base + done),
      ...(d.onGatewayPaid ? { onGatewayPaid: d.onGatewayPaid } : {}),
    });
    out.asked += page.length;
    out.checked += r.checked;
    out.unchecked += r.unchecked;
    out.diffs.push(...r.diffs);
    // Relaxed: a lost confirmation only means one more query next time.
    out.confirmedNow += d.journal.durability.relaxed(() => d.journal.confirmations.confirm(r.matched, 'reconcile', d.at()));
    cursor = page.at(-1)!.attemptId;
    if (page.length < RECONCILE_PAGE_ORDERS) break;
  }
  return out;
}
