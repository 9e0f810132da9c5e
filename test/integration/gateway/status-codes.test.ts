// Every status code the sandbox can produce, produced over HTTP and recognised by the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type GatewayClient } from '../../../electron/gateway/client.js';
import { signEnvelope, formBody } from '../../../electron/gateway/request.js';
import { readAnswer } from '../../../electron/gateway/response.js';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { postBody } from '../../../electron/gateway/transport.js';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../electron/sandbox/server.js';
import { methodSpec } from '../../../shared/methods.js';
import { statusMessage } from '../../../shared/status-codes.js';
import { ACCOUNT, no, payParams, scanParams, sleep } from './fixtures.js';

let sb: RunningSandbox;
let client: GatewayClient;
const started: RunningSandbox[] = [];

beforeAll(async () => {
  sb = await startSandbox({ timeScale: 0.001 });
  client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
});
afterAll(async () => {
  await Promise.all([sb, ...started].map((s) => s.close()));
});

async function sandboxWith(opts: SandboxOptions): Promise<{ s: RunningSandbox; c: GatewayClient }> {
  const s = await startSandbox({ timeScale: 0.001, ...opts });
  started.push(s);
  return { s, c: createGatewayClient({ gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'MD5', secret: s.secret }) };
}

const expectRejected = (o: unknown, code: number) =>
  expect(o).toMatchObject({ kind: 'rejected', code, message: expect.stringContaining(statusMessage(code)) });

