// Status codes, trade states and wire times.
import { describe, expect, it } from 'vitest';
import { STATUS, STATUS_CODES, isIndeterminateCode, statusMessage } from '../../../shared/status-codes.js';
import { ALIPAY_TRADE_STATES, JD_TRADE_STATES, UNIONPAY_TRADE_STATES, WEIXIN_TRADE_STATES, attemptStateOf, refundStateOf, withdrawStateOf } from '../../../shared/trade-state.js';
import { formatWireTime, normaliseWireTime, parseWireTime, toLocalIso } from '../../../shared/wire-time.js';

describe('status codes', () => {
  it('holds every code of the document with Chinese and English', () => {
    const doc = [0, 1000, 10001, 10002, 10003, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012, 12001, 12002, 12003, 12004, 13001, 14001, 14500, 15001, 15002, 15501, 15502, 15503];
    expect(STATUS_CODES.map((s) => s.code)).toEqual(doc);
    for (const s of STATUS_CODES) expect(s.zh && s.en).toBeTruthy();
    expect(Object.values(STATUS).sort((a, b) => a - b)).toEqual(doc);
    expect(statusMessage(12001)).toBe('订单号已存在');
    expect(statusMessage(12001, 'en')).toBe('order number already exists');
    expect(statusMessage(99999, 'en')).toBe('unknown status code 99999');
  });

  it('treats 1000 and unknown codes as leaving a payment open', () => {
    expect(isIndeterminateCode(1000)).toBe(true);
    expect(isIndeterminateCode(424242)).toBe(true);
    expect(isIndeterminateCode(10008)).toBe(false);
  });
});

describe('trade states', () => {
  it('maps every native value of every channel', () => {
    const expected: Record<string, string> = {
      SUCCESS: 'paid', REFUND: 'paid', NOTPAY: 'pending', USERPAYING: 'pending', PAYERROR: 'declined', CLOSED: 'closed', REVOKED: 'closed',
      TRADE_SUCCESS: 'paid', TRADE_FINISHED: 'paid', WAIT_BUYER_PAY: 'pending', TRADE_CLOSED: 'closed',
      '0': 'pending', '1': 'pending', '2': 'paid', '3': 'declined', '4': 'paid', '5': 'paid', '6': 'paid', '7': 'paid', '9': 'closed',
      '00': 'paid', '01': 'pending', '02': 'declined', '03': 'closed', '04': 'paid', '05': 'paid',
    };
    const all = [WEIXIN_TRADE_STATES, ALIPAY_TRADE_STATES, JD_TRADE_STATES, UNIONPAY_TRADE_STATES].flatMap((t) => Object.keys(t));
    expect(all.sort()).toEqual(Object.keys(expected).sort());
    for (const [native, state] of Object.entries(expected)) expect(attemptStateOf(native), native).toBe(state);
  });

  it('a closed or revoked order that had been paid was refunded', () => {
    for (const v of ['REVOKED', 'TRADE_CLOSED', '9', '03']) {
      expect(attemptStateOf(v, { payTime: '2024-01-01 10:00:00' })).toBe('refunded');
      expect(attemptStateOf(v, { payTime: '' })).toBe('closed');
    }
  });

  it('TRADE_CLOSED in a scan-pay answer is a decline', () => {
    expect(attemptStateOf('TRADE_CLOSED', { source: 'pay' })).toBe('declined');
  });

  it('never calls an unknown value failed', () => {
    for (const v of ['', 'WHATEVER', 42, null, undefined, '8']) expect(attemptStateOf(v)).toBe('pending');
    expect(attemptStateOf(2)).toBe('paid'); // a JD status sent as a number
  });

  it('maps withdrawal and refund statuses', () => {
    expect([0, 1, 2, '1', 'x'].map(withdrawStateOf)).toEqual(['processing', 'paid', 'failed', 'paid', 'processing']);
    expect(['REFUND_SUCCESS', 'REFUND_PROCESSING', 'REFUND_FAILER', 'x'].map(refundStateOf)).toEqual(['succeeded', 'processing', 'failed', 'processing']);
  });
});

describe('wire times', () => {
  it('reads the three formats (and 14 digits where yyMMddHHmmss is printed with 14)', () => {
    expect(normaliseWireTime('20091225091010')).toBe('2009-12-25T09:10:10');
    expect(normaliseWireTime('091225091010')).toBe('2009-12-25T09:10:10');
    expect(normaliseWireTime('2009-12-25 09:10:10')).toBe('2009-12-25T09:10:10');
    expect(normaliseWireTime('20170803000000')).toBe('2017-08-03T00:00:00');
    expect(parseWireTime('170803000000')?.format).toBe('yyMMddHHmmss');
  });

  it('refuses impossible times and other shapes', () => {
    for (const bad of ['20090230091010', '2009-12-25 24:00:00', '2009-12-25T09:10', '2009/12/25 09:10:10', '', 20091225091010, '20230229000000']) {
      expect(normaliseWireTime(bad), String(bad)).toBeNull();
    }
    expect(normaliseWireTime('20240229000000')).toBe('2024-02-29T00:00:00');
  });

  it('writes each format back', () => {
    expect(formatWireTime('2009-12-25T09:10:10', 'yyyyMMddHHmmss')).toBe('20091225091010');
    expect(formatWireTime('2009-12-25T09:10:10', 'yyMMddHHmmss')).toBe('091225091010');
    expect(formatWireTime('2009-12-25T09:10:10', 'yyyy-MM-dd HH:mm:ss')).toBe('2009-12-25 09:10:10');
    expect(toLocalIso(new Date(2009, 11, 25, 9, 10, 10))).toBe('2009-12-25T09:10:10');
    expect(() => formatWireTime('20091225091010', 'yyMMddHHmmss')).toThrow();
  });
});
