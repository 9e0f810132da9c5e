// Refund slips from the journal and printed when a refund succeeds: a real journal file, the real
// printer service on a file printer, the printer.* channels through the real dispatcher. The refunds
// are made with the journal's own API (the wired till's are in test/integration/app/refund-slip.test.ts).
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import type { HandlerTable } from '../../../electron/ipc/types.js';
import { printerHandlers } from '../../../electron/ipc/handlers/printer.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { SqlitePrintJobStore } from '../../../electron/printer/sqlite-jobs.js';
import { printerConfigFromSettings } from '../../../electron/printer/config.js';
import { refundSlipFromJournal } from '../../../electron/printer/from-journal.js';
import { RefundSlips } from '../../../electron/printer/refund-slips.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { MANAGER_PIN, order, rig } from '../shift/helpers.js';

const HEADER = { shopName: '沙箱便利店', terminalId: 'T01' };
let r: ReturnType<typeof rig>;
afterEach(() => r?.close());

async function setup() {
  r = rig();
  await r.shifts.addCashier({ id: 'C07', name: '王小明', pin: '2468' }, MANAGER_PIN);
  await r.shifts.signIn('C07', '2468');
  const shiftId = r.shifts.open(0).shiftId;
  const lp = join(r.dir, 'lp0');
  const cfg = printerConfigFromSettings({ printer: `file:${lp}`, paperWidthMm: 80, language: 'zh-CN' });
  if (!cfg.ok || !cfg.config) throw new Error('config');
  const printer = new PrinterService({ store: new SqlitePrintJobStore(r.journal.db), config: cfg.config, refundSlipFor: (no) => refundSlipFromJournal(r.journal, no, HEADER) });
  const slips = new RefundSlips({ printer, journal: r.journal, header: () => HEADER, sinceMs: r.clock.now() });
  const table = printerHandlers({ printer, shifts: r.shifts, header: () => HEADER }) as HandlerTable;
  const call = (channel: string, payload: unknown) => dispatch(table, channel, payload, { shell: 'browser-host', caller: 'test' });
  const printed = () => (existsSync(lp) ? decodeToPrinted(readFileSync(lp)).text : '');
  return { printer, slips, call, printed, shiftId };
}

/** A goods sale in cash: 3 cola at 3.50, rice weighed 1.300 kg for 7.80, 2 apples at 12.99 = 44.28. */
function goodsSale(shiftId: number): string {
  const lines = [
    { name: '可口可乐 500ml', qty: 3, unitFen: 350, amountFen: 1050 },
    { name: '散装大米', qty: 1, unitFen: 780, weightG: 1300, amountFen: 780 },
    { name: '红富士苹果', qty: 2, unitFen: 1299, amountFen: 2598 },
  ];
  return r.journal.recordCash({ amountFen: 4428, tenderedFen: 5000, lines, shiftId }).attempt.outTradeNo;
}

function refund(outTradeNo: string, amountFen: number, o: { lines?: { lineNo: number; qty: number }[]; reason?: string; shiftId: number | null }) {
  return r.journal.createRefund({ outTradeNo, amountFen, reason: o.reason ?? null, shiftId: o.shiftId, dueAtMs: 0, lines: o.lines }).outRefundNo;
}

describe('the refund slip built from the journal', () => {
  it('a refund by line: the original order, refund number, amounts in fen, reason, cashier and the lines given back', async () => {
    const { shiftId } = await setup();
    const no = goodsSale(shiftId);
    const rno = refund(no, 350 + 780 + 1299, { lines: [{ lineNo: 1, qty: 1 }, { lineNo: 2, qty: 1 }, { lineNo: 3, qty: 1 }], reason: '顾客退货', shiftId });
    r.journal.refundTransition(rno, 'succeeded', { source: 'refund' });
    expect(refundSlipFromJournal(r.journal, rno, HEADER)).toEqual({
      kind: 'refund',
      refund: {
        shopName: '沙箱便利店', terminalId: 'T01', cashierId: 'C07', cashierName: '王小明', at: expect.any(String), channel: 'cash',
        outTradeNo: no, tradeNo: null, outRefundNo: rno, refundFen: 2429, originalFen: 4428, state: 'succeeded', reason: '顾客退货',
        lines: [
          { name: '可口可乐 500ml', qty: 1, amountFen: 350 },
          { name: '散装大米', qty: 1, weightG: 1300, amountFen: 780 },
          { name: '红富士苹果', qty: 1, amountFen: 1299 },
        ],
      },
    });
  });

  it('a refund by amount has no lines; an unknown refund number has no slip', async () => {
    const { shiftId } = await setup();
    const no = order(r.journal, { channel: 'weixin', amountFen: 1000, shiftId });
    const rno = refund(no, 300, { shiftId });
    const doc = refundSlipFromJournal(r.journal, rno, HEADER);
    expect(doc).toMatchObject({ kind: 'refund', refund: { outTradeNo: no, refundFen: 300, originalFen: 1000, state: 'created', reason: null } });
    expect(doc?.kind === 'refund' && 'lines' in doc.refund).toBe(false);
    expect(refundSlipFromJournal(r.journal, 'R_nope', HEADER)).toBeNull();
  });
});

