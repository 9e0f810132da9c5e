// The cashier's X report is BLIND: nothing that reveals the drawer (expected cash, cash amounts,
// float, cash in/out, total net) before the blind count at close — on screen (the report data),
// on paper (ESC/POS bytes decoded), in CSV and in the PDF's HTML, for the open shift by every
// channel that renders it (shift.xReport, shift.report, shift.dayReport, printer.printReport,
// shift.export). The manager PIN (the real ManagerPin, its lockout) opens the full report. The Z
// report stays full. shift.count is the one way to the expected amount: after the count, audited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import type { HandlerTable } from '../../../electron/ipc/types.js';
import { shiftHandlers } from '../../../electron/ipc/handlers/shift.js';
import { printerHandlers } from '../../../electron/ipc/handlers/printer.js';
import { exportHandlers } from '../../../electron/ipc/handlers/export.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { SqlitePrintJobStore } from '../../../electron/printer/sqlite-jobs.js';
import { printerConfigFromSettings } from '../../../electron/printer/config.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { normalizeDoc } from '../../../electron/printer/documents.js';
import { blindReport } from '../../../electron/shift/report.js';
import { MAX_WRONG_PIN_TRIES, PIN_LOCKOUT_MS } from '../../../electron/app/manager-pin.js';
import type { BlindShiftReport, ShiftReport } from '../../../shared/ipc/contract.js';
import { reportDoc, zReport } from '../../fixtures/printer/docs.js';
import { MANAGER_PIN, order, rig } from './helpers.js';

let r: ReturnType<typeof rig>;
afterEach(() => r?.close());

const HIDDEN_ZH = '盲点收银：交班时显示';

/**
 * A till with an open shift: float 100.00, cash sale 12.50, WeChat sale 19.99, cash out 20.00.
 * The drawer should hold 92.50; each drawer figure is a distinct text that must not leak.
 */
async function openTill() {
  r = rig();
  const lp = join(r.dir, 'lp0');
  const cfg = printerConfigFromSettings({ printer: `file:${lp}`, paperWidthMm: 58, language: 'zh-CN' });
  if (!cfg.ok || !cfg.config) throw new Error('config');
  const printer = new PrinterService({ store: new SqlitePrintJobStore(r.journal.db), config: cfg.config, receiptFor: () => null });
  const html: string[] = [];
  const table = {
    ...shiftHandlers(r.shifts),
    ...printerHandlers({ printer, shifts: r.shifts, header: () => ({ shopName: '沙箱便利店', terminalId: 'T01' }), now: r.clock.now }),
    ...exportHandlers({
      shifts: r.shifts,
      exportDir: () => r.dir,
      // What the PDF export would hand to Chromium: kept so its text can be checked.
      renderPdf: async (page) => {
        html.push(page);
        return new TextEncoder().encode('%PDF-1.4 test');
      },
      header: () => ({ shopName: '沙箱便利店', terminalId: 'T01', language: 'zh-CN' }),
      now: r.clock.now,
    }),
  } as HandlerTable;
  const call = (channel: string, payload: unknown) => dispatch(table, channel, payload, { shell: 'browser-host', caller: 'test' });
  /** The text of the last job the printer got (the file printer appends every job). */
  const lastPrinted = () => {
    const p = decodeToPrinted(readFileSync(lp));
    expect(p.problems).toEqual([]);
    const jobs = p.text.split(/(?=X 报表（当班）|交班报表（Z）|日结报表)/);
    return jobs.at(-1)!;
  };
  await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
  await r.shifts.signIn('C07', '2468');
  const { shiftId } = r.shifts.open(10_000);
  order(r.journal, { channel: 'cash', amountFen: 1_250, shiftId });
  order(r.journal, { channel: 'weixin', amountFen: 1_999, shiftId });
  r.shifts.cashMove('out', 2_000, '存银行');
  return { shiftId, call, lastPrinted, html, printer };
}

