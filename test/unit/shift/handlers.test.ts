// The shift.* and printer.* channels through the real dispatcher (contract validation included),
// with the real services: journal file, file printer, payment engine for a cash sale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import type { HandlerTable } from '../../../electron/ipc/types.js';
import { shiftHandlers } from '../../../electron/ipc/handlers/shift.js';
import { printerHandlers } from '../../../electron/ipc/handlers/printer.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { SqlitePrintJobStore } from '../../../electron/printer/sqlite-jobs.js';
import { printerConfigFromSettings } from '../../../electron/printer/config.js';
import { printReceiptsOnPaid, receiptFromJournal } from '../../../electron/printer/from-journal.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { PaymentEngine } from '../../../electron/checkout/engine.js';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { MANAGER_PIN, order, rig } from './helpers.js';

let r: ReturnType<typeof rig>;
afterEach(() => r?.close());

function setup() {
  r = rig();
  const lp = join(r.dir, 'lp0');
  const cfg = printerConfigFromSettings({ printer: `file:${lp}`, paperWidthMm: 58, language: 'zh-CN' });
  if (!cfg.ok || !cfg.config) throw new Error('config');
  const printer = new PrinterService({ store: new SqlitePrintJobStore(r.journal.db), config: cfg.config, receiptFor: (no) => receiptFromJournal(r.journal, no, { shopName: '沙箱便利店' }) });
  const table = { ...shiftHandlers(r.shifts), ...printerHandlers({ printer, shifts: r.shifts, header: () => ({ shopName: '沙箱便利店', terminalId: 'T01' }), now: r.clock.now }) } as HandlerTable;
  const call = (channel: string, payload: unknown) => dispatch(table, channel, payload, { shell: 'browser-host', caller: 'test' });
  const printed = () => decodeToPrinted(readFileSync(lp));
  return { printer, call, printed, lp };
}

describe('shift.* and printer.* over the dispatcher', () => {
  it('sign in, open, sell, print X, close, print Z, reprint a receipt from history', async () => {
    const { call, printed, printer } = setup();
    await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
    expect(await call('shift.signIn', { cashierId: 'C07', pin: '24' })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'pin' }] } });
    expect(await call('shift.signIn', { cashierId: 'C07', pin: '2468' })).toEqual({ ok: true, value: { cashierId: 'C07', name: '王小明' } });
    expect(await call('shift.current', {})).toEqual({ ok: true, value: null });
    const opened = await call('shift.open', { floatFen: 10_000 });
    expect(opened).toMatchObject({ ok: true, value: { shiftId: 1, floatFen: 10_000 } });
    const cashNo = order(r.journal, { channel: 'cash', amountFen: 1_999, shiftId: 1 });
    expect(await call('shift.cashMove', { direction: 'out', amountFen: 5_000, reason: '存银行' })).toMatchObject({ ok: true });
    // The cashier's X report is blind; the manager's (PIN) has the drawer (test/unit/shift/blind-x.test.ts).
    expect(await call('shift.xReport', {})).toMatchObject({ ok: true, value: { title: 'X', blind: true, cash: { expectedFen: null } } });
    const x = await call('shift.xReport', { managerPin: MANAGER_PIN });
    expect(x).toMatchObject({ ok: true, value: { title: 'X', blind: false, cash: { expectedFen: 10_000 + 1_999 - 5_000 } } });

    expect(await call('printer.printReport', {})).toEqual({ ok: true, value: { jobId: 1 } });
    expect(printed().text).toContain('X 报表（当班）');

    expect(await call('shift.count', { countedFen: 6_999 })).toMatchObject({ ok: true, value: { varianceFen: 0, counts: 1 } });
    const closed = await call('shift.close', { countedFen: 6_999 });
    expect(closed).toMatchObject({ ok: true, value: { title: 'Z', cash: { varianceFen: 0 }, reconciliation: { matches: true, checked: 0 } } });
    expect(await call('shift.report', { shiftId: 1 })).toEqual(closed);
    expect(await call('printer.printReport', { shiftId: 1 })).toEqual({ ok: true, value: { jobId: 2 } });
    expect(printed().text).toContain('交班报表（Z）');
    expect(printed().text).not.toContain('重印');
    expect(await call('printer.printReport', { shiftId: 1 })).toEqual({ ok: true, value: { jobId: 3 } });
    expect(printed().text.split('交班报表（Z）')[2]).toContain('** 重印 **');
    expect(await call('printer.printReport', { date: '2026-11-24' })).toEqual({ ok: true, value: { jobId: 4 } });
    expect(printed().text).toContain('日结报表');

    // Never printed before (no job): built from the journal, marked as a reprint, no drawer kick.
    expect(await call('printer.reprint', { outTradeNo: cashNo })).toEqual({ ok: true, value: { jobId: 5 } });
    const jobs = printer.jobs({ limit: 10 });
    expect(jobs[0]).toMatchObject({ kind: 'receipt', ref: cashNo, state: 'printed' });
    expect(printed().text).toContain('** 重印 **');
    expect(printed().text).toContain('收银员: C07 王小明');
    expect(printed().drawerKicks).toEqual([]);
    expect(await call('printer.reprint', { outTradeNo: 'T01_nope_P9' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('printer.status', {})).toMatchObject({ ok: true, value: { configured: true, online: true, paperOut: null } });
  });

  it('errors the cashier must act on come back typed: no shift, no count, open orders, variance PIN', async () => {
    const { call } = setup();
    await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
    await call('shift.signIn', { cashierId: 'C07', pin: '2468' });
    expect(await call('shift.xReport', {})).toMatchObject({ ok: false, error: { code: 'conflict', message: 'no shift is open at this till: open one first' } });
    await call('shift.open', { floatFen: 0 });
    const p = order(r.journal, { channel: 'weixin', amountFen: 100, state: 'pending', shiftId: 1 });
    // A close with a count never submitted through shift.count: refused, the field named, no amount.
    const uncounted = await call('shift.close', { countedFen: 0 });
    expect(uncounted).toEqual({ ok: false, error: { code: 'conflict', message: 'countedFen: no count is recorded for shift 1 (shift.count): count again', issues: [{ path: 'countedFen', message: 'no count is recorded for shift 1 (shift.count)' }] } });
    await call('shift.count', { countedFen: 0 });
    expect(await call('shift.close', { countedFen: 0 })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(p) } });
    r.journal.transition(p, 'closed', { source: 'reverse' });
    expect(await call('shift.close', { countedFen: 5_000, varianceReason: '多收' })).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: 'countedFen' }] } });
    await call('shift.count', { countedFen: 5_000 });
    expect(await call('shift.close', { countedFen: 5_000, varianceReason: '多收' })).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    expect(await call('shift.close', { countedFen: 5_000, varianceReason: '多收', managerPin: MANAGER_PIN })).toMatchObject({ ok: true, value: { cash: { varianceFen: 5_000 } } });
  });
});

