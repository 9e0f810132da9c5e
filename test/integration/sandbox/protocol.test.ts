// The sandbox's envelope handling with hand-made requests (no client): JSON bodies, upper-case
// signatures, unknown business parameters, and every envelope fault answered with a clear message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formBody, signEnvelope } from '../../../electron/gateway/request.js';
import { md5Signer, verifyMd5 } from '../../../electron/gateway/sign.js';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox/server.js';
import { MAX_REQUEST_BYTES } from '../../../electron/sandbox/protocol.js';

let sb: RunningSandbox;
beforeAll(async () => {
  sb = await startSandbox({ timeScale: 0.001 });
});
afterAll(() => sb.close());

async function send(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const res = await fetch(sb.gatewayUrl, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status: res.status, json: null };
  }
}
const balanceContent = () => JSON.stringify({ merchant_no: sb.merchantNo });
let scans = 0;
/** A WeChat scan payment's content (paid at once), with the fields a test wants changed. */
const scanContent = (over: Record<string, unknown>) =>
  JSON.stringify({
    merchant_no: sb.merchantNo, out_trade_no: `PROTO${Date.now()}_${++scans}`, order_name: 'x', auth_code: '134567890123456777',
    sub_appid: 'wx1234567890abcdef', spbill_create_ip: '127.0.0.1', total_amount: 1, ...over,
  });
const signed = (method: string, content: string, extra: Record<string, string> = {}) => {
  const f = { ...signEnvelope(sb.appId, method, content, md5Signer(sb.secret)), ...extra };
  if (Object.keys(extra).some((k) => k !== 'sign')) f['sign'] = md5Signer(sb.secret).sign(f);
  return f;
};

describe('sandbox envelope', () => {
  it('accepts the same fields as a JSON object, and answers signed', async () => {
    const r = await send(JSON.stringify(signed('merchant.balance', balanceContent())), 'application/json');
    expect(r.json).toMatchObject({ code: 0, msg: '成功', sign_type: 'MD5' });
    const { sign, sign_type: _t, ...rest } = r.json!;
    expect(verifyMd5(rest as Record<string, string>, sb.secret, sign)).toBe(true);
  });

  it('compares signatures case-insensitively', async () => {
    const f = signed('merchant.balance', balanceContent());
    f['sign'] = f['sign']!.toUpperCase();
    expect((await send(formBody(f))).json).toMatchObject({ code: 0 });
  });

  it('ignores unknown business parameters', async () => {
    const r = await send(formBody(signed('merchant.balance', JSON.stringify({ merchant_no: sb.merchantNo, colour: 'blue' }))));
    expect(r.json).toMatchObject({ code: 0 });
  });

  it.each([
    ['an unknown method', () => signed('weixin.nope', '{}'), 13001, 'method: unknown method "weixin.nope"'],
    ['total_amount as a string', () => signed('weixin.scan_qr_code_pay', scanContent({ total_amount: '1.00' })), 10008, 'total_amount: must be 0.01–100000000 with at most two decimals (a JSON number, not a string)'],
    ['another version', () => signed('merchant.balance', balanceContent(), { version: '2.0' }), 10008, 'version: must be 1.0'],
    ['content that is not a JSON object', () => signed('merchant.balance', '[1]'), 10008, 'content: must be a JSON object string'],
    ['a missing parameter', () => signed('merchant.balance', '{}'), 10008, 'merchant_no: is required'],
    ['sign_type SHA1', () => signed('merchant.balance', balanceContent(), { sign_type: 'SHA1' }), 10008, 'sign_type: must be "MD5" or "RSA"'],
    ['RSA without a merchant key configured', () => signed('merchant.balance', balanceContent(), { sign_type: 'RSA' }), 10002, 'RSA is not configured'],
    ['a signature over other fields', () => ({ ...signed('merchant.balance', balanceContent()), version: '1.0 ' }), 10002, '无效的签名'],
  ])('%s → %i', async (_name, build, code, text) => {
    const r = await send(formBody(build()));
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ code });
    expect(String(r.json!['msg'])).toContain(text);
    expect(r.json!['sign']).toBeTruthy(); // the app is known: signed
  });

  it('total_amount as a JSON number is taken (the same request as the refused string one)', async () => {
    expect((await send(formBody(signed('weixin.scan_qr_code_pay', scanContent({ total_amount: 1 }))))).json).toMatchObject({ code: 0 });
  });

  it('trade.query without merchant_no is refused for a non-UnionPay order, naming merchant_no', async () => {
    const content = JSON.parse(scanContent({ total_amount: 2.5 })) as { out_trade_no: string };
    expect((await send(formBody(signed('weixin.scan_qr_code_pay', JSON.stringify(content))))).json).toMatchObject({ code: 0 });
    const r = await send(formBody(signed('trade.query', JSON.stringify({ out_trade_no: content.out_trade_no }))));
    expect(r.json).toMatchObject({ code: 10008 });
    expect(String(r.json!['msg'])).toContain('merchant_no: required');
    const ok = await send(formBody(signed('trade.query', JSON.stringify({ merchant_no: sb.merchantNo, out_trade_no: content.out_trade_no }))));
    expect(ok.json).toMatchObject({ code: 0 });
  });

  it('an unknown app is answered unsigned', async () => {
    const r = await send(formBody({ ...signed('merchant.balance', balanceContent()), app_id: 'stranger' }));
    expect(r.json).toEqual({ code: 10001, msg: '无效的APPID' });
  });

  it('a body that is neither form nor JSON object, a huge body, and GET are refused', async () => {
    expect((await send('[1,2]', 'application/json')).json).toMatchObject({ code: 10008 });
    expect((await send('x'.repeat(MAX_REQUEST_BYTES + 1))).status).toBe(413);
    expect((await fetch(sb.gatewayUrl)).status).toBe(405);
    expect((await fetch(`${sb.baseUrl}/nowhere`)).status).toBe(404);
  });
});