/** Drawer figures of openTill(), as printed / exported: none may appear in a blind rendering. */
const DRAWER_TEXTS = ['92.50', '100.00', '12.50', '20.00', '32.49'];

function expectBlind(report: ShiftReport): asserts report is BlindShiftReport {
  expect(report.blind).toBe(true);
  if (!report.blind) return;
  expect(report.totalNetFen).toBeNull();
  expect(report.cash).toEqual({ floatFen: null, salesFen: null, refundsFen: null, inFen: null, outFen: null, expectedFen: null, countedFen: null, varianceFen: null });
  const cash = report.channels.find((c) => c.channel === 'cash')!;
  // Counts of cash sales stay; amounts are null, never 0.
  expect(cash).toEqual({ channel: 'cash', salesCount: 1, salesFen: null, refundsCount: 0, refundsFen: null, reversalsCount: 0, reversalsFen: null, netFen: null });
  expect(report.channels.find((c) => c.channel === 'weixin')).toMatchObject({ salesCount: 1, salesFen: 1_999, netFen: 1_999 });
  for (const t of DRAWER_TEXTS) expect(JSON.stringify(report)).not.toContain(String(Number(t) * 100));
}

describe('the X report of an open shift is blind without the manager PIN', () => {
  it('service: xReport, report(open shift) and the day with an open shift are blind; the PIN opens them', async () => {
    const { shiftId } = await openTill();
    expectBlind(r.shifts.xReport());
    expectBlind(r.shifts.report(shiftId));
    const date = r.shifts.store.shift(shiftId)!.businessDate;
    expectBlind(await r.shifts.dayReport(date, { reconcile: 'none' }));

    const full = r.shifts.xReport({ managerPin: MANAGER_PIN });
    expect(full).toMatchObject({ blind: false, totalNetFen: 3_249, cash: { floatFen: 10_000, salesFen: 1_250, outFen: 2_000, expectedFen: 9_250 } });
    expect(r.shifts.report(shiftId, { managerPin: MANAGER_PIN })).toEqual(full);
    expect(await r.shifts.dayReport(date, { reconcile: 'none', managerPin: MANAGER_PIN })).toMatchObject({ blind: false, cash: { expectedFen: 9_250 } });
    // Each opening by the manager is on record.
    expect(r.journal.audit.entries(`shift:${shiftId}`).filter((e) => e.kind === 'shift.report_revealed')).toHaveLength(2);
    expect(r.journal.audit.entries(`day:${date}`).map((e) => e.kind)).toEqual(['shift.report_revealed']);
  });

  it('a wrong manager PIN is the typed error, and the manager PIN lockout holds here too', async () => {
    await openTill();
    expect(() => r.shifts.xReport({ managerPin: '1111' })).toThrow(expect.objectContaining({ code: 'pin_required', message: 'managerPin: wrong manager PIN' }));
    expect(() => r.shifts.xReport({ managerPin: '' })).toThrow(expect.objectContaining({ code: 'pin_required' }));
    for (let i = 1; i < MAX_WRONG_PIN_TRIES; i++) expect(() => r.shifts.xReport({ managerPin: '1111' })).toThrow(expect.objectContaining({ code: 'pin_required' }));
    // Locked: even the right PIN is refused until the lockout is over.
    expect(() => r.shifts.xReport({ managerPin: MANAGER_PIN })).toThrow(expect.objectContaining({ code: 'pin_required', message: expect.stringContaining('locked') }));
    r.clock.advance(PIN_LOCKOUT_MS + 1);
    expect(r.shifts.xReport({ managerPin: MANAGER_PIN }).blind).toBe(false);
  });

  it('over IPC: strict payload, no PIN → blind (null, not 0), wrong PIN → pin_required, right PIN → full', async () => {
    const { call, shiftId } = await openTill();
    const blind = await call('shift.xReport', {});
    expect(blind.ok).toBe(true);
    if (blind.ok) expectBlind(blind.value as ShiftReport);
    expect(await call('shift.xReport', { managerPin: '12' })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'managerPin' }] } });
    expect(await call('shift.xReport', { pin: MANAGER_PIN })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await call('shift.xReport', { managerPin: '9999' })).toMatchObject({ ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } });
    expect(await call('shift.xReport', { managerPin: MANAGER_PIN })).toMatchObject({ ok: true, value: { blind: false, cash: { expectedFen: 9_250 } } });
    const report = await call('shift.report', { shiftId });
    if (report.ok) expectBlind(report.value as ShiftReport);
    else throw new Error(report.error.message);
    expect(await call('shift.report', { shiftId, managerPin: '9999' })).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    expect(await call('shift.report', { shiftId, managerPin: MANAGER_PIN })).toMatchObject({ ok: true, value: { blind: false, cash: { expectedFen: 9_250 } } });
    const date = r.shifts.store.shift(shiftId)!.businessDate;
    const day = await call('shift.dayReport', { date });
    if (day.ok) expectBlind(day.value as ShiftReport);
    else throw new Error(day.error.message);
    expect(await call('shift.dayReport', { date, managerPin: MANAGER_PIN })).toMatchObject({ ok: true, value: { blind: false, cash: { expectedFen: 9_250 } } });
  });

  it('printed X report (ESC/POS bytes decoded): no drawer figure without the PIN, each hidden cell says so; full with it', async () => {
    const { call, lastPrinted, shiftId } = await openTill();
    expect(await call('printer.printReport', {})).toMatchObject({ ok: true });
    const text = lastPrinted();
    expect(text).toContain('X 报表（当班）');
    expect(text).toContain('盲点收银：现金金额交班清点后显示');
    expect(text).toMatch(/应有现金 +盲点收银：交班时显示/);
    expect(text).toMatch(/备用金 +盲点收银：交班时显示/);
    expect(text).toMatch(/合计净额 +盲点收银：交班时显示/);
    expect(text).toMatch(/销售 1笔 +19\.99/); // WeChat: shown
    expect(text).toMatch(/销售 1笔 +盲点收银：交班时显示/); // cash: the count, not the amount
    for (const t of DRAWER_TEXTS) expect(text).not.toContain(t);
    expect(text).not.toMatch(/应有现金 +0\.00/);

    // The open shift by id, and the day with it open: blind too.
    expect(await call('printer.printReport', { shiftId })).toMatchObject({ ok: true });
    for (const t of DRAWER_TEXTS) expect(lastPrinted()).not.toContain(t);
    const date = r.shifts.store.shift(shiftId)!.businessDate;
    expect(await call('printer.printReport', { date })).toMatchObject({ ok: true });
    expect(lastPrinted()).toContain('日结报表');
    for (const t of DRAWER_TEXTS) expect(lastPrinted()).not.toContain(t);

    expect(await call('printer.printReport', { managerPin: '9999' })).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    expect(await call('printer.printReport', { managerPin: MANAGER_PIN })).toMatchObject({ ok: true });
    const full = lastPrinted();
    expect(full).toMatch(/应有现金 +92\.50/);
    expect(full).not.toContain(HIDDEN_ZH);
  });

  it('CSV and PDF export of the open shift: the hidden cells in words, no drawer figure; full with the PIN', async () => {
    const { call, html, shiftId } = await openTill();
    const csv = await call('shift.export', { format: 'csv' });
    if (!csv.ok) throw new Error(csv.error.message);
    const text = readFileSync((csv.value as { path: string }).path, 'utf8');
    const rows = text.slice(1).split('\r\n').map((l) => l.split(','));
    expect(rows).toContainEqual(['应有现金', HIDDEN_ZH]);
    expect(rows).toContainEqual(['备用金', HIDDEN_ZH]);
    expect(rows).toContainEqual(['取出', HIDDEN_ZH]);
    expect(rows).toContainEqual(['现金', '1', HIDDEN_ZH, '0', HIDDEN_ZH, '0', HIDDEN_ZH, HIDDEN_ZH]);
    expect(rows).toContainEqual(['微信支付', '1', '19.99', '0', '0.00', '0', '0.00', '19.99']);
    expect(rows.find((row) => row[0] === '合计')).toEqual(['合计', '2', HIDDEN_ZH, '0', HIDDEN_ZH, '0', HIDDEN_ZH, HIDDEN_ZH]);
    for (const t of DRAWER_TEXTS) expect(text).not.toContain(t);

    for (const payload of [{ format: 'pdf' }, { format: 'pdf', shiftId }, { format: 'csv', shiftId }]) {
      const out = await call('shift.export', payload);
      if (!out.ok) throw new Error(out.error.message);
    }
    expect(html).toHaveLength(2);
    for (const page of html) {
      expect(page).toContain('盲点收银：现金金额交班清点后显示');
      expect(page).toContain(HIDDEN_ZH);
      for (const t of DRAWER_TEXTS) expect(page).not.toContain(t);
    }

    expect(await call('shift.export', { format: 'csv', managerPin: '9999' })).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    const fullCsv = await call('shift.export', { format: 'csv', managerPin: MANAGER_PIN });
    if (!fullCsv.ok) throw new Error(fullCsv.error.message);
    const full = readFileSync((fullCsv.value as { path: string }).path, 'utf8');
    expect(full).toContain('应有现金,92.50');
    expect(full).not.toContain(HIDDEN_ZH);
    await call('shift.export', { format: 'pdf', managerPin: MANAGER_PIN });
    expect(html.at(-1)).toContain('92.50');
  });

  it('the Z report after the close is full without any PIN, on every path', async () => {
    const { call, lastPrinted, html, shiftId } = await openTill();
    await call('shift.count', { countedFen: 9_250 });
    const z = await call('shift.close', { countedFen: 9_250 });
    expect(z).toMatchObject({ ok: true, value: { title: 'Z', blind: false, cash: { expectedFen: 9_250, countedFen: 9_250, varianceFen: 0 } } });
    expect(await call('shift.report', { shiftId })).toEqual(z);
    expect(await call('printer.printReport', { shiftId })).toMatchObject({ ok: true });
    expect(lastPrinted()).toMatch(/应有现金 +92\.50/);
    const csv = await call('shift.export', { shiftId, format: 'csv' });
    if (!csv.ok) throw new Error(csv.error.message);
    expect(readFileSync((csv.value as { path: string }).path, 'utf8')).toContain('应有现金,92.50');
    await call('shift.export', { shiftId, format: 'pdf' });
    expect(html.at(-1)).toContain('92.50');
    // The day, every shift closed: full.
    const date = r.shifts.store.shift(shiftId)!.businessDate;
    expect(await call('shift.dayReport', { date })).toMatchObject({ ok: true, value: { blind: false, cash: { expectedFen: 9_250, countedFen: 9_250 } } });
  });
});

