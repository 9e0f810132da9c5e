// The method table: all 25 entries of the document, QR flags, validation messages naming the field
// and the rule, special-required conditions, variants, and exact fen ↔ yuan at the wire.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_FEN } from '../../../shared/money.js';
import { QR_METHODS } from '../../../shared/payment.js';
import {
  METHODS,
  METHOD_NAMES,
  documentEntryCount,
  fromWireParams,
  fromWireResult,
  issuesMessage,
  methodSpec,
  selectVariant,
  toWireParams,
  toWireResult,
  validateParams,
} from '../../../shared/methods.js';

const DOC_TOC = [
  'weixin.pay', 'weixin.mppay', 'weixin.qr_code_pay', 'weixin.scan_qr_code_pay', 'weixin.h5_pay', 'alipay.qr_code_pay',
  'alipay.scan_qr_code_pay', 'alipay.ration_code', 'alipay.wap_pay', 'alipay.h5_pay', 'jd.pay', 'qq.unified',
  'unionpay.gateway', 'unionpay.wap', 'unionpay.withdraw', 'unionpay.withdraw_query', 'unionpay.withdraw_balance_query',
  'trade.query', 'trade.query', 'trade.refund', 'trade.refund', 'trade.reverse', 'merchant.withdraw', 'merchant.withdraw_query',
  'merchant.balance',
];

const scanWx = { merchant_no: 'M1', out_trade_no: 'T_1', order_name: '咖啡', total_amount: 1999, sub_appid: 'wx1', auth_code: '134567890123456789', spbill_create_ip: '10.0.0.1' };
const msgOf = (method: string, params: unknown) => {
  const v = validateParams(method, params);
  return v.ok ? null : issuesMessage(v.issues);
};

describe('the table', () => {
  it('holds the 25 entries of the document (23 names, trade.query and trade.refund with a UnionPay variant)', () => {
    expect(documentEntryCount()).toBe(25);
    expect(DOC_TOC).toHaveLength(25);
    expect([...new Set(DOC_TOC)].sort()).toEqual([...METHOD_NAMES].sort());
    expect(methodSpec('trade.query').variants.map((v) => v.section)).toEqual(['2.18', '2.19']);
    expect(methodSpec('trade.refund').variants.map((v) => v.section)).toEqual(['2.20', '2.21']);
    const sections = METHOD_NAMES.flatMap((m) => methodSpec(m).variants.map((v) => v.section));
    expect(new Set(sections).size).toBe(25);
  });

  it('marks qrCapable exactly as QR_METHODS', () => {
    const qr = METHOD_NAMES.filter((m) => methodSpec(m).qrCapable).sort();
    expect(qr).toEqual([...QR_METHODS].sort());
  });

  it('says which methods move money', () => {
    const moving = METHOD_NAMES.filter((m) => METHODS[m].movesMoney);
    expect(moving).toContain('trade.refund');
    expect(moving).toContain('trade.reverse');
    expect(moving).toContain('merchant.withdraw');
    expect(moving).not.toContain('trade.query');
    expect(moving).not.toContain('merchant.balance');
  });

  it('every field has a kind, a presence and a description; special fields say their condition', () => {
    for (const m of METHOD_NAMES) {
      for (const v of methodSpec(m).variants) {
        for (const f of [...v.params, ...v.result]) {
          expect(f.zh.length, `${m}.${f.name}`).toBeGreaterThan(0);
          if (f.presence === 'special') expect(f.condition, `${m}.${f.name}`).toBeTruthy();
        }
      }
    }
  });
});

