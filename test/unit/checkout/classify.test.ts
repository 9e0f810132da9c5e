// The payment rules as verdicts: what each gateway answer means for an attempt.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyCreate, classifyPay, classifyQuery, classifyRefund, classifyReverse } from '../../../electron/checkout/classify.js';
import { attemptStateOf } from '../../../shared/trade-state.js';
import { STATUS_CODES } from '../../../shared/status-codes.js';

const ok = (trade_status: string, extra: Record<string, unknown> = {}, source: 'pay' | 'query' = 'query') => ({
  kind: 'ok' as const,
  result: { trade_status, trade_no: 'GW1', state: attemptStateOf(trade_status, { source, payTime: (extra['pay_time'] as string) ?? null }), ...extra },
});
const rejected = (code: number, message = 'm') => ({ kind: 'rejected' as const, code, message, content: null });
const unknown = (reason: string) => ({ kind: 'unknown' as const, reason });

describe('classifyPay (scan payment answer)', () => {
  it('only SUCCESS / TRADE_SUCCESS mean paid', () => {
    expect(classifyPay(ok('SUCCESS', {}, 'pay'))).toEqual({ kind: 'paid', tradeNo: 'GW1' });
    expect(classifyPay(ok('TRADE_SUCCESS', {}, 'pay'))).toEqual({ kind: 'paid', tradeNo: 'GW1' });
  });
  it('USERPAYING / WAIT_BUYER_PAY are pending, never failed', () => {
    expect(classifyPay(ok('USERPAYING', {}, 'pay')).kind).toBe('pending');
    expect(classifyPay(ok('WAIT_BUYER_PAY', {}, 'pay')).kind).toBe('pending');
  });
  it('declines: PAYERROR and Alipay TRADE_CLOSED on the pay answer', () => {
    expect(classifyPay(ok('PAYERROR', {}, 'pay'))).toMatchObject({ kind: 'no_money', state: 'declined' });
    expect(classifyPay(ok('TRADE_CLOSED', {}, 'pay'))).toMatchObject({ kind: 'no_money', state: 'declined' });
  });
  it('timeouts, transport errors, bad signatures, 1000 and 12001 are unknown', () => {
    expect(classifyPay(unknown('no answer within 150 ms'))).toMatchObject({ kind: 'unknown', aborted: false });
    expect(classifyPay(unknown('answer signature does not verify (code 0)'))).toMatchObject({ kind: 'unknown' });
    expect(classifyPay(unknown('aborted by the caller'))).toMatchObject({ kind: 'unknown', aborted: true });
    expect(classifyPay(rejected(1000))).toMatchObject({ kind: 'unknown' });
    expect(classifyPay(rejected(12001))).toMatchObject({ kind: 'unknown' });
  });
  it('other signed refusals (expired code 10008, channel closed…) are declined with the code', () => {
    expect(classifyPay(rejected(10008, 'auth_code: expired'))).toEqual({ kind: 'no_money', state: 'declined', tradeNo: null, reason: 'auth_code: expired', code: '10008' });
    expect(classifyPay(rejected(10006))).toMatchObject({ kind: 'no_money', code: '10006' });
  });
  it('property: an answer without a verified code 0 is never paid, and an unknown is never no_money', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...STATUS_CODES.map((s) => s.code)), fc.integer({ min: 1, max: 99999 })), fc.string(), (code, reason) => {
        const r = classifyPay(rejected(code));
        expect(r.kind).not.toBe('paid');
        if (code === 1000 || code === 12001) expect(r.kind).toBe('unknown');
        expect(classifyPay(unknown(reason)).kind).toBe('unknown');
      }),
    );
  });
});

describe('classifyQuery', () => {
  it('maps order states; 12002 is not found; other refusals are unknown', () => {
    expect(classifyQuery(ok('TRADE_FINISHED')).kind).toBe('paid');
    expect(classifyQuery(ok('REFUND')).kind).toBe('paid');
    expect(classifyQuery(ok('NOTPAY')).kind).toBe('pending');
    expect(classifyQuery(ok('CLOSED'))).toMatchObject({ kind: 'no_money', state: 'closed' });
    expect(classifyQuery(ok('REVOKED', { pay_time: '2025-06-01 10:00:00' })).kind).toBe('refunded');
    expect(classifyQuery(ok('REVOKED')).kind).toBe('no_money');
    expect(classifyQuery(ok('SOMETHING_NEW')).kind).toBe('pending');
    expect(classifyQuery(rejected(12002)).kind).toBe('not_found');
    expect(classifyQuery(rejected(10002)).kind).toBe('unknown');
  });
});

describe('classifyReverse', () => {
  it('refunded when the order had been paid, closed when not; not found; refusals and silence', () => {
    expect(classifyReverse(ok('REVOKED', { pay_time: '2025-06-01 10:00:00' })).kind).toBe('refunded');
    expect(classifyReverse(ok('TRADE_CLOSED', { pay_time: '2025-06-01 10:00:00' })).kind).toBe('refunded');
    expect(classifyReverse(ok('TRADE_CLOSED'))).toMatchObject({ kind: 'no_money', state: 'closed' });
    expect(classifyReverse({ kind: 'ok', result: { trade_no: 'GW1', state: null } }).kind).toBe('pending');
    expect(classifyReverse(rejected(12002)).kind).toBe('not_found');
    expect(classifyReverse(rejected(1000)).kind).toBe('unknown');
    expect(classifyReverse(rejected(10008))).toMatchObject({ kind: 'refused', code: 10008 });
  });
});

describe('classifyCreate and classifyRefund', () => {
  it('create: ok pending; 1000/12001 unknown; other refusals declined', () => {
    expect(classifyCreate({ kind: 'ok', result: { qr_code: 'x' } }).kind).toBe('pending');
    expect(classifyCreate(rejected(12001)).kind).toBe('unknown');
    expect(classifyCreate(rejected(15001)).kind).toBe('no_money');
  });
  it('refund: the gateway state, 1000 and silence unknown, a signed refusal failed', () => {
    expect(classifyRefund({ kind: 'ok', result: { refund_state: 'succeeded', refund_status: 'REFUND_SUCCESS' } })).toEqual({ kind: 'succeeded', answer: 'REFUND_SUCCESS' });
    expect(classifyRefund({ kind: 'ok', result: { refund_state: 'processing' } }).kind).toBe('processing');
    expect(classifyRefund(rejected(1000)).kind).toBe('unknown');
    expect(classifyRefund(unknown('HTTP 502 from the gateway')).kind).toBe('unknown');
    expect(classifyRefund(rejected(14500, 'window passed'))).toEqual({ kind: 'failed', answer: '14500 window passed' });
  });
});