describe('produced and recognised', () => {
  it('10001 unknown app_id: unsigned, so unknown — with the code for the settings screen', async () => {
    const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: 'nobody', signType: 'MD5', secret: sb.secret });
    const o = await c.call('merchant.balance', { merchant_no: sb.merchantNo });
    expect(o).toMatchObject({ kind: 'unknown', unsignedCode: 10001, reason: expect.stringContaining('unsigned answer (code 10001)') });
  });

  it('10002 bad signature: a client with the wrong secret cannot even verify the answer', async () => {
    const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: 'wrong-secret-123' });
    const o = await c.call('merchant.balance', { merchant_no: sb.merchantNo });
    expect(o).toMatchObject({ kind: 'unknown', unsignedCode: 10002 });
    expect(JSON.stringify(o)).not.toContain('wrong-secret-123');
  });

  it('10002 bad signature: a request damaged on the way is refused, answer signed', async () => {
    const tamper: typeof fetch = (url, init) => {
      const body = new URLSearchParams(String(init?.body));
      body.set('content', body.get('content')!.replace('"merchant_no"', '"merchant_no" '));
      return fetch(url, { ...init, body: body.toString() });
    };
    const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret, fetchImpl: tamper });
    expectRejected(await c.call('merchant.balance', { merchant_no: sb.merchantNo }), 10002);
  });

  it('10003 another merchant_no', async () => {
    expectRejected(await client.call('merchant.balance', { merchant_no: '99999999999999999999' }), 10003);
  });

  it('10006 channel closed', async () => {
    const { s, c } = await sandboxWith({ channels: { jd: false } });
    expectRejected(await c.call('jd.pay', payParams('jd.pay', s.merchantNo, 100) as never), 10006);
  });

  it('10008 invalid parameter, found by the sandbox (the client is bypassed), naming field and rule', async () => {
    const signer = md5Signer(sb.secret);
    const content = JSON.stringify({ ...scanParams('weixin', sb.merchantNo, 1).params, total_amount: 19.999 });
    const fields = signEnvelope(sb.appId, 'weixin.scan_qr_code_pay', content, signer);
    const sent = await postBody(sb.gatewayUrl, formBody(fields), { timeoutMs: 5000 });
    expect(sent.ok).toBe(true);
    const o = readAnswer(sent.ok ? sent.text : '', signer, 'weixin.scan_qr_code_pay', methodSpec('weixin.scan_qr_code_pay').variants[0]!);
    expect(o).toEqual({
      kind: 'rejected',
      code: 10008,
      message: '无效的参数: total_amount: must be 0.01–100000000 with at most two decimals',
      content: { issues: [{ field: 'total_amount', rule: 'must be 0.01–100000000 with at most two decimals' }] },
    });
  });

  it('10008 found by the client before anything is sent', async () => {
    let sent = 0;
    const counting: typeof fetch = (u, i) => {
      sent++;
      return fetch(u, i);
    };
    const c = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret, fetchImpl: counting });
    const o = await c.call('weixin.scan_qr_code_pay', { ...scanParams('weixin', sb.merchantNo, 1).params, auth_code: '999' } as never);
    expect(o).toMatchObject({ kind: 'rejected', code: 10008, message: expect.stringMatching(/^auth_code: not a WeChat/), content: { local: true } });
    expect(sent).toBe(0);
  });

  it('10012 trading closed', async () => {
    const { s, c } = await sandboxWith({ tradingClosed: true });
    expectRejected(await c.call('merchant.balance', { merchant_no: s.merchantNo }), 10012);
  });

  it('12001 duplicate order, 12002 unknown order', async () => {
    const { method, params } = scanParams('weixin', sb.merchantNo, 100);
    expect((await client.call(method, params as never)).kind).toBe('ok');
    expectRejected(await client.call(method, params as never), 12001);
    expectRejected(await client.call('trade.query', { merchant_no: sb.merchantNo, out_trade_no: no('NONE') }), 12002);
  });

  it('12003 refund number reused for another refund; the same refund retried is answered again', async () => {
    const a = scanParams('weixin', sb.merchantNo, 1000);
    const b = scanParams('alipay', sb.merchantNo, 1000);
    await client.call(a.method, a.params as never);
    await client.call(b.method, b.params as never);
    const rno = no('R');
    const first = await client.call('trade.refund', { out_trade_no: String(a.params['out_trade_no']), out_refund_no: rno, refund_fee: 100 });
    expect(first.kind).toBe('ok');
    const again = await client.call('trade.refund', { out_trade_no: String(a.params['out_trade_no']), out_refund_no: rno, refund_fee: 100 });
    expect(again).toEqual(first);
    expect(sb.ledger.refunds(String(a.params['out_trade_no']))).toHaveLength(1);
    expectRejected(await client.call('trade.refund', { out_trade_no: String(b.params['out_trade_no']), out_refund_no: rno }), 12003);
    expectRejected(await client.call('trade.refund', { out_trade_no: String(a.params['out_trade_no']), out_refund_no: rno, refund_fee: 200 }), 12003);
  });

  it('13001 method not permitted', async () => {
    const { s, c } = await sandboxWith({ forbiddenMethods: ['merchant.withdraw'] });
    expectRejected(await c.call('merchant.withdraw', { merchant_no: s.merchantNo, out_trade_no: no('W'), amount: 100, ...ACCOUNT }), 13001);
  });

  it('14001 refund of an unpaid order', async () => {
    const p = payParams('weixin.qr_code_pay', sb.merchantNo, 100);
    await client.call('weixin.qr_code_pay', p as never);
    expectRejected(await client.call('trade.refund', { out_trade_no: String(p['out_trade_no']), out_refund_no: no('R') }), 14001);
  });

  it('14500 refund after the refund window', async () => {
    const { s, c } = await sandboxWith({ refundWindowMs: 5_000 }); // 5 sandbox s = 5 ms
    const { method, params } = scanParams('alipay', s.merchantNo, 100);
    await c.call(method, params as never);
    await sleep(20);
    expectRejected(await c.call('trade.refund', { out_trade_no: String(params['out_trade_no']), out_refund_no: no('R') }), 14500);
  });

  it('15001 UnionPay not configured, 15002 product missing', async () => {
    const off = await sandboxWith({ channels: { unionpay: false } });
    expectRejected(await off.c.call('unionpay.gateway', payParams('unionpay.gateway', off.s.merchantNo, 100) as never), 15001);
    expectRejected(await off.c.call('unionpay.withdraw_balance_query', {}), 15001);
    const some = await sandboxWith({ unionpayProducts: ['gateway'] });
    expect((await some.c.call('unionpay.gateway', payParams('unionpay.gateway', some.s.merchantNo, 100) as never)).kind).toBe('ok');
    expectRejected(await some.c.call('unionpay.wap', payParams('unionpay.wap', some.s.merchantNo, 100) as never), 15002);
  });

  it('15501 withdrawal running, 15502 not configured, 15503 balance too low', async () => {
    const { s, c } = await sandboxWith({ openingBalanceFen: 10_000 });
    expectRejected(await c.call('merchant.withdraw', { merchant_no: s.merchantNo, out_trade_no: no('W'), amount: 9_900, ...ACCOUNT }), 15503);
    expect((await c.call('merchant.withdraw', { merchant_no: s.merchantNo, out_trade_no: no('W'), amount: 1_000, ...ACCOUNT })).kind).toBe('ok');
    expectRejected(await c.call('unionpay.withdraw', { out_trade_no: no('W'), amount: 1_000, ...ACCOUNT }), 15501);
    const nc = await sandboxWith({ withdrawConfigured: false });
    expectRejected(await nc.c.call('merchant.withdraw', { merchant_no: nc.s.merchantNo, out_trade_no: no('W'), amount: 1, ...ACCOUNT }), 15502);
  });

  it('1000 system error (scenario 05)', async () => {
    const { method, params } = scanParams('alipay', sb.merchantNo, 100, '05');
    expectRejected(await client.call(method, params as never), 1000);
  });
});