describe('validation names the field and the rule', () => {
  it('accepts a valid scan payment', () => {
    expect(msgOf('weixin.scan_qr_code_pay', scanWx)).toBeNull();
  });

  it.each([
    [{ total_amount: 0 }, 'total_amount: must be 0.01–100000000 with at most two decimals'],
    [{ total_amount: 19.99 }, 'total_amount: must be 0.01–100000000 with at most two decimals'],
    [{ total_amount: MAX_AMOUNT_FEN + 1 }, 'total_amount: must be 0.01–100000000 with at most two decimals'],
    [{ out_trade_no: 'has-dash' }, 'out_trade_no: must be 1–64 of [A-Za-z0-9_]'],
    [{ out_trade_no: 'x'.repeat(65) }, 'out_trade_no: must be 1–64 of [A-Za-z0-9_]'],
    [{ auth_code: '12345' }, 'auth_code: not a WeChat (18 digits, 10–15…) or Alipay (16–24 digits, 25–30…) payment code'],
    [{ auth_code: '2845678901234567' }, 'auth_code: not a WeChat payment code (18 digits starting 10–15)'],
    [{ order_name: 'x'.repeat(65) }, 'order_name: must be at most 64 characters'],
    [{ spbill_create_ip: 'localhost' }, 'spbill_create_ip: must be an IPv4 or IPv6 address'],
    [{ sub_appid: '' }, 'sub_appid: is required'],
  ])('%j → %s', (patch, message) => {
    expect(msgOf('weixin.scan_qr_code_pay', { ...scanWx, ...patch })).toBe(message);
  });

  it('lists every broken field, in table order', () => {
    expect(msgOf('weixin.scan_qr_code_pay', { ...scanWx, out_trade_no: '', total_amount: -1 })).toBe(
      'out_trade_no: is required; total_amount: must be 0.01–100000000 with at most two decimals',
    );
  });

  it('refuses unknown keys on the client side, ignores them on the server side', () => {
    expect(msgOf('weixin.scan_qr_code_pay', { ...scanWx, totl_amount: 1 })).toBe('totl_amount: not a parameter of weixin.scan_qr_code_pay');
    expect(validateParams('weixin.scan_qr_code_pay', { ...scanWx, totl_amount: 1 }, { unknownKeys: 'ignore' }).ok).toBe(true);
  });

  it('checks Alipay codes for Alipay, the scene enum and the notify URL', () => {
    const ali = { merchant_no: 'M', out_trade_no: 'A', order_name: 'n', total_amount: 1, auth_code: '284567890123456789', scene: 'bar_code', notify_url: 'https://x.example/n' };
    expect(msgOf('alipay.scan_qr_code_pay', ali)).toBeNull();
    expect(msgOf('alipay.scan_qr_code_pay', { ...ali, auth_code: scanWx.auth_code })).toBe('auth_code: not an Alipay payment code (16–24 digits starting 25–30)');
    expect(msgOf('alipay.scan_qr_code_pay', { ...ali, scene: 'qr' })).toBe('scene: must be one of "bar_code", "wave_code"');
    expect(msgOf('alipay.scan_qr_code_pay', { ...ali, notify_url: 'ftp://x' })).toBe('notify_url: must be an http(s) URL of at most 1024 characters');
  });

  it('enforces 特殊必填 where the document states the condition', () => {
    const w = { merchant_no: 'M', out_trade_no: 'W1', amount: 10000, bakn_account_no: '6222020202020202', bank_account_name: '张三', bank_mobile: '13800138000', account_attr: 0, remark: 'r' };
    expect(msgOf('merchant.withdraw', w)).toBeNull();
    expect(msgOf('merchant.withdraw', { ...w, account_attr: 1 })).toBe('bank_code: is required when account_attr=1; bank_name: is required when account_attr=1');
    expect(msgOf('merchant.withdraw', { ...w, account_attr: 1, bank_code: '102100099996', bank_name: '工商银行' })).toBeNull();
    expect(msgOf('merchant.withdraw', { ...w, account_attr: 2 })).toBe('account_attr: must be one of 1, 0');
    expect(msgOf('merchant.withdraw', { ...w, bank_mobile: '12345' })).toBe('bank_mobile: must be an 11-digit mobile number');
    const mp = { merchant_no: 'M', out_trade_no: 'P1', order_name: 'n', total_amount: 1, spbill_create_ip: '1.2.3.4', notify_url: 'http://x/n' };
    expect(msgOf('weixin.mppay', mp)).toBeNull();
    expect(msgOf('weixin.mppay', { ...mp, tran_type: 2 })).toBe('sub_mch_id: is required when tran_type=2 (线上交易必填)');
    expect(msgOf('unionpay.gateway', { out_trade_no: 'U', total_amount: 1, channel_type: '09', subject: 's', body: 'b', client_ip: '1.1.1.1', pay_type: 4, bank_code: '99999999', notify_url: 'http://x/n', success_url: 'http://x/s' })).toBe(
      'channel_type: must be one of "07", "08"; pay_type: must be one of 1, 2, 3; bank_code: must be one of ' +
        methodSpec('unionpay.gateway').variants[0]!.params.find((f) => f.name === 'bank_code')!.oneOf!.map((c) => `"${c}"`).join(', '),
    );
  });

  it('picks the UnionPay variants by their parameters', () => {
    const q = methodSpec('trade.query');
    expect(selectVariant(q, { out_trade_no: 'X' }).id).toBe('unionpay');
    expect(selectVariant(q, { merchant_no: 'M', out_trade_no: 'X' }).id).toBe('default');
    const r = methodSpec('trade.refund');
    expect(selectVariant(r, { out_trade_no: 'X', out_refund_no: 'R' }).id).toBe('default');
    expect(selectVariant(r, { out_trade_no: 'X', out_refund_no: 'R', refund_reason: '退货' }).id).toBe('unionpay');
    expect(msgOf('trade.refund', { out_trade_no: 'X', out_refund_no: 'R', refund_reason: '退货', refund_fee: 100 })).toBe('refund_fee: not a parameter of trade.refund [银联]');
    expect(msgOf('trade.refund', { out_trade_no: 'X', out_refund_no: 'R-1' })).toBe('out_refund_no: must be 1–64 of [A-Za-z0-9_]');
  });

  it('refuses a non-object and an unknown method', () => {
    expect(msgOf('weixin.scan_qr_code_pay', null)).toBe('parameters must be an object');
    expect(msgOf('weixin.nope', {})).toBe('method: unknown method "weixin.nope"');
  });
});

