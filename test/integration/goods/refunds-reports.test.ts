// Goods refunds and the goods section of the shift reports, through the app's handler table (real
// SQLite journal, embedded sandbox over HTTP):
// - an AMOUNT refund of a goods sale: in part it is refused naming refund by line (nothing moves);
//   in full it gives back every line still sold, so their stock returns;
// - a refund by line, then the history view of the lines (refunded quantity);
// - the X report (blind: quantities only; manager: takings), the Z report, the 日结 and the shift
//   CSV carry the goods section, and its takings add up with the channels' net;
// - weighed goods count in grams; a line refunded in a later shift is taken off that shift's goods
//   (as the channel refunds are), the closed shift's Z stays as closed, the 日结 nets both;
// - a shop that sells no goods gets no goods section.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { computeSale } from '../../../shared/goods/sale.js';
import type { GoodsFigures } from '../../../shared/ipc/goods.js';
import { DEFAULT_SCALE_FORMAT, makeScaleBarcode } from '../../../shared/goods/barcode.js';
import { call, fail } from '../app/handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 2_000, reconcileIntervalMs: 200, tickMs: 0 };
const PIN = '0000';
const apps: RunningApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-goods-rr-'));
  const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01, engineConfig: FAST });
  apps.push(app);
  return app;
}

const CSV = ['货号,名称,售价,条码,分类,库存,称重,PLU', 'A1,可口可乐 500ml,3.50,6901234567892,饮料,100,否,', 'A2,苹果,12.99,4006381333931,水果,20,否,', 'W1,散装大米,6.00,,粮油,50000,是,123'].join('\n');

async function openShop(app: RunningApp) {
  const p = await call(app, 'goods.importPreview', { fileName: 'c.csv', format: 'csv', dataBase64: Buffer.from(CSV).toString('base64'), managerPin: PIN });
  await call(app, 'goods.importCommit', { token: p.token!, managerPin: PIN });
  await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: PIN });
  await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
  return call(app, 'shift.open', { floatFen: 10_000 });
}

/** A goods sale as the checkout sends it (catalogue prices, no discount, no 抹零). */
async function goodsSale(app: RunningApp, items: [code: string, qty: number][]) {
  const raw = [];
  for (const [code, qty] of items) {
    const p = (await call(app, 'goods.search', { text: code }))[0]!;
    raw.push({ name: p.name, barcode: p.barcodes[0]!, qty, unitFen: p.priceFen, productId: p.id, category: p.category });
  }
  const m = computeSale(raw, null, 'none');
  const lines = raw.map((l, i) => ({ ...l, discountFen: m.lines[i]!.discountFen, amountFen: m.lines[i]!.chargedFen }));
  return { amountFen: m.totalFen, lines, adjust: { orderDiscountFen: m.orderDiscountFen, roundingFen: m.roundingFen } };
}
const stock = async (app: RunningApp, code: string) => (await call(app, 'goods.search', { text: code }))[0]!.stock;
const catTakings = (g: GoodsFigures) => g.categories.reduce((a, c) => a + c.takingsFen, 0);

