// Goods end to end through the app's handler table, a real SQLite journal and the embedded sandbox
// over HTTP: import with bad rows (nothing written), a good import, scans, a goods sale with a
// discount over the limit (manager PIN) and 抹零 paid by a scanned payment code, stock taken, a
// refund of one line with its stock back, held sales across a restart, the goods report, exports.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { computeSale } from '../../../shared/goods/sale.js';
import { DEFAULT_SCALE_FORMAT, makeScaleBarcode } from '../../../shared/goods/barcode.js';
import { call, fail } from '../app/handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 2_000, reconcileIntervalMs: 200, tickMs: 0 };
const apps: RunningApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function start(dataDir = mkdtempSync(join(tmpdir(), 'pos-goods-'))) {
  const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01, engineConfig: FAST });
  apps.push(app);
  return { app, dataDir };
}
const PIN = '0000';
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');

const GOOD_CSV = [
  '货号,名称,售价,条码,单位,分类,称重,PLU,库存',
  'A1,可口可乐 500ml,3.50,6901234567892,瓶,饮料,否,,100',
  'A2,苹果,12.99,4006381333931,件,水果,否,,20',
  'W1,散装大米,6.00,,kg,粮油,是,123,50000',
].join('\n');

describe('goods through the app', () => {
  it('import: bad rows are reported by row and column and nothing is written; then a good file imports', async () => {
    const { app } = await start();
    const bad = GOOD_CSV.replace('6901234567892', '6901234567893').replace('12.99', '12.999') + '\nA1,重复,1,,,,,,';
    const p = await call(app, 'goods.importPreview', { fileName: 'bad.csv', format: 'csv', dataBase64: b64(bad), managerPin: PIN });
    expect(p.token).toBeNull();
    expect(p.problems).toEqual([
      { row: 2, column: '条码', reason: '6901234567893: EAN-13 check digit is 3, should be 2' },
      { row: 3, column: '售价', reason: 'must be yuan with at most two decimals (e.g. 12.50), got "12.999"' },
      { row: 5, column: '货号', reason: 'A1 is also on row 2' },
    ]);
    expect(await call(app, 'goods.search', { text: '' })).toEqual([]);
    expect((await fail(app, 'goods.importPreview', { fileName: 'x.csv', format: 'csv', dataBase64: b64(GOOD_CSV), managerPin: '9999' })).code).toBe('pin_required');
    const ok = await call(app, 'goods.importPreview', { fileName: 'ok.csv', format: 'csv', dataBase64: b64(GOOD_CSV), managerPin: PIN });
    expect(ok).toMatchObject({ rows: 3, adds: 3, updates: 0, problemCount: 0 });
    expect(await call(app, 'goods.importCommit', { token: ok.token!, managerPin: PIN })).toEqual({ added: 3, updated: 0 });
    expect((await fail(app, 'goods.importCommit', { token: ok.token!, managerPin: PIN })).message).toMatch(/no longer current/);
    expect((await call(app, 'goods.search', { text: 'kkkl' })).map((x) => x.code)).toEqual(['A1']);
    expect((await call(app, 'goods.search', { text: 'pg' })).map((x) => x.code)).toEqual(['A2']);
  });

  it('an XLSX imports too, and the export reads back as the same catalogue', async () => {
    const { app } = await start();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    for (const line of GOOD_CSV.split('\n')) ws.addRow(line.split(','));
    const xlsx = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const p = await call(app, 'goods.importPreview', { fileName: 'c.xlsx', format: 'xlsx', dataBase64: b64(xlsx), managerPin: PIN });
    await call(app, 'goods.importCommit', { token: p.token!, managerPin: PIN });
    const e = await call(app, 'goods.export', { format: 'xlsx', managerPin: PIN });
    const again = await call(app, 'goods.importPreview', { fileName: e.fileName, format: 'xlsx', dataBase64: b64(readFileSync(e.path)), managerPin: PIN });
    expect(again).toMatchObject({ rows: 3, adds: 0, updates: 3, problemCount: 0 });
    const csv = await call(app, 'goods.export', { format: 'csv', managerPin: PIN });
    expect(readFileSync(csv.path, 'utf8')).toContain('A2,苹果,12.99,4006381333931,件,水果,否,,否,是,20');
  });

  it('scan, discount with PIN, 抹零, pay by payment code, refund one line: money and stock add up', async () => {
    const { app, dataDir } = await start();
    const p = await call(app, 'goods.importPreview', { fileName: 'ok.csv', format: 'csv', dataBase64: b64(GOOD_CSV), managerPin: PIN });
    await call(app, 'goods.importCommit', { token: p.token!, managerPin: PIN });
    await call(app, 'goods.saveConfig', { values: { rounding: 'jiao', discountThresholdBp: 1000 }, managerPin: PIN });

    const cola = await call(app, 'goods.scan', { code: '6901234567892' });
    expect(cola).toMatchObject({ kind: 'product', product: { code: 'A1', priceFen: 350 } });
    expect(await call(app, 'goods.scan', { code: '6901234567893' })).toMatchObject({ kind: 'bad_check' });
    expect(await call(app, 'goods.scan', { code: '96385074' })).toMatchObject({ kind: 'unknown', addable: true });
    const label = makeScaleBarcode(DEFAULT_SCALE_FORMAT, '00123', 307);
    const rice = await call(app, 'goods.scan', { code: label });
    expect(rice).toMatchObject({ kind: 'weighed', product: { code: 'W1' }, priceFen: 307, weightG: 512 });
    const apple = await call(app, 'goods.scan', { code: '4006381333931' });
    if (cola.kind !== 'product' || apple.kind !== 'product' || rice.kind !== 'weighed') throw new Error('scan kinds');

    const raw = [
      { name: cola.product.name, barcode: cola.barcode, qty: 3, unitFen: 350, productId: cola.product.id, category: '饮料' },
      { name: apple.product.name, barcode: apple.barcode, qty: 2, unitFen: 1299, productId: apple.product.id, category: '水果' },
      { name: `${rice.product.name} 0.512kg`, barcode: rice.barcode, qty: 1, unitFen: rice.priceFen, productId: rice.product.id, category: '粮油', weightG: rice.weightG! },
    ];
    const m = computeSale([raw[0]!, { ...raw[1]!, discount: { kind: 'percent', bp: 2000 } }, raw[2]!], null, 'jiao');
    const lines = raw.map((l, i) => ({ ...l, discountFen: m.lines[i]!.discountFen, amountFen: m.lines[i]!.chargedFen }));
    const adjust = { orderDiscountFen: m.orderDiscountFen, roundingFen: m.roundingFen };
    const sale = { amountFen: m.totalFen, lines, adjust, authCode: '134567890123456700' };
    expect((await fail(app, 'checkout.scan', sale)).code).toBe('pin_required');
    expect((await fail(app, 'checkout.scan', { ...sale, adjust: { ...adjust, roundingFen: 0 }, managerPin: PIN })).message).toMatch(/抹零 rule \(jiao\) gives/);
    expect((await fail(app, 'checkout.scan', { ...sale, lines: [{ ...lines[0]!, unitFen: 300, amountFen: 900 }, lines[1]!, lines[2]!], managerPin: PIN })).message).toMatch(/give a discount instead/);
    const paid = await call(app, 'checkout.scan', { ...sale, managerPin: PIN });
    expect(paid.state).toBe('paid');
    expect((await call(app, 'goods.search', { text: 'A1' }))[0]!.stock).toBe(97);
    expect((await call(app, 'goods.search', { text: 'W1' }))[0]!.stock).toBe(50000 - 512);

    const sl = await call(app, 'goods.saleLines', { outTradeNo: paid.outTradeNo });
    expect(sl.lines.reduce((a, l) => a + l.amountFen, 0)).toBe(m.totalFen);
    expect(sl.roundingFen).toBe(m.roundingFen);
    const detail = await call(app, 'orders.refundLines', { outTradeNo: paid.outTradeNo, lines: [{ lineNo: 2, qty: 1 }], managerPin: PIN });
    expect(detail.refunds).toMatchObject([{ amountFen: Math.floor(sl.lines[1]!.amountFen / 2), state: 'succeeded' }]);
    expect((await call(app, 'goods.search', { text: 'A2' }))[0]!.stock).toBe(19);
    expect((await fail(app, 'orders.refundLines', { outTradeNo: paid.outTradeNo, lines: [{ lineNo: 2, qty: 2 }], managerPin: PIN })).message).toMatch(/has 1 left to refund, not 2/);
    expect((await call(app, 'goods.saleLines', { outTradeNo: paid.outTradeNo })).lines[1]!.refundedQty).toBe(1);

    const report = await call(app, 'goods.report', { date: paid.createdAt.slice(0, 10) });
    expect(report.categories.reduce((a, c) => a + c.takingsFen, 0)).toBe(m.totalFen - detail.refunds[0]!.amountFen);
    expect(report.topItems[0]!.name).toBe('可口可乐 500ml');
    const csv = await call(app, 'goods.exportReport', { date: paid.createdAt.slice(0, 10), format: 'csv' });
    expect(readFileSync(csv.path, 'utf8')).toContain('饮料');
    expect(app.runtime.journal.checkInvariants()).toEqual([]);

    // 挂单 survives a restart; 取单 takes it once.
    const held = await call(app, 'goods.hold', { label: '顾客A', lines: 1, totalFen: 350, draft: { lines: [raw[0]] } });
    await apps.pop()!.close();
    const { app: again } = await start(dataDir);
    expect(await call(again, 'goods.held', {})).toMatchObject([{ id: held.id, label: '顾客A', totalFen: 350 }]);
    expect((await call(again, 'goods.recall', { id: held.id })).draft).toEqual({ lines: [raw[0]] });
    expect((await fail(again, 'goods.recall', { id: held.id })).code).toBe('not_found');
  });

  it('a cash goods sale and the typed-amount mode both still work', async () => {
    const { app } = await start();
    const cash = await call(app, 'checkout.cash', { amountFen: 1234, tenderedFen: 2000 });
    expect(cash.changeFen).toBe(766);
    const scan = await call(app, 'checkout.scan', { amountFen: 500, authCode: '134567890123456700', lines: [{ name: 'tea', qty: 2, unitFen: 250 }] });
    expect(scan.state).toBe('paid');
  });
});