describe('the count is the way to the expected amount', () => {
  it('shift.count tells expected vs counted only after the count, audits each distinct count, and the close still works', async () => {
    const { call, shiftId } = await openTill();
    expect(await call('shift.count', { countedFen: 8_000, denominations: { '50': 1, '20': 1 } })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'denominations' }] } });
    expect(await call('shift.count', { countedFen: -1 })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'countedFen' }] } });
    const review = await call('shift.count', { countedFen: 8_000, denominations: { '50': 1, '20': 1, '10': 1 } });
    expect(review).toEqual({ ok: true, value: { shiftId, countedFen: 8_000, expectedFen: 9_250, varianceFen: -1_250, thresholdFen: 1_000, needsApproval: true, counts: 1, firstCountedFen: 8_000, firstVarianceFen: -1_250, openOrders: [] } });
    // Asked again (after a "query now"): the same count is not a new one.
    await call('shift.count', { countedFen: 8_000, denominations: { '50': 1, '20': 1, '10': 1 } });
    const counted = () => r.journal.audit.entries(`shift:${shiftId}`).filter((e) => e.kind === 'shift.counted');
    expect(counted()).toHaveLength(1);
    expect(JSON.parse(String(counted()[0]!.data))).toEqual({ cashierId: 'C07', countedFen: 8_000, denominations: { '50': 1, '20': 1, '10': 1 }, expectedFen: 9_250, varianceFen: -1_250, count: 1 });
    // A second count (recount after seeing the expected amount) is on record too, and the first
    // count's variance still needs the manager.
    expect(await call('shift.count', { countedFen: 9_250 })).toMatchObject({ ok: true, value: { varianceFen: 0, needsApproval: true, counts: 2, firstCountedFen: 8_000, firstVarianceFen: -1_250 } });
    expect(counted().map((e) => (JSON.parse(String(e.data)) as { countedFen: number }).countedFen)).toEqual([8_000, 9_250]);
    expect(await call('shift.close', { countedFen: 9_250 })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'varianceReason' }] } });
    expect(await call('shift.close', { countedFen: 9_250, varianceReason: '先数错了' , managerPin: MANAGER_PIN })).toMatchObject({ ok: true, value: { title: 'Z', cash: { varianceFen: 0, counts: 2, firstCountedFen: 8_000, firstVarianceFen: -1_250 } } });
    expect(counted()).toHaveLength(2);
    expect(await call('shift.count', { countedFen: 0 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('a count needs a signed-in cashier and an open shift', async () => {
    const { call } = await openTill();
    r.shifts.signOut();
    expect(await call('shift.count', { countedFen: 0 })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('sign in') } });
  });

  it('a refused cash-out names no drawer figure', async () => {
    const { call } = await openTill();
    const out = await call('shift.cashMove', { direction: 'out', amountFen: 9_251, reason: '存银行' });
    expect(out).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'amountFen' }] } });
    for (const t of DRAWER_TEXTS) expect(JSON.stringify(out)).not.toContain(t);
    expect(await call('shift.cashMove', { direction: 'out', amountFen: 9_250, reason: '存银行' })).toMatchObject({ ok: true });
  });
});