describe('refund slips printed when a refund succeeds', () => {
  it('prints each succeeded refund once, with the lines and yuan amounts; nothing for one still processing', async () => {
    const { printer, slips, printed, shiftId } = await setup();
    const no = goodsSale(shiftId);
    const first = refund(no, 2598, { lines: [{ lineNo: 3, qty: 2 }], reason: '坏果', shiftId });
    r.journal.refundTransition(first, 'succeeded', { source: 'refund' });
    slips.printNew(no);
    slips.printNew(no);
    await printer.idle();
    expect(printer.jobs({ limit: 10 })).toMatchObject([{ kind: 'refund', ref: first, state: 'printed', reprintOf: null }]);
    const text = printed();
    expect(text).toContain('退款单');
    expect(text).toContain(`商户单号: ${no}`);
    expect(text).toContain(`退款单号: ${first}`);
    expect(text).toMatch(/^红富士苹果 +2 +25\.98$/m);
    expect(text).toMatch(/^原订单金额 +44\.28$/m);
    expect(text).toMatch(/^退款金额 +25\.98$/m);
    expect(text).toContain('原因: 坏果');
    expect(text).toContain('收银员: C07 王小明');
    expect(text).not.toContain('重印');

    // A mobile refund the gateway answered PROCESSING: no slip until it succeeds.
    const wx = order(r.journal, { channel: 'weixin', amountFen: 1999, shiftId });
    const second = refund(wx, 1999, { shiftId });
    r.journal.refundTransition(second, 'processing', { source: 'refund', next: { dueAtMs: 0 } });
    slips.printNew(wx);
    expect(printer.has('refund', second)).toBe(false);
    r.journal.refundTransition(second, 'succeeded', { source: 'refund' });
    slips.printNew(wx);
    await printer.idle();
    expect(printed().match(/^退款单$/gm)).toHaveLength(2);
    expect(printed()).toMatch(/^退款金额 +19\.99$/m);
  });

  it('follows the engine: a refund settled later by owed work prints on the progress of its order', async () => {
    const { printer, slips, shiftId } = await setup();
    const engine = new EventEmitter();
    const stop = slips.follow(engine);
    const no = order(r.journal, { channel: 'alipay', amountFen: 500, shiftId });
    const rno = refund(no, 500, { shiftId });
    r.journal.refundTransition(rno, 'succeeded', { source: 'refund' });
    // A payment still in the air has no refunds: not even looked at.
    engine.emit('progress', { outTradeNo: no, state: 'pending' });
    expect(printer.has('refund', rno)).toBe(false);
    engine.emit('progress', { outTradeNo: no, state: 'paid' });
    expect(printer.has('refund', rno)).toBe(true);
    stop();
    const later = refund(order(r.journal, { channel: 'alipay', amountFen: 100, shiftId }), 100, { shiftId });
    r.journal.refundTransition(later, 'succeeded', { source: 'refund' });
    engine.emit('progress', { outTradeNo: r.journal.attemptById(r.journal.refund(later)!.attemptId)!.outTradeNo, state: 'paid' });
    expect(printer.has('refund', later)).toBe(false);
    await printer.idle();
  });

  it('a refund that succeeded before the till started is not printed by itself; 补打退款单 prints it, marked 重印', async () => {
    const { printer, call, printed, shiftId } = await setup();
    const no = order(r.journal, { channel: 'cash', amountFen: 800, shiftId });
    const rno = refund(no, 800, { reason: '不要了', shiftId });
    r.journal.refundTransition(rno, 'succeeded', { source: 'refund' });
    r.clock.advance(60_000);
    const restarted = new RefundSlips({ printer, journal: r.journal, header: () => HEADER, sinceMs: r.clock.now() });
    restarted.printNew(no);
    expect(printer.has('refund', rno)).toBe(false);

    // Never printed: built from the journal, marked as a copy.
    expect(await call('printer.reprintRefund', { outRefundNo: rno })).toEqual({ ok: true, value: { jobId: 1 } });
    expect(printed()).toContain('** 重印 **');
    expect(printed()).toMatch(/^退款金额 +8\.00$/m);
    expect(printed()).toContain('不要了');
    // Again: a copy of that job. It counts as the slip: the refund is not printed by itself any more.
    expect(await call('printer.reprintRefund', { outRefundNo: rno })).toEqual({ ok: true, value: { jobId: 2 } });
    expect(printer.jobs({ limit: 10 })).toMatchObject([{ id: 2, kind: 'refund', ref: rno, reprintOf: 1 }, { id: 1, kind: 'refund', ref: rno, reprintOf: null }]);
    expect(printer.has('refund', rno)).toBe(true);
    expect(await call('printer.reprintRefund', { outRefundNo: 'R_nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('printer.reprintRefund', { outRefundNo: 'R-1' })).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'outRefundNo' }] } });
  });
});
