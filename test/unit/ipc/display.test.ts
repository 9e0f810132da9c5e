// The customer display's channel through the one handler table (real till: journal file, embedded
// sandbox): display.show is checked field by field before anything is broadcast; a cash sale reaches
// the display from main, with the journal's numbers, only once checkout.cash journaled it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { eventSchemas, MAX_DISPLAY_LINES, type EventChannel } from '../../../shared/ipc/contract.js';

const ctx = { shell: 'browser-host' as const, caller: 'test' };
let dir: string;
let till: RunningApp;
let events: [EventChannel, unknown][];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-display-'));
  till = await startApp({ dataDir: dir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dir, 'secret.txt')), log: () => {} });
  events = [];
  till.runtime.bus.subscribe((event, payload) => events.push([event, payload]));
});
afterEach(async () => {
  await till?.close();
  rmSync(dir, { recursive: true, force: true });
});

function displayEvents(): unknown[] {
  return events.filter(([e]) => e === 'display.update').map(([, p]) => p);
}

describe('display.show', () => {
  it('broadcasts welcome and the typed amount (with lines) as display.update, each a valid contract event', async () => {
    expect(await dispatch(till.handlers, 'display.show', { kind: 'idle' }, ctx)).toEqual({ ok: true, value: null });
    const withLines = { kind: 'amount', amountFen: 1850, lines: [{ name: '第 1 笔', qty: 1, unitFen: 1250 }, { name: '苹果', barcode: '6901234567892', qty: 2, unitFen: 300 }] };
    expect(await dispatch(till.handlers, 'display.show', withLines, ctx)).toEqual({ ok: true, value: null });
    expect(await dispatch(till.handlers, 'display.show', { kind: 'amount', amountFen: 10_000_000_000 }, ctx)).toMatchObject({ ok: true });
    expect(displayEvents()).toEqual([{ kind: 'idle' }, withLines, { kind: 'amount', amountFen: 10_000_000_000 }]);
    for (const [event, payload] of events) expect(eventSchemas[event].safeParse(payload).success, `${event} ${JSON.stringify(payload)}`).toBe(true);
  });

  it.each([
    ['a fraction of a fen', { kind: 'amount', amountFen: 12.5 }, 'amountFen', 'amountFen: must be a whole number of fen'],
    ['zero', { kind: 'amount', amountFen: 0 }, 'amountFen', 'amountFen: must be at least 0.01 yuan'],
    ['negative', { kind: 'amount', amountFen: -100 }, 'amountFen', 'amountFen: must be at least 0.01 yuan'],
    ['beyond the maximum', { kind: 'amount', amountFen: 10_000_000_001 }, 'amountFen', 'amountFen: must be at most 100000000 yuan'],
    ['yuan as text', { kind: 'amount', amountFen: '12.50' }, 'amountFen', 'amountFen: Invalid input: expected number, received string'],
    ['lines that do not add up', { kind: 'amount', amountFen: 1000, lines: [{ name: 'a', qty: 3, unitFen: 300 }] }, 'lines', 'lines: must add up to amountFen'],
    ['a line of no quantity', { kind: 'amount', amountFen: 300, lines: [{ name: 'a', qty: 0, unitFen: 300 }] }, 'lines.0.qty', 'lines.0.qty: Too small: expected number to be >=1'],
    ['too many lines', { kind: 'amount', amountFen: MAX_DISPLAY_LINES + 1, lines: Array.from({ length: MAX_DISPLAY_LINES + 1 }, () => ({ name: 'a', qty: 1, unitFen: 1 })) }, 'lines', `lines: must be at most ${MAX_DISPLAY_LINES} lines`],
    ['a cash sale from the renderer', { kind: 'cash', outTradeNo: 'C1', amountFen: 100, tenderedFen: 100_000, changeFen: 99_900 }, 'kind', "kind: must be 'idle' or 'amount' (a cash sale reaches the display from checkout.cash)"],
    ['no kind', {}, 'kind', "kind: must be 'idle' or 'amount' (a cash sale reaches the display from checkout.cash)"],
    ['an unknown field', { kind: 'idle', amountFen: 100 }, '', 'Unrecognized key: "amountFen"'],
  ])('refuses %s naming the field, and broadcasts nothing', async (_name, payload, path, message) => {
    const r = await dispatch(till.handlers, 'display.show', payload, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_payload');
    expect(r.error.issues?.map((i) => i.path)).toEqual([path]);
    expect(r.error.issues?.[0]?.message).toBe(message);
    expect(r.error.message).toBe(`display.show: ${message}`);
    expect(displayEvents()).toEqual([]);
  });
});

describe('checkout.cash on the customer display', () => {
  it('publishes total, tendered and change from the journaled sale, after the sale is recorded', async () => {
    const r = await dispatch(till.handlers, 'checkout.cash', { amountFen: 1645, tenderedFen: 2000 }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sale = r.value as { outTradeNo: string };
    expect(displayEvents()).toEqual([{ kind: 'cash', outTradeNo: sale.outTradeNo, amountFen: 1645, tenderedFen: 2000, changeFen: 355 }]);
    // The engine's own report of the sale came first: the display event follows the journal.
    const order = events.map(([e]) => e).filter((e) => e === 'payment.progress' || e === 'display.update');
    expect(order).toEqual(['payment.progress', 'display.update']);
    const journaled = await dispatch(till.handlers, 'orders.get', { outTradeNo: sale.outTradeNo }, ctx);
    expect(journaled).toMatchObject({ ok: true, value: { state: 'paid', kind: 'cash', amountFen: 1645 } });
    for (const [event, payload] of events) expect(eventSchemas[event].safeParse(payload).success).toBe(true);
  });

  it('a display listener that throws does not turn a journaled cash sale into an error', async () => {
    const lines: string[] = [];
    till.runtime.log = (line) => lines.push(line);
    till.runtime.bus.subscribe((event) => {
      if (event === 'display.update') throw new Error('window gone');
    });
    const r = await dispatch(till.handlers, 'checkout.cash', { amountFen: 100, tenderedFen: 100 }, ctx);
    expect(r).toMatchObject({ ok: true, value: { amountFen: 100, changeFen: 0 } });
    expect(lines.some((l) => l.includes('not shown: window gone'))).toBe(true);
  });

  it('a refused cash sale (not enough tendered) shows nothing', async () => {
    const r = await dispatch(till.handlers, 'checkout.cash', { amountFen: 1645, tenderedFen: 1000 }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(displayEvents()).toEqual([]);
  });

  it('the display event schema refuses change that is not tendered − amount', () => {
    const r = eventSchemas['display.update'].safeParse({ kind: 'cash', outTradeNo: 'C1', amountFen: 1645, tenderedFen: 2000, changeFen: 354 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['changeFen', 'must be tenderedFen − amountFen']]);
  });
});
