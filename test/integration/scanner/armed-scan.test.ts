// A serial gun's payment code paid by main for the sale the screen armed: the wired till (real
// journal file, embedded sandbox over HTTP) with a scan gun on a socat pty, through the handler
// table and the event bus the screen uses.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import type { EventChannel, EventPayload } from '../../../shared/ipc/contract.js';
import { call } from '../app/handlers.js';
import { killAllSocat, startPtyPair, type PtyPair } from './socat.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 1_000, reconcileIntervalMs: 200, tickMs: 0 };
const STEP_TIMEOUT_MS = 10_000;
let app: RunningApp | null = null;
let dir = '';

afterEach(async () => {
  await app?.close();
  app = null;
  await killAllSocat();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(killAllSocat);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, what: string): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > STEP_TIMEOUT_MS) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function till(): Promise<{ app: RunningApp; gun: PtyPair; events: Array<[EventChannel, unknown]> }> {
  dir = mkdtempSync(join(tmpdir(), 'pos-armed-'));
  const gun = await startPtyPair(dir);
  const dataDir = join(dir, 'till');
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ scanners: [{ id: 'gun', path: gun.appPath, baudRate: 9600, terminator: 'CR' }] }));
  app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01, engineConfig: FAST });
  const events: Array<[EventChannel, unknown]> = [];
  app.runtime.bus.subscribe((event, payload) => events.push([event, payload]));
  await waitFor(() => (app!.handlers['scanner.status']({}, { shell: 'browser-host', caller: 't' }) as EventPayload<'scanner.status'>[])[0]?.state === 'open', 'the gun to open');
  return { app, gun, events };
}

const of = <E extends EventChannel>(events: Array<[EventChannel, unknown]>, e: E) => events.filter(([n]) => n === e).map(([, p]) => p as EventPayload<E>);

describe('a serial gun pays the armed sale in main', () => {
  it('armed: the code pays that sale once, the screen hears started then done and no scanner.read; the next code is the screen\'s', async () => {
    const { app, gun, events } = await till();
    expect(await call(app, 'checkout.arm', { sale: { amountFen: 1234, note: 'table 7', lines: [{ name: 'A', qty: 2, unitFen: 617 }] } })).toEqual({ armed: true });
    gun.write('134567890123456700\r');
    await waitFor(() => of(events, 'checkout.armedScan').some((e) => e.phase === 'done'), 'the armed payment to be answered');
    const armed = of(events, 'checkout.armedScan');
    expect(armed.map((e) => e.phase)).toEqual(['started', 'done']);
    expect(armed[0]).toMatchObject({ phase: 'started', scannerId: 'gun', amountFen: 1234, masked: '1345**********6700' });
    const done = armed[1] as Extract<EventPayload<'checkout.armedScan'>, { phase: 'done' }>;
    expect(done.result).toMatchObject({ ok: true, value: { state: 'paid', amountFen: 1234, channel: 'weixin' } });
    expect(of(events, 'scanner.read')).toEqual([]);
    const order = await call(app, 'orders.get', { outTradeNo: (done.result as { value: { outTradeNo: string } }).value.outTradeNo });
    expect(order).toMatchObject({ amountFen: 1234, note: 'table 7', state: 'paid' });

    // Taken once: the next code goes to the screen as a read, and nothing more is paid.
    gun.write('134567890123456711\r');
    await waitFor(() => of(events, 'scanner.read').length === 1, 'the read to reach the screen');
    expect(of(events, 'scanner.read')[0]).toMatchObject({ kind: 'payment', code: '134567890123456711' });
    expect((await call(app, 'orders.search', {})).total).toBe(1);
  });

  it('a payment the screen starts itself, or a disarm, leaves the gun\'s next code to the screen', async () => {
    const { app, gun, events } = await till();
    await call(app, 'checkout.arm', { sale: { amountFen: 500 } });
    // The screen paid by a keyboard-wedge gun first: main disarms before it pays.
    expect(await call(app, 'checkout.scan', { amountFen: 500, authCode: '134567890123456722' })).toMatchObject({ state: 'paid' });
    gun.write('134567890123456733\r');
    await waitFor(() => of(events, 'scanner.read').length === 1, 'the read to reach the screen');
    await call(app, 'checkout.arm', { sale: { amountFen: 700 } });
    expect(await call(app, 'checkout.arm', { sale: null })).toEqual({ armed: false });
    gun.write('134567890123456744\r');
    await waitFor(() => of(events, 'scanner.read').length === 2, 'the second read to reach the screen');
    expect(of(events, 'checkout.armedScan')).toEqual([]);
    expect((await call(app, 'orders.search', {})).total).toBe(1);
  });

  it('an armed sale the gateway cannot take is answered as checkout.scan would be, nothing half-written', async () => {
    const { app, gun, events } = await till();
    await call(app, 'checkout.arm', { sale: { amountFen: 300 } });
    // The sandbox's scenario 06: the payment code expired or was used (10008).
    gun.write('134567890123456706\r');
    await waitFor(() => of(events, 'checkout.armedScan').some((e) => e.phase === 'done'), 'the answer');
    const done = of(events, 'checkout.armedScan').find((e) => e.phase === 'done') as Extract<EventPayload<'checkout.armedScan'>, { phase: 'done' }>;
    expect(done.result).toMatchObject({ ok: true, value: { state: 'declined', amountFen: 300 } });
  });
});
