// Callbacks to notify_url: signed form, verified by the receiver's side of the gateway room,
// retried on the seed's schedule (scaled) until the body is exactly SUCCESS, at most 8 deliveries.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient, signerFor } from '../../../electron/gateway/client.js';
import { NOTIFY_ACK, parseNotifyForm, verifyNotify } from '../../../electron/gateway/notify.js';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { NOTIFY_RETRY_DELAYS_MS } from '../../../electron/sandbox/notifier.js';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox/server.js';
import { payParams, scanParams, sleep, until } from './fixtures.js';

interface Receiver {
  url: string;
  bodies: string[];
  times: number[];
  close(): Promise<void>;
}
async function receiver(answers: (n: number) => string): Promise<Receiver> {
  const bodies: string[] = [];
  const times: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      times.push(Date.now());
      res.end(answers(bodies.length));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    bodies,
    times,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
async function setup(timeScale: number, answers: (n: number) => string, extra: Parameters<typeof startSandbox>[0] = {}): Promise<{ sb: RunningSandbox; rx: Receiver }> {
  const rx = await receiver(answers);
  const sb = await startSandbox({ timeScale, ...extra });
  cleanups.push(() => rx.close(), () => sb.close());
  return { sb, rx };
}

describe('callbacks', () => {
  it('a paid Alipay scan is called back, signed; retried until exactly SUCCESS', async () => {
    const TIME_SCALE = 0.0001; // 4 min → 24 ms, 10 min → 60 ms
    const { sb, rx } = await setup(TIME_SCALE, (n) => (n === 1 ? 'FAIL' : n === 2 ? 'success' : NOTIFY_ACK));
    const client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
    const { method, params } = scanParams('alipay', sb.merchantNo, 1999, '77', rx.url);
    expect((await client.call(method, params as never)).kind).toBe('ok');
    await until(() => sb.ledger.notifications(String(params['out_trade_no'])).some((n) => n.acknowledged));
    await sleep(150); // no further delivery after SUCCESS
    expect(rx.bodies).toHaveLength(3);
    const log = sb.ledger.notifications(String(params['out_trade_no']));
    expect(log.map((n) => [n.attempt, n.answer, n.acknowledged])).toEqual([[1, 'FAIL', false], [2, 'success', false], [3, 'SUCCESS', true]]);
    // The schedule: the second delivery waits 4 min, the third 10 min (scaled).
    expect(rx.times[1]! - rx.times[0]!).toBeGreaterThanOrEqual(NOTIFY_RETRY_DELAYS_MS[0]! * TIME_SCALE - 2);
    expect(rx.times[2]! - rx.times[1]!).toBeGreaterThanOrEqual(NOTIFY_RETRY_DELAYS_MS[1]! * TIME_SCALE - 2);

    const fields = parseNotifyForm(rx.bodies[0]!)!;
    const verdict = verifyNotify(fields, md5Signer(sb.secret));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.notice).toMatchObject({ out_trade_no: params['out_trade_no'], total_amount: 1999, trade_status: 'TRADE_SUCCESS', state: 'paid' });
    expect(fields['pay_time']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(fields).toMatchObject({ total_amount: '19.99', buyer_pay_amount: '19.99', sign_type: 'MD5' });
    // Tampering is caught: amount changed, or the wrong secret.
    expect(verifyNotify({ ...fields, total_amount: '1999.00' }, md5Signer(sb.secret))).toEqual({ ok: false, reason: 'callback signature does not verify' });
    expect(verifyNotify(fields, md5Signer('other-secret')).ok).toBe(false);
    expect(verifyNotify({ ...fields, sign: '' }, md5Signer(sb.secret))).toEqual({ ok: false, reason: 'callback is not signed' });
  });

  it('gives up after 8 deliveries when never acknowledged', async () => {
    const TIME_SCALE = 0.00001; // the whole 24 h 34 min schedule in about 0.9 s
    const { sb, rx } = await setup(TIME_SCALE, () => 'SUCCESS\n');
    const client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
    const p = payParams('weixin.qr_code_pay', sb.merchantNo, 300, rx.url);
    expect((await client.call('weixin.qr_code_pay', p as never)).kind).toBe('ok');
    expect(sb.customer.pay(String(p['out_trade_no']))).toMatchObject({ ok: true });
    await until(() => rx.bodies.length >= 8, 10_000);
    await sleep(300);
    expect(rx.bodies).toHaveLength(8);
    expect(sb.ledger.notifications(String(p['out_trade_no'])).map((n) => n.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // WeChat callbacks carry the WeChat fields and no trade_status: a verified one means paid.
    const v = verifyNotify(parseNotifyForm(rx.bodies[0]!)!, md5Signer(sb.secret));
    expect(v.ok && v.notice).toMatchObject({ trade_status: null, state: 'paid', total_amount: 300 });
    expect(v.ok && v.notice.fields).toMatchObject({ fee_type: 'CNY', cash_fee: '3.00', trade_type: 'NATIVE' });
  });

  // The first delivery is either held open and never answered (the notifier's timeout ends it) or
  // its connection is dropped; either way it counts as unanswered and the next one is made.
  it.each([
    { what: 'does not answer', first: (_req: IncomingMessage) => undefined, notifyTimeoutMs: 200, answer: /^\(no answer: timeout after 200 ms\)$/ },
    { what: 'drops the connection', first: (req: IncomingMessage) => void req.socket.destroy(), notifyTimeoutMs: undefined, answer: /^\(no answer: / },
  ])('a receiver that $what counts as unanswered and is retried', async ({ first, notifyTimeoutMs, answer }) => {
    let n = 0;
    const rx = createServer((req, res) => {
      n++;
      req.resume();
      if (n >= 2) res.end('SUCCESS');
      else first(req);
    });
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => { rx.closeAllConnections(); rx.close(() => r()); }));
    const sb = await startSandbox({ timeScale: 0.0001, ...(notifyTimeoutMs ? { notifyTimeoutMs } : {}) });
    cleanups.push(() => sb.close());
    const url = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/n`;
    const client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
    const { method, params } = scanParams('alipay', sb.merchantNo, 100, '01', url); // paid 10 s later
    expect((await client.call(method, params as never)).kind).toBe('ok');
    const log = await until(() => {
      const l = sb.ledger.notifications(String(params['out_trade_no']));
      return l.some((x) => x.acknowledged) ? l : null;
    }, 30_000);
    expect(log[0]).toMatchObject({ attempt: 1, httpStatus: null, acknowledged: false });
    expect(log[0]!.answer).toMatch(answer);
    expect(log[1]).toMatchObject({ attempt: 2, httpStatus: 200, acknowledged: true });
  });

  it('a confirming customer pays on time with no query, even when a timer fires before the clock reaches its due time', async () => {
    // Node's timers count from the event loop's cached time, so one can fire before Date.now()
    // reaches its target (by as long as the loop was busy). A clock running at half speed makes
    // that happen every time. The order must still be paid and called back, with no query.
    const t0 = Date.now();
    const rx = await receiver(() => NOTIFY_ACK);
    const sb = await startSandbox({ timeScale: 0.001, now: () => t0 + Math.floor((Date.now() - t0) / 2) });
    cleanups.push(() => rx.close(), () => sb.close());
    const client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
    const { method, params } = scanParams('alipay', sb.merchantNo, 250, '01', rx.url); // paid 10 s (10 ms) later
    expect((await client.call(method, params as never)).kind).toBe('ok');
    await until(() => rx.bodies.length >= 1, 30_000);
    expect(parseNotifyForm(rx.bodies[0]!)).toMatchObject({ out_trade_no: params['out_trade_no'], trade_status: 'TRADE_SUCCESS' });
  });

  it('RSA orders are called back signed with the platform key', async () => {
    const fixtures = new URL('../../fixtures/gateway/', import.meta.url);
    const merchantPriv = readFileSync(new URL('merchant-test-private.pem', fixtures), 'utf8');
    const merchantPub = readFileSync(new URL('merchant-test-public.pem', fixtures), 'utf8');
    const { sb, rx } = await setup(0.001, () => 'SUCCESS', { merchantPublicKeyPem: merchantPub });
    const cfg = { gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'RSA' as const, merchantPrivateKeyPem: merchantPriv, platformPublicKeyPem: sb.platformPublicKeyPem };
    const client = createGatewayClient(cfg);
    const { method, params } = scanParams('alipay', sb.merchantNo, 4321, '88', rx.url);
    expect((await client.call(method, params as never)).kind).toBe('ok');
    await until(() => rx.bodies.length >= 1);
    const v = verifyNotify(parseNotifyForm(rx.bodies[0]!)!, signerFor(cfg));
    expect(v.ok && v.notice).toMatchObject({ total_amount: 4321, state: 'paid' });
    expect(verifyNotify(parseNotifyForm(rx.bodies[0]!)!, md5Signer(sb.secret))).toMatchObject({ ok: false });
  });

  it('a repeated key in a callback form is refused', () => {
    expect(parseNotifyForm('a=1&a=2')).toBeNull();
  });
});
