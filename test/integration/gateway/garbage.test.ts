// Garbage answers from a real HTTP server on 127.0.0.1: every one is `unknown` with a reason,
// nothing throws, and the secret never shows.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type GatewayClient } from '../../../electron/gateway/client.js';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { MAX_RESPONSE_BYTES } from '../../../electron/gateway/transport.js';
import { encodeAnswer } from '../../../electron/sandbox/protocol.js';

const SECRET = 'garbage-test-secret-7f3a';
const signer = md5Signer(SECRET);
let server: Server;
let url = '';
let reply: (res: ServerResponse) => void = () => undefined;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => reply(res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const json = (res: ServerResponse, body: string, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};
const goodContent = JSON.stringify({ balance: 1, freeze: 0, unliquidated: 0 });
const signed = (fields: Record<string, string | number>) => JSON.stringify({ ...fields, sign_type: 'MD5', sign: signer.sign(fields) });

let fetchImpl: typeof fetch | undefined;
function clientFor(timeoutMs = 2000): GatewayClient {
  return createGatewayClient({ gatewayUrl: url, appId: 'app', signType: 'MD5', secret: SECRET, timeoutMs, ...(fetchImpl ? { fetchImpl } : {}) });
}
async function balanceWith(handler: (res: ServerResponse) => void, opts: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  reply = handler;
  const o = await clientFor(opts.timeoutMs).call('merchant.balance', { merchant_no: 'M1' }, opts.signal ? { signal: opts.signal } : {});
  expect(JSON.stringify(o)).not.toContain(SECRET);
  return o;
}

// Both transports: node:http (the default) and fetch (when a fetchImpl is configured).
describe.each([['node:http', undefined], ['fetch', fetch]] as const)('garbage answers are unknown, with a reason (%s)', (_t, impl) => {
  beforeAll(() => {
    fetchImpl = impl;
  });

  it('sanity: a good signed answer is ok', async () => {
    expect(await balanceWith((res) => json(res, signed({ code: 0, msg: '成功', content: goodContent })))).toEqual({ kind: 'ok', result: { balance: 100, freeze: 0, unliquidated: 0 } }); // 1 yuan = 100 fen
  });

  it.each([
    ['an HTML error page', (res: ServerResponse) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body><h1>502 Bad Gateway</h1></body></html>'); }, 'answer is not JSON: "<html><body><h1>502 Bad Gateway'],
    ['truncated JSON', (res: ServerResponse) => json(res, signed({ code: 0, msg: '成功', content: goodContent }).slice(0, 40)), 'answer is not JSON'],
    ['a JSON array', (res: ServerResponse) => json(res, '[1,2]'), 'answer is not a JSON object'],
    ['a JSON object without code', (res: ServerResponse) => json(res, '{"msg":"ok"}'), 'answer has no numeric code'],
    ['an unsigned code 0', (res: ServerResponse) => json(res, JSON.stringify({ code: 0, msg: '成功', content: goodContent })), 'unsigned answer (code 0)'],
    ['a wrong signature', (res: ServerResponse) => json(res, JSON.stringify({ code: 0, msg: '成功', content: goodContent, sign_type: 'MD5', sign: 'f'.repeat(32) })), 'answer signature does not verify (code 0)'],
    ['a signature over other content', (res: ServerResponse) => json(res, JSON.stringify({ ...JSON.parse(signed({ code: 0, msg: '成功', content: goodContent })), content: goodContent.replace('"balance":1', '"balance":100') })), 'answer signature does not verify'],
    ['a signature of another type', (res: ServerResponse) => json(res, JSON.stringify({ code: 0, msg: '成功', content: goodContent, sign_type: 'RSA', sign: 'abc' })), 'answer signed with RSA, expected MD5'],
    ['content as an object, not a string', (res: ServerResponse) => json(res, JSON.stringify({ code: 0, msg: '成功', content: { balance: 1 }, sign: 'x' })), 'answer field content is not a plain value'],
    ['signed but missing fields', (res: ServerResponse) => json(res, signed({ code: 0, msg: '成功', content: JSON.stringify({ balance: 1 }) })), 'code 0 answer with bad content: freeze: is missing from the answer; unliquidated: is missing from the answer'],
    ['signed with an amount of three decimals', (res: ServerResponse) => json(res, signed({ code: 0, msg: '成功', content: JSON.stringify({ balance: 1.001, freeze: 0, unliquidated: 0 }) })), 'balance: must be a non-negative amount'],
    ['signed with content that is not JSON', (res: ServerResponse) => json(res, signed({ code: 0, msg: '成功', content: '{"balance":' })), 'code 0 answer without a JSON object in content'],
    ['HTTP 500', (res: ServerResponse) => json(res, signed({ code: 0, msg: '成功', content: goodContent }), 500), 'HTTP 500 from the gateway'],
    ['HTTP 404 HTML', (res: ServerResponse) => { res.writeHead(404); res.end('<h1>not found</h1>'); }, 'HTTP 404 from the gateway'],
    ['invalid UTF-8', (res: ServerResponse) => { res.writeHead(200); res.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])); }, 'answer is not valid UTF-8'],
    ['a huge body with content-length', (res: ServerResponse) => json(res, `{"pad":"${'x'.repeat(MAX_RESPONSE_BYTES + 10)}"}`), `exceeds ${MAX_RESPONSE_BYTES} bytes`],
    ['a huge chunked body', (res: ServerResponse) => { res.writeHead(200, { 'content-type': 'application/json' }); for (let i = 0; i < 20; i++) res.write('x'.repeat(100_000)); res.end(); }, `answer exceeds ${MAX_RESPONSE_BYTES} bytes`],
    ['a connection dropped mid-answer', (res: ServerResponse) => { res.writeHead(200, { 'content-length': '1000' }); res.write('{"code":0,'); setTimeout(() => res.socket?.destroy(), 5); }, 'transport error'],
    ['a connection closed without an answer', (res: ServerResponse) => res.socket?.destroy(), 'transport error'],
  ])('%s', async (_name, handler, reason) => {
    const o = await balanceWith(handler);
    expect(o.kind).toBe('unknown');
    expect(o.kind === 'unknown' && o.reason).toContain(reason);
  });

  it('a signed non-zero code is rejected, with the content details', async () => {
    const o = await balanceWith((res) => json(res, signed({ code: 12002, msg: '未找到订单信息', content: '{"x":1}' })));
    expect(o).toEqual({ kind: 'rejected', code: 12002, message: '未找到订单信息', content: { x: 1 } });
    const empty = await balanceWith((res) => json(res, signed({ code: 14001, msg: '' })));
    expect(empty).toEqual({ kind: 'rejected', code: 14001, message: '订单还未支付', content: null });
  });

  it('an answer that never comes: unknown after the timeout', async () => {
    const o = await balanceWith(() => undefined, { timeoutMs: 50 });
    expect(o).toEqual({ kind: 'unknown', reason: 'no answer within 50 ms' });
  });

  it('a caller that aborts: unknown', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const o = await balanceWith(() => undefined, { signal: ac.signal });
    expect(o).toEqual({ kind: 'unknown', reason: 'aborted by the caller' });
  });

  it('nobody listening: unknown with the socket error', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = createGatewayClient({ gatewayUrl: `http://127.0.0.1:${port}/gateway`, appId: 'app', signType: 'MD5', secret: SECRET, ...(fetchImpl ? { fetchImpl } : {}) });
    const o = await c.call('merchant.balance', { merchant_no: 'M1' });
    expect(o).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('the encoder of the sandbox and the reader of the client agree on code text', () => {
    // numbers are signed as their decimal text: {"code":0} and {"code":"0"} sign the same
    const text = encodeAnswer({ code: 0, msg: '成功', content: { balance: 1, freeze: 0, unliquidated: 0 } }, signer);
    const asString = JSON.stringify({ ...JSON.parse(text), code: '0' });
    expect(JSON.parse(text).sign).toBe(signer.sign({ code: '0', msg: '成功', content: goodContent }));
    expect(asString).toContain('"code":"0"');
  });
});
