import { afterEach, describe, expect, it } from 'vitest';
import { ScannerManager } from '../../../electron/scanner/manager.js';
import type { EventPayload } from '../../../shared/ipc/contract.js';
import { PosError } from '../../../shared/ipc/errors.js';
import { MockPorts, sleep, waitFor } from './mock-ports.js';

const WX = '134567890123456789';
const ALI = '2834567890123456';
const EAN13 = '4006381333931';

type Read = EventPayload<'scanner.read'>;
type Status = EventPayload<'scanner.status'>;

let manager: ScannerManager | null = null;
afterEach(async () => {
  await manager?.close();
  manager = null;
});

function setup(opts: { listPorts?: () => Promise<{ path: string }[]> } = {}) {
  const ports = new MockPorts();
  const logs: string[] = [];
  const reads: Read[] = [];
  const statuses: Status[] = [];
  manager = new ScannerManager({ binding: ports.binding, log: (l) => logs.push(l), reconnectMinMs: 10, reconnectMaxMs: 40, ...opts });
  manager.on('read', (r) => reads.push(r));
  manager.on('status', (s) => statuses.push(s));
  return { ports, logs, reads, statuses, m: manager };
}

describe('ScannerManager with MockBinding', () => {
  it('opens the configured port with 9600 8N1 and reads a payment code: full code once, masked everywhere else', async () => {
    const { ports, logs, reads, statuses, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
    expect(m.status()).toEqual([{ id: 'gun', path: '/dev/ttyACM0', state: 'open', reason: null, lastReadMasked: null, lastReadAt: null }]);
    expect(ports.isOpen('/dev/ttyACM0')).toBe(true);

    ports.send('/dev/ttyACM0', `${WX}\r`);
    await waitFor(() => reads.length === 1, 'the read');
    expect(reads[0]).toEqual({ scannerId: 'gun', kind: 'payment', code: WX, masked: '1345**********6789', channel: 'weixin', symbology: null });
    const st = m.status()[0]!;
    expect(st.lastReadMasked).toBe('1345**********6789');
    expect(st.lastReadAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(statuses.at(-1)!.lastReadMasked).toBe('1345**********6789');
    // The code is in the read event only: not in any log line or status.
    expect(logs.join('\n')).not.toContain(WX);
    expect(JSON.stringify(statuses)).not.toContain(WX);
    expect(logs.some((l) => l.includes('read payment weixin 1345**********6789'))).toBe(true);
  });

  it('classifies Alipay codes, product barcodes and unknown reads; a code split across chunks is one read', async () => {
    const { ports, reads, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0', terminator: 'CRLF', interByteTimeoutMs: 1_000 }]); // a loaded machine must not split the chunks
    ports.send('/dev/ttyACM0', '2834567');
    await sleep(5);
    ports.send('/dev/ttyACM0', '890123456\r');
    await sleep(5);
    ports.send('/dev/ttyACM0', `\n${EAN13}\r\nHELLO\r\n`);
    await waitFor(() => reads.length === 3, 'three reads');
    expect(reads.map((r) => [r.kind, r.channel, r.symbology, r.code])).toEqual([
      ['payment', 'alipay', null, ALI],
      ['product', null, 'EAN-13', EAN13],
      ['unknown', null, null, 'HELLO'],
    ]);
  });

  it('a double trigger counts once; after the window the same code is a new read', async () => {
    const { ports, reads, logs, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0', duplicateWindowMs: 150 }]);
    ports.send('/dev/ttyACM0', `${EAN13}\r${EAN13}\r`);
    await waitFor(() => logs.some((l) => l.includes('counted once')), 'the double read to be noticed');
    expect(reads).toHaveLength(1);
    await sleep(200);
    ports.send('/dev/ttyACM0', `${EAN13}\r`);
    await waitFor(() => reads.length === 2, 'the second read');
  });

  it('the same code on two scanners within the window (gun and fixed scanner see one phone) is one read', async () => {
    const { ports, reads, m } = setup();
    ports.create('/dev/ttyACM0');
    ports.create('/dev/ttyACM1');
    await m.configure([
      { id: 'gun', path: '/dev/ttyACM0' },
      { id: 'fixed', path: '/dev/ttyACM1' },
    ]);
    ports.send('/dev/ttyACM1', `${WX}\r`);
    await waitFor(() => reads.length === 1, 'the first read');
    ports.send('/dev/ttyACM0', `${WX}\r${EAN13}\r`);
    await waitFor(() => reads.length === 2, 'the product read');
    await sleep(20);
    expect(reads.map((r) => [r.scannerId, r.code])).toEqual([
      ['fixed', WX],
      ['gun', EAN13],
    ]);
  });

  it('drops noise with a logged reason and keeps reading', async () => {
    const { ports, reads, logs, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0', interByteTimeoutMs: 20 }]);
    ports.send('/dev/ttyACM0', Buffer.from([0x02, 0x31, 0x32, 0xff, 0x0d]));
    ports.send('/dev/ttyACM0', `${'9'.repeat(400)}\r`);
    ports.send('/dev/ttyACM0', '1345678'); // a fragment whose end never comes
    await sleep(60);
    ports.send('/dev/ttyACM0', `${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the good read');
    expect(reads[0]!.code).toBe(EAN13); // not glued to the fragment
    expect(logs.some((l) => /dropped 4 bytes \(non_printable\): non-printable byte 0x02/.test(l))).toBe(true);
    expect(logs.some((l) => /\(overlong\)/.test(l))).toBe(true);
    expect(logs.some((l) => /dropped 7 bytes \(partial\)/.test(l))).toBe(true);
  });

  it('terminator none: silence ends the code', async () => {
    const { ports, reads, m } = setup();
    ports.create('/dev/ttyUSB0');
    await m.configure([{ id: 'fixed', path: '/dev/ttyUSB0', terminator: 'none', interByteTimeoutMs: 250 }]);
    ports.send('/dev/ttyUSB0', WX.slice(0, 9));
    await sleep(2);
    ports.send('/dev/ttyUSB0', WX.slice(9));
    await waitFor(() => reads.length === 1, 'the read after silence');
    expect(reads[0]!.code).toBe(WX);
  });

  it('a missing port: searching, then opened when it appears', async () => {
    const { ports, reads, m } = setup();
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
    expect(m.status()[0]).toMatchObject({ state: 'searching', path: '/dev/ttyACM0' });
    expect(m.status()[0]!.reason).toMatch(/waiting for \/dev\/ttyACM0/);
    ports.create('/dev/ttyACM0');
    await waitFor(() => m.status()[0]!.state === 'open', 'the port to open');
    ports.send('/dev/ttyACM0', `${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the read');
  });

  it('logs read like a cashier would want them', async () => {
    const { ports, logs, m } = setup();
    ports.create('/dev/ttyACM0', { vendorId: '1eab', productId: '8306' });
    await m.configure([{ id: 'gun', auto: true }]);
    ports.send('/dev/ttyACM0', `${WX}\r`);
    await waitFor(() => logs.some((l) => l.includes('read payment')), 'the read');
    expect(logs).toEqual([
      'scanner gun: start (auto, 9600 8N1, terminator CR)',
      'scanner gun: open /dev/ttyACM0 (Newland HR2160 (USB CDC))',
      'scanner gun: read payment weixin 1345**********6789',
    ]);
  });

  it('device lost: searching at once, reopened when it returns, partial code dropped, nothing read twice', async () => {
    const { ports, reads, statuses, logs, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
    ports.send('/dev/ttyACM0', `${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the first read');
    ports.send('/dev/ttyACM0', '134567'); // half a code, then the cable is pulled
    await sleep(5);
    ports.unplug('/dev/ttyACM0');
    await waitFor(() => m.status()[0]!.state === 'searching', 'searching');
    expect(m.status()[0]!.reason).toMatch(/device lost \(.*unplugged\); looking for it/);
    expect(statuses.some((s) => s.state === 'searching')).toBe(true);
    expect(logs.some((l) => /dropped 6 bytes \(partial\).*went away/.test(l))).toBe(true);
    await sleep(100); // several retries fail while it is away; none crashes anything
    expect(m.status()[0]!.state).toBe('searching');

    ports.plugIn('/dev/ttyACM0');
    await waitFor(() => m.status()[0]!.state === 'open', 'reopened');
    expect(ports.opens.get('/dev/ttyACM0')).toBe(2);
    ports.send('/dev/ttyACM0', `890123456789\r${WX}\r`);
    await waitFor(() => reads.length === 3, 'reads after the reconnect');
    await sleep(30);
    expect(reads.map((r) => r.code)).toEqual([EAN13, '890123456789', WX]);
  });

  it('auto: picks the known scan gun by USB ids, not the printer on a CH340; follows it to a new path', async () => {
    const { ports, reads, m } = setup();
    ports.create('/dev/ttyUSB0', { vendorId: '1a86', productId: '7523', manufacturer: 'wch.cn' });
    ports.create('/dev/ttyACM0', { vendorId: '0c2e', productId: '0720', manufacturer: 'Honeywell' });
    expect(await m.listPorts()).toEqual([
      { path: '/dev/ttyUSB0', manufacturer: 'wch.cn', vendorId: '1a86', productId: '7523', knownScanner: null },
      { path: '/dev/ttyACM0', manufacturer: 'Honeywell', vendorId: '0c2e', productId: '0720', knownScanner: 'Honeywell/Metrologic MS7120 (serial, bi-directional)' },
    ]);
    await m.configure([{ id: 'gun', auto: true }]);
    expect(m.status()[0]).toMatchObject({ state: 'open', path: '/dev/ttyACM0' });
    expect(ports.isOpen('/dev/ttyUSB0')).toBe(false);

    ports.unplug('/dev/ttyACM0');
    await waitFor(() => m.status()[0]!.state === 'searching', 'searching');
    expect(m.status()[0]!.path).toBeNull();
    expect(m.status()[0]!.reason).toMatch(/device lost/);
    await sleep(50);
    expect(m.status()[0]!.reason).toBe('no known scan gun is connected; looking');
    ports.create('/dev/ttyACM1', { vendorId: '0C2E', productId: '0720' }); // back, at another number
    await waitFor(() => m.status()[0]!.state === 'open', 'reopened');
    expect(m.status()[0]!.path).toBe('/dev/ttyACM1');
    ports.send('/dev/ttyACM1', `${EAN13}\r`);
    await waitFor(() => reads.length === 1, 'the read');
  });

  it('two auto scanners take two different guns; a configured path is never taken by auto', async () => {
    const { ports, m } = setup();
    ports.create('/dev/ttyACM0', { vendorId: '1eab', productId: '8306' });
    ports.create('/dev/ttyACM1', { vendorId: '05e0', productId: '1701' });
    ports.create('/dev/ttyACM2', { vendorId: '05f9', productId: '4204' });
    await m.configure([
      { id: 'fixed', path: '/dev/ttyACM1' },
      { id: 'gun', auto: true },
      { id: 'spare', auto: true },
    ]);
    const st = m.status();
    expect(st.map((s) => s.state)).toEqual(['open', 'open', 'open']);
    expect(st[0]!.path).toBe('/dev/ttyACM1');
    expect(new Set(st.map((s) => s.path)).size).toBe(3);
  });

  it('reconfigure: unchanged keeps its port, changed reopens, removed closes', async () => {
    const { ports, statuses, m } = setup();
    ports.create('/dev/ttyACM0');
    ports.create('/dev/ttyACM1');
    await m.configure([
      { id: 'a', path: '/dev/ttyACM0' },
      { id: 'b', path: '/dev/ttyACM1' },
    ]);
    await m.configure([{ id: 'a', path: '/dev/ttyACM0' }, { id: 'b', path: '/dev/ttyACM1', baudRate: 115200 }]);
    expect(ports.opens.get('/dev/ttyACM0')).toBe(1);
    expect(ports.opens.get('/dev/ttyACM1')).toBe(2);
    await m.configure([{ id: 'b', path: '/dev/ttyACM1', baudRate: 115200 }]);
    expect(ports.isOpen('/dev/ttyACM0')).toBe(false);
    expect(statuses.some((s) => s.id === 'a' && s.state === 'closed' && s.reason === 'removed from the settings')).toBe(true);
    expect(m.status().map((s) => s.id)).toEqual(['b']);
  });

  it('refuses bad settings whole, naming the field, and keeps the running scanners', async () => {
    const { ports, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
    const err = await m.configure([{ id: 'gun', path: '/dev/ttyACM0', dataBits: 9 as 8 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PosError);
    expect((err as PosError).message).toMatch(/scanners\.0\.dataBits/);
    expect(m.status()[0]!.state).toBe('open');
  });

  it('open errors other than absence are "error" with the reason, and retried', async () => {
    const { ports, m } = setup();
    ports.create('/dev/ttyACM0');
    const other = new ScannerManager({ binding: ports.binding, log: () => undefined });
    await other.configure([{ id: 'holder', path: '/dev/ttyACM0' }]); // holds the lock
    try {
      await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
      expect(m.status()[0]).toMatchObject({ state: 'error' });
      expect(m.status()[0]!.reason).toMatch(/cannot open \/dev\/ttyACM0: .*locked.*; retrying/);
    } finally {
      await other.close();
    }
    await waitFor(() => m.status()[0]!.state === 'open', 'opened once the other let go');
  });

  it('an open that hangs is given up after the limit, retried, and its late port closed', async () => {
    const ports = new MockPorts();
    ports.create('/dev/ttyACM0');
    let slowOpens = 1;
    const late: Promise<unknown>[] = [];
    const binding = {
      list: ports.binding.list,
      open: async (o: { path: string; baudRate: number }) => {
        if (slowOpens-- > 0) {
          const p = new Promise((r) => setTimeout(r, 120)).then(() => ports.binding.open(o));
          late.push(p);
          return p;
        }
        return ports.binding.open(o);
      },
    };
    const statuses: string[] = [];
    manager = new ScannerManager({ binding, log: () => undefined, reconnectMinMs: 200, reconnectMaxMs: 200, openTimeoutMs: 40 });
    manager.on('status', (s) => statuses.push(`${s.state}: ${s.reason}`));
    const m = manager;
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }]);
    expect(m.status()[0]).toMatchObject({ state: 'error', reason: 'cannot open /dev/ttyACM0: opening /dev/ttyACM0 did not finish within 40 ms; retrying' });
    await Promise.all(late);
    await waitFor(() => !ports.isOpen('/dev/ttyACM0'), 'the late port to be closed');
    await waitFor(() => m.status()[0]!.state === 'open', 'the retry to open it');
    expect(ports.opens.get('/dev/ttyACM0')).toBe(2);
  });

  it('close() closes every port and refuses configure afterwards', async () => {
    const { ports, statuses, m } = setup();
    ports.create('/dev/ttyACM0');
    await m.configure([{ id: 'gun', path: '/dev/ttyACM0' }, { id: 'auto', auto: true }]);
    expect(m.status().map((s) => s.state)).toEqual(['open', 'searching']);
    await m.close();
    expect(statuses.slice(-2).map((s) => [s.id, s.state, s.reason])).toEqual([
      ['gun', 'closed', 'closed by the app'],
      ['auto', 'closed', 'closed by the app'],
    ]);
    expect(ports.isOpen('/dev/ttyACM0')).toBe(false);
    expect(m.status()).toEqual([]);
    await expect(m.configure([])).rejects.toThrow(/closed/);
  });

  it('a failing port list is a status, not a crash; listPorts() answers unavailable', async () => {
    const { m } = setup({ listPorts: () => Promise.reject(new Error('udev is gone')) });
    await m.configure([{ id: 'gun', auto: true }]);
    expect(m.status()[0]).toMatchObject({ state: 'error', reason: 'cannot list serial ports: udev is gone; retrying' });
    await expect(m.listPorts()).rejects.toMatchObject({ code: 'unavailable' });
  });
});
