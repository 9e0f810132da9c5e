// The serial gun's shortcut alone: which reads it takes, that an armed sale pays once, expiry, and
// the order in which the screen is told.
import { describe, expect, it } from 'vitest';
import { ARMED_SALE_TTL_MS, ArmedScan, type ScannerRead } from '../../../electron/checkout/armed-scan.js';
import type { EventPayload, InvokeParsed, PaymentView } from '../../../shared/ipc/contract.js';
import type { IpcResult } from '../../../shared/ipc/errors.js';

const read = (code: string, kind: ScannerRead['kind'] = 'payment'): ScannerRead => ({ scannerId: 'gun', kind, code, masked: `${code.slice(0, 4)}**${code.slice(-4)}`, channel: kind === 'payment' ? 'weixin' : null, symbology: null });
const paid = { ok: true, value: { outTradeNo: 'P1', state: 'paid' } as PaymentView } as IpcResult<PaymentView>;

function rig(answer: () => Promise<IpcResult<PaymentView>> = () => Promise.resolve(paid)) {
  let t = 1_000_000;
  const started: InvokeParsed<'checkout.scan'>[] = [];
  const told: EventPayload<'checkout.armedScan'>[] = [];
  const armed = new ArmedScan({ now: () => t, start: (p) => (started.push(p), answer()), tell: (e) => told.push(e) });
  return { armed, started, told, advance: (ms: number) => (t += ms) };
}
const settle = () => new Promise((r) => setImmediate(r));

describe('ArmedScan', () => {
  it('a payment code pays the armed sale once, with the code read; the next read goes to the screen', async () => {
    const { armed, started, told } = rig();
    expect(armed.arm({ amountFen: 1234, note: 'n' })).toEqual({ armed: true });
    expect(armed.onRead(read('134567890123456700'))).toBe(true);
    expect(started).toEqual([{ amountFen: 1234, note: 'n', authCode: '134567890123456700' }]);
    expect(armed.onRead(read('134567890123456711'))).toBe(false);
    await settle();
    expect(started).toHaveLength(1);
    expect(told.map((e) => e.phase)).toEqual(['started', 'done']);
    expect(told[0]).toEqual({ phase: 'started', scannerId: 'gun', masked: '1345**6700', amountFen: 1234 });
    expect(told[1]).toMatchObject({ phase: 'done', result: paid });
  });

  it('product codes, stray reads and an unarmed till are the screen\'s', () => {
    const { armed, started } = rig();
    expect(armed.onRead(read('134567890123456700'))).toBe(false);
    armed.arm({ amountFen: 100 });
    expect(armed.onRead(read('6901234567892', 'product'))).toBe(false);
    expect(armed.onRead(read('xyz', 'unknown'))).toBe(false);
    armed.arm(null);
    expect(armed.onRead(read('134567890123456700'))).toBe(false);
    armed.arm({ amountFen: 100 });
    armed.disarm();
    expect(armed.onRead(read('134567890123456700'))).toBe(false);
    expect(started).toEqual([]);
  });

  it(`an arming older than ${ARMED_SALE_TTL_MS} ms has expired: the read goes to the screen, nothing is paid`, () => {
    const { armed, started, advance } = rig();
    armed.arm({ amountFen: 100 });
    advance(ARMED_SALE_TTL_MS + 1);
    expect(armed.onRead(read('134567890123456700'))).toBe(false);
    expect(started).toEqual([]);
    // Renewed, it works again.
    armed.arm({ amountFen: 100 });
    expect(armed.onRead(read('134567890123456700'))).toBe(true);
  });

  it('an answer that comes back at once is still told after "started"; a throw is told as an internal error', async () => {
    const quick = rig(() => Promise.resolve({ ok: false, error: { code: 'invalid_payload', message: 'authCode: bad' } }));
    quick.armed.arm({ amountFen: 100 });
    quick.armed.onRead(read('134567890123456700'));
    await settle();
    expect(quick.told.map((e) => e.phase)).toEqual(['started', 'done']);
    const broken = rig(() => Promise.reject(new Error('bug')));
    broken.armed.arm({ amountFen: 100 });
    broken.armed.onRead(read('134567890123456700'));
    await settle();
    expect(broken.told[1]).toMatchObject({ phase: 'done', result: { ok: false, error: { code: 'internal' } } });
  });
});
