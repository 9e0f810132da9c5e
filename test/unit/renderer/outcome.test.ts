// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { explain, explainError, newerView, outcomeOf } from '../../../renderer/lib/outcome';
import { quickTenders } from '../../../renderer/lib/cash';
import { view } from './payment-view';


describe('outcomeOf', () => {
  it('tells confirming on the phone from an unclear answer; neither is failed', () => {
    expect(outcomeOf(view({ reasonCode: 'waiting', reason: 'USERPAYING' }))).toBe('confirming');
    expect(outcomeOf(view({ reasonCode: 'unknown', reason: 'timeout after 10000 ms' }))).toBe('checking');
    expect(outcomeOf(view({ reasonCode: 'cancelled' }))).toBe('reversing');
    expect(outcomeOf(view({ reasonCode: 'expired_waiting' }))).toBe('reversing');
    expect(outcomeOf(view({ reasonCode: 'USERPAYING' }))).toBe('confirming');
    expect(outcomeOf(view({ reasonCode: 'WAIT_BUYER_PAY' }))).toBe('confirming');
    expect(outcomeOf(view({ reasonCode: 'timeout' }))).toBe('checking');
    expect(outcomeOf(view({ reasonCode: '1000' }))).toBe('checking');
    expect(outcomeOf(view({ kind: 'qr' }))).toBe('confirming');
    expect(outcomeOf(view({ state: 'created' }))).toBe('sending');
    expect(outcomeOf(view({ state: 'reversing' }))).toBe('reversing');
    expect(outcomeOf(view({ state: 'paid' }))).toBe('paid');
  });
});

describe('newerView', () => {
  it('never moves a state back, and keeps a final state', () => {
    const paid = view({ state: 'paid', updatedAt: '2025-01-01T10:00:05.000Z' });
    expect(newerView(paid, view({ state: 'pending' }))).toBe(paid);
    const refunded = view({ state: 'refunded' });
    expect(newerView(paid, refunded)).toBe(refunded);
    const reversing = view({ state: 'reversing' });
    expect(newerView(reversing, view({ state: 'pending' }))).toBe(reversing);
    const closed = view({ state: 'closed' });
    expect(newerView(reversing, closed)).toBe(closed);
    expect(newerView(closed, view({ state: 'paid' }))).toBe(closed);
  });

  it('takes the later report of the same state (countdown ticks), and any view of another attempt', () => {
    const a = view({ secondsLeft: 40, updatedAt: '2025-01-01T10:00:05.000Z' });
    const b = view({ secondsLeft: 35, updatedAt: '2025-01-01T10:00:10.000Z' });
    expect(newerView(a, b)).toBe(b);
    expect(newerView(b, a)).toBe(b);
    const other = view({ outTradeNo: 'T2', state: 'created' });
    expect(newerView(b, other)).toBe(other);
  });
});

describe('explain', () => {
  it('gives plain words and a next step for each kind of decline', () => {
    expect(explain('PAYERROR', '余额不足')).toMatchObject({ what: 'reason.balance', next: 'next.otherMethod' });
    expect(explain('10008', 'auth_code expired')).toMatchObject({ what: 'reason.codeExpired', next: 'next.refreshCode' });
    expect(explain('10006', null)).toMatchObject({ what: 'reason.merchant' });
    expect(explain('PAYERROR', null)).toMatchObject({ what: 'reason.declined' });
    expect(explain(null, null)).toMatchObject({ what: 'reason.generic' });
    expect(explain(null, null, 'closed')).toMatchObject({ what: 'reason.closed' });
    expect(explain('deadline', 'no payment within 45 s: reversing', 'closed')).toMatchObject({ what: 'reason.timeout' });
    expect(explain('cancelled', 'cancelled by the cashier', 'closed')).toMatchObject({ what: 'reason.cashierCancelled' });
    // The customer cancelled on the phone (the channel's CLOSED), vs the engine's own "closed".
    expect(explain('CLOSED', 'CLOSED', 'closed')).toMatchObject({ what: 'reason.customerCancelled' });
    expect(explain('TRADE_CLOSED', 'TRADE_CLOSED', 'closed')).toMatchObject({ what: 'reason.customerCancelled' });
    expect(explain('closed', 'reversed before any payment: closed', 'closed')).toMatchObject({ what: 'reason.closed' });
    // Alipay's decline of scenario 03 is TRADE_CLOSED in a declined attempt: declined, not "cancelled".
    expect(explain('TRADE_CLOSED', 'TRADE_CLOSED', 'declined')).toMatchObject({ what: 'reason.declined' });
    expect(explain('10008', '无效的参数', 'declined')).toMatchObject({ what: 'reason.codeExpired' });
  });

  it('keeps the gateway words as the detail', () => {
    expect(explain('PAYERROR', '余额不足').detail).toBe('余额不足');
    expect(explain('PAYERROR', null).detail).toBe('PAYERROR');
  });

  it('explains errors answered before any attempt', () => {
    expect(explainError({ code: 'offline', message: 'gateway unreachable' })).toMatchObject({ what: 'reason.offline', next: 'next.cashOrRetry' });
    expect(explainError({ code: 'rejected', message: '无效的参数', gatewayCode: 10008 })).toMatchObject({ what: 'reason.codeExpired' });
    expect(explainError({ code: 'conflict', message: 'a payment is running' })).toMatchObject({ what: 'reason.conflict' });
  });
});

describe('quickTenders', () => {
  it('offers exact, then the banknotes a customer hands over, without repeats', () => {
    expect(quickTenders(16450)).toEqual([16450, 17000, 20000]);
    expect(quickTenders(1250)).toEqual([1250, 2000, 5000, 10000]);
    expect(quickTenders(10000)).toEqual([10000, 20000]);
    expect(quickTenders(0)).toEqual([]);
  });
});
