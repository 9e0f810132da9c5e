// The browser host against hostile clients, with the real app behind it (sandbox, journal) and a
// real ws client: a 50 MB frame, a binary or non-object frame, a bad percent-encoding, a foreign
// Host header. Each is refused on its own, and the host goes on serving the next caller.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { MAX_WS_MESSAGE_BYTES, startHost, type RunningHost } from '../../../electron/host/server.js';

let app: RunningApp;
let host: RunningHost;
let dir: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-host-'));
  const rendererDir = join(dir, 'renderer');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>till</title>');
  app = await startApp({ dataDir: join(dir, 'data'), shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01 });
  host = await startHost({ app, rendererDir, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await host?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(): Promise<NodeWebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** One call over a fresh connection; resolves with its result. */
async function call(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const ws = await connect();
  const answer = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
  ws.send(JSON.stringify({ id: 1, channel, payload }));
  const msg = JSON.parse(await answer) as { result: { ok: boolean } };
  ws.close();
  return msg.result;
}

function rawGet(path: string, hostHeader: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers: { host: hostHeader } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host under hostile clients', () => {
  it('a 50 MB frame closes that socket only (1009), logged; the next call is answered', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send(Buffer.alloc(50 * 1024 * 1024, 0x61).toString());
    expect(await closed).toBe(1009);
    expect(logged.some((l) => /closed: .*Max payload size exceeded/i.test(l))).toBe(true);
    expect(50 * 1024 * 1024).toBeGreaterThan(MAX_WS_MESSAGE_BYTES);
    const r = await call('app.info', {});
    expect(r.ok).toBe(true);
  });

  it('a binary frame, JSON null and a JSON array get a typed error; the connection goes on', async () => {
    const ws = await connect();
    const answers: string[] = [];
    ws.on('message', (d) => answers.push(String(d)));
    ws.send(Buffer.from([1, 2, 3]));
    ws.send('null');
    ws.send('[1]');
    ws.send('{not json');
    await expect.poll(() => answers.length, { timeout: 15_000 }).toBe(4);
    for (const a of answers) expect(JSON.parse(a)).toMatchObject({ id: null, result: { ok: false, error: { code: 'invalid_payload' } } });
    ws.close();
    expect((await call('app.info', {})).ok).toBe(true);
  });

  it('a malformed percent-encoded path answers 400, not 500', async () => {
    const r = await rawGet('/%', `127.0.0.1:${host.port}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/percent-encoding/);
    expect((await rawGet('/assets/%E0%A4%A', `127.0.0.1:${host.port}`)).status).toBe(400);
  });

  it('refuses a Host that is not 127.0.0.1 with its port, for pages and for the WebSocket (DNS rebinding)', async () => {
    const page = `/?token=${host.token}`;
    expect((await rawGet(page, `127.0.0.1:${host.port}`)).status).toBe(200);
    for (const h of [`evil.example:${host.port}`, `localhost.evil.example`, `127.0.0.1:1`, `127.0.0.1`]) {
      expect((await rawGet(page, h)).status, h).toBe(421);
    }
    const refused = await new Promise<boolean>((resolve) => {
      const ws = new NodeWebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { origin: host.origin, headers: { host: `rebound.example:${host.port}` } });
      ws.on('open', () => {
        ws.close();
        resolve(false);
      });
      ws.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect((await call('app.info', {})).ok).toBe(true);
  });
});