describe('goods refunds and the goods section of the reports', () => {
  it('amount refunds of a goods sale, refund by line, and X / Z / 日结 / CSV with the goods that add up', async () => {
    const app = await start();
    await openShop(app);
    // Sale 1 by payment code: 3 cola + 2 apples = 10.50 + 25.98 = 36.48.
    const paid = await call(app, 'checkout.scan', { ...(await goodsSale(app, [['A1', 3], ['A2', 2]])), authCode: '134567890123456700' });
    expect(paid).toMatchObject({ state: 'paid', amountFen: 3648 });
    // Sale 2 in cash: 1 cola. Sale 3: a typed amount (no catalogue).
    const cash = await call(app, 'checkout.cash', { ...(await goodsSale(app, [['A1', 1]])), tenderedFen: 500 });
    const typed = await call(app, 'checkout.scan', { amountFen: 2000, authCode: '134567890123456800' });
    expect([await stock(app, 'A1'), await stock(app, 'A2')]).toEqual([96, 18]);

    // An amount refund in part of a goods sale: refused, naming refund by line; nothing moves.
    const part = await fail(app, 'orders.refund', { outTradeNo: paid.outTradeNo, amountFen: 1000, managerPin: PIN });
    expect(part).toMatchObject({ code: 'conflict', issues: [{ path: 'amountFen' }] });
    expect(part.message).toMatch(/refund the returned items by line/);
    expect((await call(app, 'orders.get', { outTradeNo: paid.outTradeNo })).refunds).toEqual([]);
    // A typed-amount sale still refunds in part by amount.
    expect((await call(app, 'orders.refund', { outTradeNo: typed.outTradeNo, amountFen: 500, managerPin: PIN })).refundedFen).toBe(500);

    // Refund by line: one apple; its stock comes back; history shows it refunded.
    const byLine = await call(app, 'orders.refundLines', { outTradeNo: paid.outTradeNo, lines: [{ lineNo: 2, qty: 1 }], managerPin: PIN });
    expect(byLine.refunds).toMatchObject([{ amountFen: 1299, state: 'succeeded' }]);
    expect(await stock(app, 'A2')).toBe(19);
    const view = await call(app, 'goods.saleLines', { outTradeNo: paid.outTradeNo });
    expect(view).toMatchObject({ goods: true, chargedFen: 3648, orderDiscountFen: 0, roundingFen: 0 });
    expect(view.lines.map((l) => [l.name, l.qty, l.unitFen, l.amountFen, l.refundedQty])).toEqual([['可口可乐 500ml', 3, 350, 1050, 0], ['苹果', 2, 1299, 2598, 1]]);
    expect((await call(app, 'goods.saleLines', { outTradeNo: typed.outTradeNo })).goods).toBe(false);
    // An amount refund "in part" equal to what is left is a full refund: all the rest by line.
    const rest = await call(app, 'orders.refund', { outTradeNo: paid.outTradeNo, amountFen: 3648 - 1299, managerPin: PIN });
    expect(rest.refundableFen).toBe(0);
    expect([await stock(app, 'A1'), await stock(app, 'A2')]).toEqual([99, 20]);
    // The cash sale refunded in full (no amount): its cola goes back too.
    await call(app, 'orders.refund', { outTradeNo: cash.outTradeNo, managerPin: PIN });
    expect(await stock(app, 'A1')).toBe(100);
    expect((await call(app, 'goods.saleLines', { outTradeNo: cash.outTradeNo })).lines[0]!.refundedQty).toBe(1);

    // Sale 4, kept: 2 apples.
    await call(app, 'checkout.scan', { ...(await goodsSale(app, [['A2', 2]])), authCode: '134567890123456900' });

    // The cashier's X report: goods quantities, no takings (they would reveal the drawer).
    const blind = await call(app, 'shift.xReport', {});
    expect(blind.blind).toBe(true);
    expect(blind.goods?.categories.map((c) => [c.category, c.qty, c.takingsFen])).toEqual([['水果', 2, null], ['饮料', 0, null]]);
    expect(blind.goods?.typedFen).toBeNull();
    // The manager's X report: takings; everything sold less everything refunded by line.
    const x = await call(app, 'shift.xReport', { managerPin: PIN });
    if (x.blind || !x.goods) throw new Error('a full X report with goods');
    // Every cola sold was refunded: no top item.
    expect(x.goods.topItems.map((i) => [i.name, i.qty, i.takingsFen])).toEqual([['苹果', 2, 2598]]);
    expect(x.goods.refundedFen).toBe(3648 + 350);
    expect(x.goods.typedFen).toBe(2000);
    // Goods takings + typed amounts − what was refunded by amount only (500 of the typed sale) = the channels' net.
    expect(catTakings(x.goods) + x.goods.typedFen - 500).toBe(x.totalNetFen);

    // Close: Z, 日结 and the shift CSV carry the same goods.
    const counted = x.cash.expectedFen;
    await call(app, 'shift.count', { countedFen: counted });
    const z = await call(app, 'shift.close', { countedFen: counted });
    expect(z.goods).toEqual(x.goods);
    const day = await call(app, 'shift.dayReport', { date: paid.createdAt.slice(0, 10), managerPin: PIN });
    expect(day.goods).toEqual(x.goods);
    const csv = readFileSync((await call(app, 'shift.export', { shiftId: z.shiftIds[0]!, format: 'csv' })).path, 'utf8');
    expect(csv).toContain('商品销售');
    expect(csv).toMatch(/苹果,A2,2,0,25\.98/);
    expect(csv).toMatch(/水果,,2,0,25\.98/);
    expect(app.runtime.journal.checkInvariants()).toEqual([]);
  });

  it('a weighed line counts in grams; a line refunded in a later shift is taken off that shift, and the day nets both', async () => {
    const app = await start();
    await openShop(app);
    const label = makeScaleBarcode(DEFAULT_SCALE_FORMAT, '00123', 307);
    const rice = await call(app, 'goods.scan', { code: label });
    if (rice.kind !== 'weighed') throw new Error('a scale label');
    const riceLine = { name: rice.product.name, barcode: label, qty: 1, unitFen: rice.priceFen, productId: rice.product.id, category: '粮油', weightG: rice.weightG!, discountFen: 0, amountFen: rice.priceFen };
    const cola = await goodsSale(app, [['A1', 2]]);
    const paid = await call(app, 'checkout.scan', { amountFen: cola.amountFen + rice.priceFen, lines: [...cola.lines, riceLine], adjust: cola.adjust, authCode: '134567890123456700' });
    const x1 = await call(app, 'shift.xReport', { managerPin: PIN });
    expect(x1.goods?.categories.find((c) => c.category === '粮油')).toEqual({ category: '粮油', qty: 0, weightG: 512, takingsFen: 307 });
    await call(app, 'shift.count', { countedFen: 10_000 });
    const z1 = await call(app, 'shift.close', { countedFen: 10_000 });
    expect(z1.goods?.refundedFen).toBe(0);

    // Next shift: the rice comes back.
    await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
    const s2 = await call(app, 'shift.open', { floatFen: 10_000 });
    await call(app, 'orders.refundLines', { outTradeNo: paid.outTradeNo, lines: [{ lineNo: 2, qty: 1 }], managerPin: PIN });
    expect(await stock(app, 'W1')).toBe(50_000);
    const x2 = await call(app, 'shift.xReport', { managerPin: PIN });
    if (x2.blind || !x2.goods) throw new Error('shift 2 has the refunded line');
    expect(x2.goods.categories).toEqual([{ category: '粮油', qty: 0, weightG: -512, takingsFen: -307 }]);
    expect(x2.goods.refundedFen).toBe(307);
    expect(catTakings(x2.goods) + x2.goods.typedFen).toBe(x2.totalNetFen);
    // The closed shift's Z is as it was closed; the day nets the sale and the refund.
    expect((await call(app, 'shift.report', { shiftId: z1.shiftIds[0]! })).goods).toEqual(z1.goods);
    const day = await call(app, 'shift.dayReport', { date: paid.createdAt.slice(0, 10), managerPin: PIN });
    if (day.blind || !day.goods) throw new Error('a full day report with goods');
    expect(day.goods.categories.map((c) => [c.category, c.qty, c.weightG, c.takingsFen])).toEqual([['饮料', 2, 0, 700], ['粮油', 0, 0, 0]]);
    expect(day.goods.topItems.map((i) => i.name)).toEqual(['可口可乐 500ml']);
    expect(catTakings(day.goods) + day.goods.typedFen).toBe(day.totalNetFen);
    expect(s2.shiftId).not.toBe(z1.shiftIds[0]);
  });

  it('a goods sale that had an amount refund before the rule is refunded in full by amount; its stock is not returned', async () => {
    const app = await start();
    await openShop(app);
    const paid = await call(app, 'checkout.scan', { ...(await goodsSale(app, [['A1', 2]])), authCode: '134567890123456700' });
    // As a till before this rule did: an amount refund straight through the engine, no lines.
    await app.runtime.engine().refund({ outTradeNo: paid.outTradeNo, amountFen: 100 });
    expect(await stock(app, 'A1')).toBe(98);
    const rest = await call(app, 'orders.refund', { outTradeNo: paid.outTradeNo, managerPin: PIN });
    expect(rest).toMatchObject({ refundedFen: 700, refundableFen: 0 });
    // The lines no longer add up to what was left: no line was given back, the stock stays.
    expect(await stock(app, 'A1')).toBe(98);
    expect((await call(app, 'goods.saleLines', { outTradeNo: paid.outTradeNo })).lines[0]!.refundedQty).toBe(0);
  });

  it('a shop that sells no goods gets no goods section', async () => {
    const app = await start();
    await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: PIN });
    await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
    await call(app, 'shift.open', { floatFen: 0 });
    await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
    const x = await call(app, 'shift.xReport', { managerPin: PIN });
    expect(x).not.toHaveProperty('goods');
    await call(app, 'shift.count', { countedFen: 0 });
    const z = await call(app, 'shift.close', { countedFen: 0 });
    expect(z).not.toHaveProperty('goods');
    const csv = readFileSync((await call(app, 'shift.export', { shiftId: z.shiftIds[0]!, format: 'csv' })).path, 'utf8');
    expect(csv).not.toContain('商品销售');
  });
});