describe('the report schema tells a blind report from a full one', () => {
  it('refuses a blind report that carries a cash amount, and a blind Z report', () => {
    const x = { ...zReport, title: 'X' as const, to: null, cash: { ...zReport.cash, countedFen: null, varianceFen: null } };
    const blind = blindReport(x);
    expect(normalizeDoc(reportDoc(blind)).ok).toBe(true);
    const leaky = { ...blind, channels: blind.channels.map((c) => (c.channel === 'cash' ? { ...c, netFen: 0 } : c)) };
    expect(normalizeDoc(reportDoc(leaky as unknown as ShiftReport))).toMatchObject({ ok: false, issues: [{ path: 'report.channels.5', message: 'cash amounts must be null in a blind report' }] });
    const zero = { ...blind, cash: { ...blind.cash, expectedFen: 0 } };
    expect(normalizeDoc(reportDoc(zero as unknown as ShiftReport))).toMatchObject({ ok: false, issues: [{ path: 'report.cash.expectedFen' }] });
    expect(normalizeDoc(reportDoc({ ...blind, title: 'Z' } as unknown as ShiftReport)).ok).toBe(false);
    expect(() => blindReport(zReport)).toThrow(/never blind/);
  });

  it('reads a report stored before the flag existed as full', () => {
    const { blind: _, ...old } = zReport;
    const r2 = normalizeDoc(reportDoc(old as unknown as ShiftReport));
    expect(r2.ok && r2.doc.kind === 'report' && r2.doc.report.blind).toBe(false);
  });
});
