// Going live, over real HTTP: 连接测试 (settings.checkGateway) against a live-style sandbox and
// fake servers, the check a credentials save runs first, and configuration refusals during a
// payment (10005 from the live profile, a missing sub_appid refused before sending).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { startSandbox, LIVE_PROFILE_IDS, type RunningSandbox } from '../../../electron/sandbox/server.js';
import { answer, encodeAnswer } from '../../../electron/sandbox/protocol.js';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { terminalIpFor } from '../../../electron/app/terminal-ip.js';
import { call, ctx } from './handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 1_000, reconcileIntervalMs: 200, tickMs: 0 };
const SECRET = 'live-secret-0123456789';
const apps: RunningApp[] = [];
const servers: Server[] = [];
let live: RunningSandbox;

beforeAll(async () => {
  live = await startSandbox({ appId: 'live_app', secret: SECRET, merchantNo: 'LM0001', timeScale: 0.01, liveProfile: true });
});
afterAll(async () => {
  await live.close();
  for (const s of servers) await new Promise((r) => s.close(r));
});
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-live-'));
  const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01, engineConfig: FAST });
  apps.push(app);
  return app;
}
/** A server on 127.0.0.1 answering every POST with `body`. */
async function serve(body: string, type = 'application/json'): Promise<string> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/gateway`;
}

const liveValues = () => ({ gatewayUrl: live.gatewayUrl, appId: 'live_app', merchantNo: 'LM0001' });

describe('连接测试 (settings.checkGateway)', () => {
  it('tells apart ok, unknown app id, bad signature, unknown merchant, unreachable and not the gateway', async () => {
    const app = await start();
    const check = (values: Record<string, unknown>, secret = SECRET) => call(app, 'settings.checkGateway', { values, secret, managerPin: '0000' });
    expect(await check(liveValues())).toMatchObject({ result: 'ok', mode: 'production', field: null, terminalIp: terminalIpFor('').ip });
    expect(await check({ ...liveValues(), appId: 'typo_app' })).toMatchObject({ result: 'unknown_app', code: 10001, field: 'appId' });
    expect(await check(liveValues(), 'wrong-secret-000')).toMatchObject({ result: 'bad_sign', code: 10002, field: 'secret' });
    expect(await check({ ...liveValues(), merchantNo: 'LM9999' })).toMatchObject({ result: 'unknown_merchant', code: 10003, field: 'merchantNo' });
    expect(await check({ ...liveValues(), gatewayUrl: 'http://127.0.0.1:9/gateway' })).toMatchObject({ result: 'unreachable', code: null, field: 'gatewayUrl' });
    expect(await check({ ...liveValues(), gatewayUrl: await serve('<html><body>502 Bad Gateway</body></html>', 'text/html') })).toMatchObject({ result: 'not_gateway', field: 'gatewayUrl' });
    // Signed refusals a real gateway gives: IP not allowed, channel closed.
    const signer = md5Signer(SECRET);
    expect(await check({ ...liveValues(), gatewayUrl: await serve(encodeAnswer(answer(10007), signer)) })).toMatchObject({ result: 'ip_denied', code: 10007 });
    expect(await check({ ...liveValues(), gatewayUrl: await serve(encodeAnswer(answer(10012), signer)) })).toMatchObject({ result: 'channel_closed', code: 10012 });
    // The renderer never sees the secret.
    expect(JSON.stringify(await check({ ...liveValues(), appId: 'typo_app' }))).not.toContain(SECRET);
    // A configured terminal IP wins; a bad one is refused by name.
    expect(await check({ ...liveValues(), terminalIp: '192.168.7.20' })).toMatchObject({ result: 'ok', terminalIp: '192.168.7.20', terminalIpSource: 'configured' });
    const bad = await dispatch(app.handlers, 'settings.checkGateway', { values: { terminalIp: '300.1.1.1' }, managerPin: '0000' }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_settings', issues: [{ path: 'terminalIp' }] } });
  });

  it('checks a credentials save before it applies: a typo is refused naming appId, nothing is written', async () => {
    const app = await start();
    const refused = await dispatch(app.handlers, 'settings.save', { values: { ...liveValues(), appId: 'typo_app', secret: SECRET }, managerPin: '0000' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_settings', checkResult: 'unknown_app', gatewayCode: 10001, issues: [{ path: 'appId' }] } });
    expect((await call(app, 'settings.get', {})).values.gatewayUrl).toBe('');
    expect(await call(app, 'app.info', {})).toMatchObject({ gatewayMode: 'sandbox' });
    await call(app, 'settings.save', { values: { ...liveValues(), secret: SECRET }, managerPin: '0000' });
    expect(await call(app, 'app.info', {})).toMatchObject({ gatewayMode: 'production' });
  });
});

describe('configuration refusals during a payment', () => {
  it('shows a missing or wrong sub_appid as a configuration problem, and pays once the real id is set', async () => {
    const app = await start();
    await call(app, 'settings.save', { values: { ...liveValues(), secret: SECRET }, managerPin: '0000' });
    // No sub_appid configured: refused before sending (weixin.scan_qr_code_pay requires it).
    const missing = await call(app, 'checkout.scan', { amountFen: 1000, authCode: '134567890123456700' });
    expect(missing).toMatchObject({ state: 'declined', reasonCode: 'config:10005' });
    expect(live.ledger.order(missing.outTradeNo)).toBeNull();
    // A real-looking but wrong one: the live profile answers 10005.
    await call(app, 'settings.save', { values: { wxSubAppId: 'wx1111111111111111' }, managerPin: '0000' });
    const wrong = await call(app, 'checkout.scan', { amountFen: 1000, authCode: '134567890123456700' });
    expect(wrong).toMatchObject({ state: 'declined', reasonCode: 'config:10005' });
    // The placeholder is refused as a setting.
    const placeholder = await dispatch(app.handlers, 'settings.save', { values: { wxSubAppId: 'wx0000000000000000' }, managerPin: '0000' }, ctx);
    expect(placeholder).toMatchObject({ ok: false, error: { code: 'invalid_settings', issues: [{ path: 'wxSubAppId' }] } });
    await call(app, 'settings.save', { values: { wxSubAppId: LIVE_PROFILE_IDS.subAppId }, managerPin: '0000' });
    const paid = await call(app, 'checkout.scan', { amountFen: 1000, authCode: '134567890123456700' });
    expect(paid).toMatchObject({ state: 'paid', amountFen: 1000 });
    // Alipay takes no WeChat id and pays throughout.
    expect(await call(app, 'checkout.scan', { amountFen: 250, authCode: '2812345678901234500' })).toMatchObject({ state: 'paid' });
  });
});