describe('money at the wire', () => {
  const v = methodSpec('weixin.scan_qr_code_pay').variants[0]!;

  it('fen → yuan → fen is exact for every valid amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_AMOUNT_FEN }), (fen) => {
        const wire = toWireParams(v, { ...scanWx, total_amount: fen });
        const text = JSON.stringify(wire);
        const back = fromWireParams('weixin.scan_qr_code_pay', JSON.parse(text) as Record<string, unknown>);
        expect(back.ok && back.value['total_amount']).toBe(fen);
      }),
    );
  });

  it('writes yuan as JSON numbers with at most two decimals', () => {
    expect(JSON.stringify(toWireParams(v, { ...scanWx, total_amount: 1999 }))).toContain('"total_amount":19.99');
    expect(JSON.stringify(toWireParams(v, { ...scanWx, total_amount: 1 }))).toContain('"total_amount":0.01');
    expect(JSON.stringify(toWireParams(v, { ...scanWx, total_amount: 10_000_000_000 }))).toContain('"total_amount":100000000');
  });

  it('refuses three decimals, amounts sent as strings, and numbers that lost digits', () => {
    const bad = (content: Record<string, unknown>) => {
      const r = fromWireParams('weixin.scan_qr_code_pay', { ...scanWx, ...content });
      return r.ok ? null : issuesMessage(r.issues);
    };
    expect(bad({ total_amount: 19.999 })).toBe('total_amount: must be 0.01–100000000 with at most two decimals');
    expect(bad({ total_amount: 'abc' })).toBe('total_amount: must be 0.01–100000000 with at most two decimals (a JSON number, not a string)');
    // A request's amount is a JSON number (wire.md): a string is refused, even one that reads as an amount.
    expect(bad({ total_amount: '19.99' })).toBe('total_amount: must be 0.01–100000000 with at most two decimals (a JSON number, not a string)');
    expect(bad({ total_amount: 19.99 })).toBeNull();
    expect(bad({ merchant_no: 12345678901234567890 })).toBe('merchant_no: must be sent as a string (the number lost digits)');
  });

  it('reads results to fen and ISO, derives the app state, drops unknown fields', () => {
    const r = fromWireResult('weixin.scan_qr_code_pay', v, {
      out_trade_no: 'T', trade_no: 'P', total_amount: 19.99, cash_fee: '19.99', trade_status: 'SUCCESS', pay_time: '20091225091010', surprise_yuan: 5.5,
    });
    expect(r).toEqual({ ok: true, value: { out_trade_no: 'T', trade_no: 'P', total_amount: 1999, cash_fee: 1999, trade_status: 'SUCCESS', pay_time: '2009-12-25T09:10:10', state: 'paid' } });
    const pending = fromWireResult('alipay.scan_qr_code_pay', methodSpec('alipay.scan_qr_code_pay').variants[0]!, { out_trade_no: 'T', total_amount: 1, trade_status: 'WAIT_BUYER_PAY', pay_time: '' });
    expect(pending.ok && pending.value).toMatchObject({ state: 'pending', pay_time: null });
    const declined = fromWireResult('alipay.scan_qr_code_pay', methodSpec('alipay.scan_qr_code_pay').variants[0]!, { out_trade_no: 'T', total_amount: 1, trade_status: 'TRADE_CLOSED' });
    expect(declined.ok && declined.value['state']).toBe('declined');
  });

  it('reports missing and malformed result fields', () => {
    const r = fromWireResult('weixin.scan_qr_code_pay', v, { out_trade_no: 'T', total_amount: 19.991, pay_time: '2009-13-25 09:10:10' });
    expect(r.ok ? null : issuesMessage(r.issues)).toBe(
      'total_amount: must be a non-negative amount in yuan with at most two decimals; trade_status: is missing from the answer; pay_time: must be a time as yyyyMMddHHmmss, yyMMddHHmmss or yyyy-MM-dd HH:mm:ss',
    );
  });

  it('writes results in the wire formats of the table', () => {
    const q = methodSpec('trade.query').variants[1]!;
    expect(toWireResult(q, { out_trade_no: 'U', trade_no: 'P', total_amount: 100, net_receipt_amount: 99, trade_status: '00', pay_time: '2017-08-03T00:00:00' })).toEqual({
      out_trade_no: 'U', trade_no: 'P', total_amount: 1, net_receipt_amount: 0.99, trade_status: '00', pay_time: '170803000000',
    });
    const b = methodSpec('unionpay.withdraw_balance_query').variants[0]!;
    expect(toWireResult(b, { withdraw_balance: 1050, freeze_balance: 50, normal_balance: 1000 })).toEqual({ withdraw_balance: '10.50', freeze_balance: '0.50', normal_balance: '10.00' });
  });
});
