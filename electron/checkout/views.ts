// Journal rows → the shapes the UI receives (shared/ipc/contract.ts).
import type { OrderDetail, OrderRow, PaymentView, RefundView, TimelineEntry } from '../../shared/ipc/contract.js';
import type { AttemptRow, Journal, OrderRowData } from '../journal/journal.js';

export function secondsLeftOf(a: AttemptRow, nowMs: number): number | null {
  if ((a.state !== 'created' && a.state !== 'pending') || a.deadlineAtMs === null) return null;
  return Math.max(0, Math.ceil((a.deadlineAtMs - nowMs) / 1000));
}

export function paymentView(a: AttemptRow, nowMs: number): PaymentView {
  return {
    outTradeNo: a.outTradeNo,
    saleId: a.saleId,
    kind: a.kind,
    channel: a.channel,
    method: a.method,
    amountFen: a.amountFen,
    state: a.state,
    tradeNo: a.tradeNo,
    qrUrl: a.qrUrl,
    secondsLeft: secondsLeftOf(a, nowMs),
    reason: a.reason,
    reasonCode: a.reasonCode,
    maskedAuthCode: a.maskedAuthCode,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export function orderRow(a: AttemptRow, refundedFen: number): OrderRow {
  return {
    outTradeNo: a.outTradeNo,
    saleId: a.saleId,
    kind: a.kind,
    channel: a.channel,
    method: a.method,
    amountFen: a.amountFen,
    refundedFen,
    state: a.state,
    tradeNo: a.tradeNo,
    createdAt: a.createdAt,
  };
}

export function orderRowOf(r: OrderRowData): OrderRow {
  return orderRow(r, r.refundedFen);
}

export function orderDetail(journal: Journal, a: AttemptRow): OrderDetail {
  const sums = journal.refundSums(a.id);
  const timeline: TimelineEntry[] = journal.timeline(a.id).map((t) => ({ at: t.at, from: t.fromState, to: t.toState, reason: t.reason }));
  const refunds: RefundView[] = journal.refundsOf(a.id).map((r) => ({
    outRefundNo: r.outRefundNo,
    amountFen: r.amountFen,
    state: r.state,
    reason: r.answer ?? r.reason,
    createdAt: r.createdAt,
  }));
  const owed = journal.owedWork('attempt', a.outTradeNo);
  return {
    ...orderRow(a, sums.succeededFen),
    note: journal.sale(a.saleId)?.note ?? null,
    maskedAuthCode: a.maskedAuthCode,
    timeline,
    refunds,
    // Nothing is refundable while a reverse of the order is still owed.
    refundableFen: a.state === 'paid' && !owed ? a.amountFen - sums.committedFen : 0,
  };
}
