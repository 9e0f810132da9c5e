// Scan terminator → first byte of the payment request at the gateway, the whole way a cashier's
// scan goes in the browser host: a real pty (socat) as the serial gun, the ScannerManager, the
// event to the cashier screen in Chromium over the WebSocket, the screen's checkout.scan back,
// the engine journaling the order (one fsync), signing and sending. A TCP relay in front of the
// sandbox (its own process) notes when each request's first byte arrives, on this process's clock.
// Goal: one fsync + 1 ms at p50 (the fsync measured in the same run); p99 within 10 ms of it.
// The parts are printed too: the pty and the scanner room, the screen's round trip over the
// WebSocket, and the main process from the handler to the wire.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { launchBrowser, TILL_VIEWPORT } from '../e2e/browser.js';
import { runHostedTill } from '../../electron/host/run.js';
import { createFileLog } from '../../electron/log/file-log.js';
import { killAllSocat, startPtyPair } from '../integration/scanner/socat.js';
import { percentile, sorted, type BenchLine } from './harness.js';
import { BENCH_APP_ID, BENCH_MERCHANT_NO, BENCH_SECRET, startSandboxProcess } from './sandbox-process.js';
import { tmpdir } from 'node:os';

const SCANS = 40;
const WARMUP = 5;
/** Pause after a code's body, so it has arrived before the terminator is timed. */
const BODY_SETTLE_MS = 30;
/** A step that does not happen within this is broken, not slow. */
const STEP_TIMEOUT_MS = 10_000;
const APP_ID = BENCH_APP_ID;
const SECRET = BENCH_SECRET;
const MERCHANT_NO = BENCH_MERCHANT_NO;

/** A relay that notes when each client→gateway chunk starting an HTTP request arrives. */
function relay(target: URL, onRequest: (atMs: number) => void): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port), target.hostname);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 5).toString('latin1') === 'POST ') onRequest(performance.now());
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}${target.pathname}`, close: () => server.close() });
    }),
  );
}

function fsyncTimes(dir: string, n: number): number[] {
  const db = new Database(join(dir, 'fsync.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL) STRICT');
  const ins = db.prepare('INSERT INTO t (x) VALUES (?)');
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    ins.run(String(i));
    xs.push(performance.now() - t);
  }
  db.close();
  return sorted(xs);
}

export default async function (): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-scan-wire-'));
  const sb = await startSandboxProcess({ appId: APP_ID, secret: SECRET, merchantNo: MERCHANT_NO });
  const starts: number[] = [];
  const gw = await relay(new URL(sb.gatewayUrl), (at) => starts.push(at));
  const pair = await startPtyPair(dir);
  const dataDir = join(dir, 'till');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ gatewayUrl: gw.url, appId: APP_ID, merchantNo: MERCHANT_NO, signType: 'MD5', wxSubAppId: 'wx8888888888888888', scanners: [{ id: 'gun', path: pair.appPath, baudRate: 9600, terminator: 'CR' }] }));
  writeFileSync(join(dataDir, 'gateway-secret.txt'), SECRET);
  // The till's own file log, as the app writes it (synchronously, a line per event on the way).
  const till = await runHostedTill({ dataDir, log: createFileLog({ dir: join(dataDir, 'logs') }) });
  const browser = await launchBrowser();
  const reads: number[] = [];
  const handled: number[] = [];
  till.app.runtime.bus.subscribe((e) => e === 'scanner.read' && reads.push(performance.now()));
  const h = till.app.handlers as unknown as Record<string, (...a: unknown[]) => unknown>;
  const orig = h['checkout.scan']!;
  h['checkout.scan'] = (...a: unknown[]) => (handled.push(performance.now()), orig(...a));
  try {
    const page = await browser.newPage({ viewport: TILL_VIEWPORT, locale: 'zh-CN' });
    await page.goto(till.host.url);
    await page.getByTestId('keypad').waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.waitForTimeout(500);
    const samples: number[] = [];
    /** Per scan: terminator → read event in the main process; → checkout.scan handler (the screen's round trip); → first byte at the gateway. */
    const parts: Array<[number, number, number]> = [];
    for (let i = 0; i < WARMUP + SCANS; i++) {
      await page.keyboard.type('1');
      await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="amount"]')?.textContent === '¥1', null, { timeout: STEP_TIMEOUT_MS });
      pair.write(`13${String(70_000_000_000_000 + i).padStart(14, '0')}88`);
      await new Promise((r) => setTimeout(r, BODY_SETTLE_MS));
      const before = starts.length;
      const t0 = performance.now();
      pair.write('\r');
      const until = Date.now() + STEP_TIMEOUT_MS;
      while (!starts.slice(before).some((s) => s >= t0)) {
        if (Date.now() > until) throw new Error(`scan ${i}: no request reached the gateway`);
        await new Promise((r) => setImmediate(r));
      }
      const first = starts.slice(before).find((s) => s >= t0)!;
      if (i >= WARMUP) samples.push(first - t0);
      if (i >= WARMUP) parts.push([reads.at(-1)! - t0, handled.at(-1)! - reads.at(-1)!, first - handled.at(-1)!]);
      await page.getByTestId('result').waitFor({ timeout: STEP_TIMEOUT_MS });
      await page.keyboard.press('Enter');
      await page.getByTestId('keypad').waitFor({ timeout: STEP_TIMEOUT_MS });
    }
    const s = sorted(samples);
    const f = fsyncTimes(dir, 200);
    const p50Goal = percentile(f, 50) + 1;
    const p99Goal = percentile(f, 99) + 10;
    const part = (k: 0 | 1 | 2) => percentile(sorted(parts.map((p) => p[k])), 50);
    return [
      { name: `scan terminator (pty) → request at the gateway, via the screen, p50 (${SCANS} scans)`, value: Number(percentile(s, 50).toFixed(3)), unit: 'ms', goal: `≤ 1 fsync + 1 ms = ${p50Goal.toFixed(2)} ms`, met: percentile(s, 50) <= p50Goal },
      { name: 'scan terminator (pty) → request at the gateway, via the screen, p99', value: Number(percentile(s, 99).toFixed(3)), unit: 'ms', goal: `≤ fsync p99 + 10 ms = ${p99Goal.toFixed(2)} ms`, met: percentile(s, 99) <= p99Goal },
      { name: 'checkout.scan handler → request at the gateway (main process), p50', value: Number(part(2).toFixed(3)), unit: 'ms', goal: `≤ 1 fsync + 1 ms = ${p50Goal.toFixed(2)} ms`, met: part(2) <= p50Goal },
      { name: '  terminator → scanner read event in the main process, p50', value: Number(part(0).toFixed(3)), unit: 'ms', figure: true },
      { name: '  read event → the screen (Chromium) → checkout.scan handler, p50', value: Number(part(1).toFixed(3)), unit: 'ms', figure: true },
      { name: '  one fsync (WAL insert, synchronous=FULL), p50 / p99', value: Number(percentile(f, 50).toFixed(3)), unit: `ms / ${percentile(f, 99).toFixed(3)}`, figure: true },
    ];
  } finally {
    await browser.close();
    await till.close();
    await killAllSocat();
    gw.close();
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
