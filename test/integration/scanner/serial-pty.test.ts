// The scanner service on real serial devices: socat pty pairs, serialport's own platform binding,
// no mocks. The test writes what a gun sends; the ScannerManager must turn it into reads.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScannerManager, type ScannerConfig } from '../../../electron/scanner/manager.js';
import type { EventPayload } from '../../../shared/ipc/contract.js';
import { killAllSocat, startPtyPair, type PtyPair } from './socat.js';

const WX = '134567890123456789';
const ALI = '2834567890123456';
const EAN13 = '4006381333931';
const EAN8 = '96385074';

type Read = EventPayload<'scanner.read'>;
type Status = EventPayload<'scanner.status'>;

let dir = '';
let manager: ScannerManager | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-scanner-'));
});
afterEach(async () => {
  await manager?.close();
  manager = null;
  await killAllSocat();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(killAllSocat);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function open(configs: (pair: PtyPair) => ScannerConfig[], pair: PtyPair, extra: ConstructorParameters<typeof ScannerManager>[0] = {}) {
  const logs: string[] = [];
  const reads: Read[] = [];
  const statuses: Status[] = [];
  manager = new ScannerManager({ log: (l) => logs.push(l), reconnectMinMs: 50, reconnectMaxMs: 200, ...extra });
  manager.on('read', (r) => reads.push(r));
  manager.on('status', (s) => statuses.push(s));
  await manager.configure(configs(pair));
  return { m: manager, logs, reads, statuses };
}

describe('scan gun on a real pty (socat)', () => {
  it('reads a payment code written in pieces, as one code, masked in every log', async () => {
    const pair = await startPtyPair(dir);
    // A generous gap limit: the pieces are 15 ms apart, and a loaded machine must not split them.
    const { m, reads, logs } = await open((p) => [{ id: 'gun', path: p.appPath, interByteTimeoutMs: 1_000 }], pair);
    expect(m.status()[0]).toMatchObject({ state: 'open', path: pair.appPath, reason: null });
    pair.write('1345');
    await sleep(15);
    pair.write('67890123');
    await sleep(15);
    pair.write('456789');
    await sleep(15);
    pair.write('\r');
    await waitFor(() => reads.length === 1, 'the read');
    expect(reads[0]).toEqual({ scannerId: 'gun', kind: 'payment', code: WX, masked: '1345**********6789', channel: 'weixin', symbology: null });
    expect(m.status()[0]!.lastReadMasked).toBe('1345**********6789');
    expect(logs.join('\n')).not.toContain(WX);
  });

  for (const [terminator, suffix] of [
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ] as const) {
    it(`terminator ${terminator}: several codes in one write and one by one`, async () => {
      const pair = await startPtyPair(dir);
      const { reads } = await open((p) => [{ id: 'gun', path: p.appPath, terminator }], pair);
      pair.write(`${EAN13}${suffix}${ALI}${suffix}`);
      await sleep(10);
      pair.write(`${EAN8}${suffix}`);
      await waitFor(() => reads.length === 3, 'three reads');
      expect(reads.map((r) => [r.kind, r.code])).toEqual([
        ['product', EAN13],
        ['payment', ALI],
        ['product', EAN8],
      ]);
    });
  }

  it('terminator none: the inter-byte timeout closes each code', async () => {
    const pair = await startPtyPair(dir);
    // Halves 5 ms apart are one code; 1 s of silence (well past the 250 ms limit) ends it.
    const { reads } = await open((p) => [{ id: 'fixed', path: p.appPath, terminator: 'none', interByteTimeoutMs: 250 }], pair);
    pair.write(EAN13.slice(0, 6));
    await sleep(5);
    pair.write(EAN13.slice(6));
    await sleep(1_000);
    pair.write(WX);
    await waitFor(() => reads.length === 2, 'two reads');
    expect(reads.map((r) => r.code)).toEqual([EAN13, WX]);
  });

  it('garbage is dropped with a logged reason; the good code after it is read whole', async () => {
    const pair = await startPtyPair(dir);
    const { reads, logs } = await open((p) => [{ id: 'gun', path: p.appPath, interByteTimeoutMs: 40 }], pair);
    pair.write(Uint8Array.from([0x00, 0x1b, 0x5b, 0x41, 0xff, 0xfe, 0x0d])); // control bytes, high bytes
    pair.write(`${'7'.repeat(1000)}\r`); // a line longer than any code
    pair.write('2834567'); // the start of a code whose end never comes
    await sleep(120);
    pair.write(`${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the good read');
    await sleep(30);
    expect(reads.map((r) => r.code)).toEqual([EAN13]);
    const noise = logs.filter((l) => l.includes('dropped'));
    expect(noise.some((l) => /\(non_printable\): non-printable byte 0x00/.test(l))).toBe(true);
    expect(noise.some((l) => /\(overlong\)/.test(l))).toBe(true);
    expect(noise.some((l) => /dropped 7 bytes \(partial\)/.test(l))).toBe(true);
  });

  it('the gun goes away (socat killed) and comes back (restarted): searching at once, reopened, reads again, nothing twice', async () => {
    const first = await startPtyPair(dir);
    const { m, reads, statuses } = await open((p) => [{ id: 'gun', path: p.appPath }], first);
    first.write(`${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the first read');
    first.write('134567'); // half a code when the cable goes
    await sleep(20);
    await first.stop();
    await waitFor(() => m.status()[0]!.state === 'searching', 'searching after the loss');
    expect(m.status()[0]!.reason).toMatch(/^device lost/);
    await sleep(300); // retries fail while it is away
    expect(m.status()[0]!.state).toBe('searching');

    const second = await startPtyPair(dir); // same link path, maybe other /dev/pts numbers
    await waitFor(() => m.status()[0]!.state === 'open', 'reopened');
    second.write(`${WX}\r`);
    await waitFor(() => reads.length === 2, 'the read after the reconnect');
    await sleep(100);
    expect(reads.map((r) => r.code)).toEqual([EAN13, WX]); // the half code was not glued on, nothing repeated
    const states = statuses.map((s) => s.state);
    expect(states.indexOf('searching')).toBeGreaterThan(states.indexOf('open'));
    expect(states.lastIndexOf('open')).toBeGreaterThan(states.indexOf('searching'));
  });

  it('a path that is not there yet: searching, then opened when the device appears', async () => {
    const link = join(dir, 'scanner');
    const logs: string[] = [];
    manager = new ScannerManager({ log: (l) => logs.push(l), reconnectMinMs: 50, reconnectMaxMs: 200 });
    const reads: Read[] = [];
    manager.on('read', (r) => reads.push(r));
    await manager.configure([{ id: 'gun', path: link }]);
    expect(manager.status()[0]).toMatchObject({ state: 'searching', path: link });
    const pair = await startPtyPair(dir);
    const m = manager;
    await waitFor(() => m.status()[0]!.state === 'open', 'opened');
    pair.write(`${EAN8}\r`);
    await waitFor(() => reads.length === 1, 'the read');
  });

  it('auto-pick by USB ids among listed ports, and two scanners at once (gun + fixed)', async () => {
    const gunDir = join(dir, 'gun');
    const fixedDir = join(dir, 'fixed');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(gunDir);
    mkdirSync(fixedDir);
    const gun = await startPtyPair(gunDir);
    const fixed = await startPtyPair(fixedDir);
    // A pty has no USB ids: the list says what the OS would say for a Honeywell gun and a CH340 printer.
    const listPorts = async () => [
      { path: fixed.appPath, vendorId: '1a86', productId: '7523' },
      { path: gun.appPath, vendorId: '0c2e', productId: '0720', manufacturer: 'Honeywell' },
    ];
    const { m, reads } = await open(() => [{ id: 'gun', auto: true }, { id: 'fixed', path: fixed.appPath, terminator: 'CRLF' }], gun, { listPorts });
    expect(m.status().map((s) => [s.id, s.state, s.path])).toEqual([
      ['gun', 'open', gun.appPath],
      ['fixed', 'open', fixed.appPath],
    ]);
    expect((await m.listPorts()).map((p) => p.knownScanner)).toEqual([null, 'Honeywell/Metrologic MS7120 (serial, bi-directional)']);
    gun.write(`${WX}\r`);
    fixed.write(`${EAN13}\r\n`);
    await waitFor(() => reads.length === 2, 'a read from each');
    expect(reads.map((r) => [r.scannerId, r.code]).sort()).toEqual([
      ['fixed', EAN13],
      ['gun', WX],
    ]);
  });
});