describe('receipts printed when a sale is paid', () => {
  it('a cash sale through the engine prints its receipt once, with the drawer kick', async () => {
    const { printer, printed } = setup();
    await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
    await r.shifts.signIn('C07', '2468');
    r.shifts.open(0);
    const gateway = createGatewayClient({ gatewayUrl: 'http://127.0.0.1:9/gateway', appId: 'a', signType: 'MD5', secret: 's' });
    const engine = new PaymentEngine({ journal: r.journal, gateway, merchantNo: 'M1', terminalId: 'T01', currentShiftId: () => r.shifts.currentShiftId(), clock: { now: r.clock.now } });
    const stop = printReceiptsOnPaid(engine, printer, r.journal, () => ({ shopName: '沙箱便利店' }));
    const sale = engine.cash({ amountFen: 1_250, tenderedFen: 2_000, lines: [{ name: '豆浆', qty: 5, unitFen: 250 }] });
    await printer.idle();
    const p = printed();
    expect(p.text).toContain('豆浆');
    expect(p.text).toMatch(/找零 +7\.50/);
    expect(p.text).toContain('收银员: C07 王小明');
    expect(p.drawerKicks).toHaveLength(1);
    expect(printer.hasReceipt(sale.outTradeNo)).toBe(true);
    stop();
    await engine.stop();
  });
});

describe('printer settings', () => {
  it('reads serial/tcp/file strings and refuses anything else', () => {
    expect(printerConfigFromSettings({ printer: '', paperWidthMm: 80, language: 'zh-CN' })).toEqual({ ok: true, config: null });
    expect(printerConfigFromSettings({ printer: 'serial:/dev/ttyUSB0@115200', paperWidthMm: 58, language: 'en' })).toMatchObject({ ok: true, config: { transport: { type: 'serial', path: '/dev/ttyUSB0', baudRate: 115200 }, paper: '58mm', locale: 'en' } });
    expect(printerConfigFromSettings({ printer: 'tcp:192.168.1.50', paperWidthMm: 80, language: 'zh-CN' })).toMatchObject({ ok: true, config: { transport: { type: 'tcp', host: '192.168.1.50', port: 9100 } } });
    expect(printerConfigFromSettings({ printer: 'tcp:printer.local:9101', paperWidthMm: 80, language: 'zh-CN' })).toMatchObject({ ok: true, config: { transport: { port: 9101 } } });
    expect(printerConfigFromSettings({ printer: 'usb:1', paperWidthMm: 80, language: 'zh-CN' })).toMatchObject({ ok: false, issues: [{ path: 'printer' }] });
    expect(printerConfigFromSettings({ printer: 'serial:/dev/ttyS0@1234', paperWidthMm: 80, language: 'zh-CN' })).toMatchObject({ ok: false, issues: [{ path: 'printer', message: expect.stringContaining('transport.baudRate: must be one of') }] });
  });
});
