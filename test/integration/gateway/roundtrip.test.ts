// Every method of the document, client ↔ sandbox over real HTTP on 127.0.0.1.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type GatewayClient, type GatewayOutcome } from '../../../electron/gateway/client.js';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox/server.js';
import type { MethodName } from '../../../shared/methods.js';
import { ACCOUNT, LINK_METHODS, no, payParams, scanParams, sleep, until } from './fixtures.js';

let sb: RunningSandbox;
let client: GatewayClient;
// One sandbox second = 2 real ms: the 10 s customer takes 20 ms, the 30 s slow answer 60 ms.
const TIME_SCALE = 0.002;

beforeAll(async () => {
  sb = await startSandbox({ timeScale: TIME_SCALE });
  client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret, timeoutMs: 5000 });
});
afterAll(async () => {
  await sb.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = (m: MethodName, p: Record<string, unknown>, o?: { timeoutMs?: number }) => client.call(m, p as any, o) as Promise<GatewayOutcome<Record<string, unknown>>>;
function okResult(o: GatewayOutcome<Record<string, unknown>>): Record<string, unknown> {
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(o)}`);
  return o.result;
}
const query = (outTradeNo: string, unionpay = false) => call('trade.query', unionpay ? { out_trade_no: outTradeNo } : { merchant_no: sb.merchantNo, out_trade_no: outTradeNo });

describe('QR and link methods (12), the wallet page and trade.query', () => {
  it.each(LINK_METHODS.map((m) => [m]))('%s: URL of the sandbox → wallet page → 付款 → paid', async (method) => {
    const params = payParams(method, sb.merchantNo, 1234);
    const r = okResult(await call(method, params));
    expect(r['out_trade_no']).toBe(params['out_trade_no']);
    expect(r['total_amount']).toBe(1234);
    const url = String(r['pay_url'] ?? r['qr_code'] ?? r['code_url']);
    expect(url.startsWith(`${sb.baseUrl}/pay/`)).toBe(true);
    if (method === 'weixin.mppay') expect(r['pay_info']).toMatchObject({ signType: 'MD5', package: expect.stringMatching(/^prepay_id=/) });
    if (method === 'alipay.h5_pay') expect(r['tradeNo']).toBeTruthy();

    const page = await fetch(url);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('¥12.34');
    expect(html).toContain(sb.merchantName);
    expect(html).toContain('付款');
    expect(html).toContain('取消');

    const unionpay = method.startsWith('unionpay.');
    expect(okResult(await query(String(params['out_trade_no']), unionpay))['state']).toBe('pending');
    const posted = await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) });
    expect(posted.status).toBe(200);
    const after = okResult(await query(String(params['out_trade_no']), unionpay));
    expect(after['state']).toBe('paid');
    expect(after['total_amount']).toBe(1234);
    expect(after['net_receipt_amount']).toBe(1234 - 5); // 0.38% of 12.34 = 0.0469 → 0.05
    expect(after['pay_time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(sb.ledger.order(String(params['out_trade_no']))?.state).toBe('paid');
    // A second press does nothing.
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'cancel' }) })).status).toBe(409);
  });

  it('取消 closes the order; the page then shows no buttons', async () => {
    const params = payParams('alipay.qr_code_pay', sb.merchantNo, 500);
    const url = String(okResult(await call('alipay.qr_code_pay', params))['qr_code']);
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'cancel' }) })).status).toBe(200);
    const q = okResult(await query(String(params['out_trade_no'])));
    expect(q).toMatchObject({ trade_status: 'TRADE_CLOSED', state: 'closed', pay_time: null });
    const html = await (await fetch(url)).text();
    expect(html).not.toContain('<button');
    expect((await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'dance' }) })).status).toBe(400);
    expect((await fetch(`${sb.baseUrl}/pay/${'0'.repeat(24)}`)).status).toBe(404);
  });

  it('an unpaid QR order closes after its lifetime (2 h sandbox)', async () => {
    const fast = await startSandbox({ timeScale: 0.000001 }); // 2 h → 7 ms
    try {
      const c = createGatewayClient({ gatewayUrl: fast.gatewayUrl, appId: fast.appId, signType: 'MD5', secret: fast.secret });
      const params = payParams('jd.pay', fast.merchantNo, 100);
      expect((await c.call('jd.pay', params as never)).kind).toBe('ok');
      await sleep(30);
      const q = await c.call('trade.query', { merchant_no: fast.merchantNo, out_trade_no: String(params['out_trade_no']) });
      expect(q.kind === 'ok' && q.result).toMatchObject({ trade_status: '9', state: 'closed' });
    } finally {
      await fast.close();
    }
  });
});

describe('scan payments follow the scenario table, WeChat and Alipay alike', () => {
  for (const channel of ['weixin', 'alipay'] as const) {
    const paid = channel === 'weixin' ? 'SUCCESS' : 'TRADE_SUCCESS';
    const waiting = channel === 'weixin' ? 'USERPAYING' : 'WAIT_BUYER_PAY';

    it(`${channel}: any other suffix is paid at once`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 1999, '77');
      const r = okResult(await call(method, params));
      expect(r).toMatchObject({ trade_status: paid, state: 'paid', total_amount: 1999 });
      expect(r['trade_no']).toBeTruthy();
    });

    it(`${channel}: 01 waits for the customer, then paid 10 s later`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '01');
      expect(okResult(await call(method, params))).toMatchObject({ trade_status: waiting, state: 'pending' });
      await until(async () => okResult(await query(String(params['out_trade_no'])))['state'] === 'paid');
    });

    it(`${channel}: 02 waits, then the customer cancels: closed, never paid`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '02');
      expect(okResult(await call(method, params))).toMatchObject({ state: 'pending' });
      const q = await until(async () => {
        const r = okResult(await query(String(params['out_trade_no'])));
        return r['state'] === 'closed' ? r : null;
      });
      expect(q['pay_time']).toBeNull();
      expect(sb.ledger.order(String(params['out_trade_no']))?.paidAt).toBeNull();
    });

    it(`${channel}: 03 is declined at once`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '03');
      expect(okResult(await call(method, params))).toMatchObject({ state: 'declined' });
      expect(sb.ledger.order(String(params['out_trade_no']))?.state).toBe('declined');
    });

    it(`${channel}: 04 charges but answers too late: unknown, and the query says paid`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '04');
      const r = await call(method, params, { timeoutMs: 25 }); // the answer comes after 60 ms
      expect(r).toEqual({ kind: 'unknown', reason: 'no answer within 25 ms' });
      expect(okResult(await query(String(params['out_trade_no'])))['state']).toBe('paid');
    });

    it(`${channel}: 05 charges but answers 1000`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '05');
      const r = await call(method, params);
      expect(r).toMatchObject({ kind: 'rejected', code: 1000 });
      expect(okResult(await query(String(params['out_trade_no'])))['state']).toBe('paid');
    });

    it(`${channel}: 06 is an expired or used code: 10008, no order`, async () => {
      const { method, params } = scanParams(channel, sb.merchantNo, 2000, '06');
      const r = await call(method, params);
      expect(r).toMatchObject({ kind: 'rejected', code: 10008, message: expect.stringContaining('auth_code') });
      expect(await query(String(params['out_trade_no']))).toMatchObject({ kind: 'rejected', code: 12002 });
    });
  }
});

describe('refunds and reversals', () => {
  it('trade.refund: partial, then the rest without refund_fee; net and fee exact', async () => {
    const { method, params } = scanParams('weixin', sb.merchantNo, 10000);
    okResult(await call(method, params));
    const otn = String(params['out_trade_no']);
    const r1 = okResult(await call('trade.refund', { out_trade_no: otn, out_refund_no: no('R'), refund_fee: 2550 }));
    // fee 38 fen; 25.50 refunded gives back round(38 × 2550 / 10000) = 10 fen → net 9962 − 2540
    expect(r1).toMatchObject({ refund_status: 'REFUND_SUCCESS', refund_state: 'succeeded', refund_fee: 2550, net_receipt_amount: 9962 - 2540, total_amount: 10000 });
    const r2 = okResult(await call('trade.refund', { out_trade_no: otn, out_refund_no: no('R') }));
    expect(r2).toMatchObject({ refund_fee: 7450, net_receipt_amount: 0 });
    const q = okResult(await query(otn));
    expect(q).toMatchObject({ trade_status: 'REFUND', state: 'paid', net_receipt_amount: 0 });
    expect(sb.ledger.order(otn)?.refunds.map((r) => r.amountFen)).toEqual([2550, 7450]);
  });

  it('trade.refund [银联]: a UnionPay order is refunded whole with refund_reason', async () => {
    const params = payParams('unionpay.wap', sb.merchantNo, 8800);
    okResult(await call('unionpay.wap', params));
    const otn = String(params['out_trade_no']);
    expect(sb.customer.pay(otn)).toMatchObject({ ok: true, state: 'paid' });
    const r = okResult(await call('trade.refund', { out_trade_no: otn, out_refund_no: no('R'), refund_reason: '退货' }));
    expect(r).toMatchObject({ out_trade_no: otn, total_amount: 8800, refund_fee: 8800 });
    const q = okResult(await query(otn, true));
    expect(q).toMatchObject({ trade_status: '04', state: 'paid' });
    expect(q['pay_time']).toMatch(/T/);
    // Without refund_reason the UnionPay order is refused, naming the field.
    expect(await call('trade.refund', { out_trade_no: otn, out_refund_no: no('R') })).toMatchObject({ kind: 'rejected', code: 10008, message: expect.stringContaining('refund_reason') });
  });

  it('trade.reverse: a waiting order is closed; a paid order is refunded', async () => {
    const waiting = scanParams('alipay', sb.merchantNo, 3000, '01');
    const w = okResult(await call(waiting.method, waiting.params));
    const rw = okResult(await call('trade.reverse', { out_trade_no: String(waiting.params['out_trade_no']), trade_no: String(w['trade_no']) }));
    expect(rw).toMatchObject({ trade_status: 'TRADE_CLOSED', state: 'closed' });
    await sleep(40); // past the customer's 10 s: a reversed order stays closed
    expect(okResult(await query(String(waiting.params['out_trade_no'])))['state']).toBe('closed');

    const paid = scanParams('weixin', sb.merchantNo, 4200);
    const p = okResult(await call(paid.method, paid.params));
    const otn = String(paid.params['out_trade_no']);
    const rp = okResult(await call('trade.reverse', { out_trade_no: otn, trade_no: String(p['trade_no']) }));
    expect(rp).toMatchObject({ trade_status: 'REVOKED', state: 'refunded' });
    expect(okResult(await query(otn))).toMatchObject({ trade_status: 'REVOKED', state: 'refunded', net_receipt_amount: 0 });
    expect(sb.ledger.refunds(otn)).toMatchObject([{ kind: 'reverse', amountFen: 4200 }]);
    // Reversing again is answered the same, and moves no more money.
    expect(okResult(await call('trade.reverse', { out_trade_no: otn, trade_no: String(p['trade_no']) }))['state']).toBe('refunded');
    expect(sb.ledger.refunds(otn)).toHaveLength(1);
  });
});

describe('withdrawals and balances', () => {
  it('merchant.withdraw, merchant.withdraw_query, merchant.balance, and the UnionPay trio', async () => {
    const s = await startSandbox({ timeScale: 0.001, openingBalanceFen: 100_000, withdrawFeeFen: 200, withdrawAfterMs: 60_000 });
    try {
      const c = createGatewayClient({ gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'MD5', secret: s.secret });
      const bal0 = await c.call('merchant.balance', { merchant_no: s.merchantNo });
      expect(bal0).toEqual({ kind: 'ok', result: { balance: 100_000, freeze: 0, unliquidated: 0 } });

      const w1 = no('W');
      const r = await c.call('merchant.withdraw', { merchant_no: s.merchantNo, out_trade_no: w1, amount: 30_000, ...ACCOUNT, account_attr: 0 });
      expect(r).toEqual({ kind: 'ok', result: { out_trade_no: w1, total_amount: 30_000 } });
      expect(await c.call('merchant.balance', { merchant_no: s.merchantNo })).toEqual({ kind: 'ok', result: { balance: 69_800, freeze: 30_200, unliquidated: 0 } });
      const up = await c.call('unionpay.withdraw_balance_query', {});
      expect(up).toEqual({ kind: 'ok', result: { withdraw_balance: 100_000, freeze_balance: 30_200, normal_balance: 69_800 } });
      const q1 = await c.call('merchant.withdraw_query', { merchant_no: s.merchantNo, out_trade_no: w1 });
      expect(q1.kind === 'ok' && q1.result).toMatchObject({ amount: 30_000, fee: 200, trade_status: 0, withdraw_state: 'processing', bank_account_no: ACCOUNT.bakn_account_no });
      // A second withdrawal while one runs: 15501.
      expect(await c.call('unionpay.withdraw', { out_trade_no: no('W'), amount: 100, ...ACCOUNT })).toMatchObject({ kind: 'rejected', code: 15501 });

      s.ledger.completeWithdrawals();
      const q2 = await c.call('merchant.withdraw_query', { merchant_no: s.merchantNo, out_trade_no: w1 });
      expect(q2.kind === 'ok' && q2.result).toMatchObject({ trade_status: 1, withdraw_state: 'paid' });
      expect(await c.call('unionpay.withdraw_query', { out_trade_no: w1 })).toMatchObject({ kind: 'rejected', code: 12002 });

      const w2 = no('W');
      expect(await c.call('unionpay.withdraw', { out_trade_no: w2, amount: 10_000, ...ACCOUNT, account_attr: 1, bank_code: '102100099996', bank_name: '工商银行' })).toEqual({ kind: 'ok', result: { out_trade_no: w2, total_amount: 10_000 } });
      await sleep(60_000 * 0.001 + 20); // the withdrawal takes 1 min sandbox
      const q3 = await c.call('unionpay.withdraw_query', { out_trade_no: w2 });
      expect(q3.kind === 'ok' && q3.result).toMatchObject({ trade_status: 1, withdraw_state: 'paid', bank_code: '102100099996', bank_name: '工商银行' });
      expect(await c.call('merchant.balance', { merchant_no: s.merchantNo })).toEqual({ kind: 'ok', result: { balance: 100_000 - 30_200 - 10_200, freeze: 0, unliquidated: 0 } });
      // More than what is left: 15503.
      expect(await c.call('merchant.withdraw', { merchant_no: s.merchantNo, out_trade_no: no('W'), amount: 59_500, ...ACCOUNT })).toMatchObject({ kind: 'rejected', code: 15503 });
    } finally {
      await s.close();
    }
  });
});

describe('RSA (SHA256withRSA) end to end', () => {
  it('signs requests with the merchant key and verifies answers with the platform key', async () => {
    const fixtures = new URL('../../fixtures/gateway/', import.meta.url);
    const merchantPriv = readFileSync(new URL('merchant-test-private.pem', fixtures), 'utf8');
    const merchantPub = readFileSync(new URL('merchant-test-public.pem', fixtures), 'utf8');
    const platformPriv = readFileSync(new URL('platform-test-private.pem', fixtures), 'utf8');
    const s = await startSandbox({ merchantPublicKeyPem: merchantPub, platformPrivateKeyPem: platformPriv });
    try {
      const c = createGatewayClient({ gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'RSA', merchantPrivateKeyPem: merchantPriv, platformPublicKeyPem: s.platformPublicKeyPem });
      const { params } = scanParams('alipay', s.merchantNo, 999);
      const r = await c.call('alipay.scan_qr_code_pay', params as never);
      expect(r.kind === 'ok' && r.result).toMatchObject({ state: 'paid', total_amount: 999 });
      // Answers are verified with the platform key: a client holding another key sees unknown.
      const wrong = createGatewayClient({ gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'RSA', merchantPrivateKeyPem: merchantPriv, platformPublicKeyPem: merchantPub });
      const q = await wrong.call('trade.query', { merchant_no: s.merchantNo, out_trade_no: String(params['out_trade_no']) });
      expect(q).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('signature does not verify') });
      // A request signed with another private key: 10002 (signed, so recognised).
      const impostor = createGatewayClient({ gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'RSA', merchantPrivateKeyPem: platformPriv, platformPublicKeyPem: s.platformPublicKeyPem });
      expect(await impostor.call('merchant.balance', { merchant_no: s.merchantNo })).toMatchObject({ kind: 'rejected', code: 10002 });
    } finally {
      await s.close();
    }
  });
});
