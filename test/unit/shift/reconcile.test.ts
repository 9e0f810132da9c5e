import { describe, expect, it } from 'vitest';
import { compareOrder, type QueryAnswer } from '../../../electron/shift/reconcile.js';
import type { JournalOrder } from '../../../electron/shift/store.js';
import type { AttemptState } from '../../../shared/payment.js';

const base: JournalOrder = {
  attemptId: 1,
  shiftId: 1,
  outTradeNo: 'T01_x_P1',
  channel: 'weixin',
  kind: 'scan',
  method: 'weixin.scan_qr_code_pay',
  amountFen: 1000,
  state: 'paid',
  tradeNo: 'GW1',
  refundedFen: 0,
  refundPendingFen: 0,
};
const found = (state: AttemptState, totalFen = 1000, tradeStatus = 'SUCCESS'): QueryAnswer => ({ kind: 'found', state, totalFen, tradeStatus, tradeNo: 'GW1' });
const causes = (o: Partial<JournalOrder>, a: QueryAnswer) => compareOrder({ ...base, ...o }, a).map((d) => d.cause);

describe('compareOrder', () => {
  it('paid here and there for the same amount: no difference', () => {
    expect(causes({}, found('paid'))).toEqual([]);
  });
  it('declined/closed on both sides, or never created at the gateway: no difference', () => {
    expect(causes({ state: 'declined' }, found('declined', 1000, 'PAYERROR'))).toEqual([]);
    expect(causes({ state: 'closed' }, found('closed', 1000, 'CLOSED'))).toEqual([]);
    expect(causes({ state: 'declined' }, { kind: 'not_found', code: 12002, message: 'not found' })).toEqual([]);
  });
  it('paid at the gateway, not here', () => {
    const d = compareOrder({ ...base, state: 'closed' }, found('paid', 1234));
    expect(d).toEqual([{ outTradeNo: 'T01_x_P1', cause: 'paid_at_gateway_not_here', journal: 'closed 10.00', gateway: 'paid 12.34 (SUCCESS)' }]);
  });
  it('amount differs', () => {
    expect(compareOrder(base, found('paid', 1001))).toEqual([{ outTradeNo: 'T01_x_P1', cause: 'amount_differs', journal: 'paid 10.00', gateway: 'paid 10.01 (SUCCESS)' }]);
  });
  it('paid here, unknown at the gateway: missing_at_gateway', () => {
    expect(causes({}, { kind: 'not_found', code: 12002, message: 'x' })).toEqual(['missing_at_gateway']);
  });
  it('paid here, closed at the gateway: state_differs', () => {
    expect(causes({}, found('closed', 1000, 'CLOSED'))).toEqual(['state_differs']);
  });
  it('reversed here (refunded), still paid at the gateway: state_differs', () => {
    expect(causes({ state: 'refunded' }, found('paid'))).toEqual(['state_differs']);
  });
  it('final here, still open at the gateway (it could still be paid): state_differs', () => {
    expect(causes({ state: 'closed' }, found('pending', 1000, 'NOTPAY'))).toEqual(['state_differs']);
  });
  it('refund signal at the gateway (WeChat REFUND, JD 5/7, UnionPay 04) with no refund here: refunded_elsewhere', () => {
    expect(causes({}, found('paid', 1000, 'REFUND'))).toEqual(['refunded_elsewhere']);
    expect(causes({ channel: 'jd' }, found('paid', 1000, '7'))).toEqual(['refunded_elsewhere']);
    expect(causes({ channel: 'unionpay' }, found('paid', 1000, '04'))).toEqual(['refunded_elsewhere']);
    // …but not when the till made the refund itself.
    expect(causes({ refundedFen: 300 }, found('paid', 1000, 'REFUND'))).toEqual([]);
  });
  it('reversed at the gateway while paid here without a full refund: refunded_elsewhere; fully refunded here: fine', () => {
    expect(causes({}, found('refunded', 1000, 'REVOKED'))).toEqual(['refunded_elsewhere']);
    expect(causes({ refundedFen: 1000 }, found('refunded', 1000, 'TRADE_CLOSED'))).toEqual([]);
  });
  it('several causes at once are all listed', () => {
    expect(causes({}, found('paid', 999, 'REFUND'))).toEqual(['amount_differs', 'refunded_elsewhere']);
  });
  it('no answer: not_checked, naming the reason', () => {
    expect(compareOrder(base, { kind: 'failed', reason: 'timeout after 10000 ms' })).toEqual([{ outTradeNo: 'T01_x_P1', cause: 'not_checked', journal: 'paid 10.00', gateway: 'no answer: timeout after 10000 ms' }]);
  });
});
