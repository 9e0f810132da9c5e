// Refund slips in the wired till, through the one handler table the renderer uses (real journal
// file, embedded sandbox over HTTP, real engine, the file printer the receipts print on):
// - a refund by amount prints a slip at once: the order, the refund number, the amount in yuan,
//   the reason and the cashier;
// - a refund by goods line (cash) prints the lines given back, and their stock is back;
// - a refund whose answer was lost prints nothing until its owed work settles it, then its slip;
// - 补打退款单 prints a copy marked 重印.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { call, dropAnswers } from './handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 2_000, reconcileIntervalMs: 200, tickMs: 0, refundBackoff: { firstMs: 200, factor: 1, maxMs: 200 } };
const PIN = '0000';
const apps: RunningApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

async function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-refund-slip-'));
  const out = join(dataDir, 'printer.bin');
  const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale: 0.01, engineConfig: FAST });
  apps.push(app);
  await call(app, 'settings.save', { values: { printer: `file:${out}`, paperWidthMm: 80 }, managerPin: PIN });
  await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: PIN });
  await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
  await call(app, 'shift.open', { floatFen: 10_000 });
  /** The refund slips printed so far (receipts print on the same roll), each as text. */
  const slips = () => (existsSync(out) ? decodeToPrinted(readFileSync(out)).text.split(/^退款单$/m).slice(1) : []);
  return { app, slips };
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within 10 s`);
}

describe('refund slips in the wired till', () => {
  it('a refund by amount prints its slip at once: order, refund number, yuan, reason, cashier', async () => {
    const { app, slips } = await start();
    const paid = await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
    const after = await call(app, 'orders.refund', { outTradeNo: paid.outTradeNo, amountFen: 300, reason: '少找一件', managerPin: PIN });
    expect(after.refunds).toMatchObject([{ amountFen: 300, state: 'succeeded' }]);
    const [slip] = await until('the slip', slips, (s) => s.length === 1);
    expect(slip).toContain('支付方式: 微信支付');
    expect(slip).toContain(`商户单号: ${paid.outTradeNo}`);
    expect(slip).toContain(`退款单号: ${after.refunds[0]!.outRefundNo}`);
    expect(slip).toMatch(/^原订单金额 +19\.99$/m);
    expect(slip).toMatch(/^退款金额 +3\.00$/m);
    expect(slip).toContain('状态: 退款成功');
    expect(slip).toContain('原因: 少找一件');
    expect(slip).toContain('收银员: c1 小王');
    expect(slip).not.toContain('退货商品');
    expect(slip).not.toContain('重印');

    // 补打退款单: a copy, marked as one.
    await call(app, 'printer.reprintRefund', { outRefundNo: after.refunds[0]!.outRefundNo });
    const copy = (await until('the copy', slips, (s) => s.length === 2))[1]!;
    expect(copy).toContain('** 重印 **');
    expect(copy).toMatch(/^退款金额 +3\.00$/m);
  });

  it('a refund by goods line in cash prints the lines given back, and their stock is back', async () => {
    const { app, slips } = await start();
    const csv = ['货号,名称,售价,条码,分类,库存', 'A1,可口可乐 500ml,3.50,6901234567892,饮料,100'].join('\n');
    const p = await call(app, 'goods.importPreview', { fileName: 'c.csv', format: 'csv', dataBase64: Buffer.from(csv).toString('base64'), managerPin: PIN });
    await call(app, 'goods.importCommit', { token: p.token!, managerPin: PIN });
    const cola = (await call(app, 'goods.search', { text: 'A1' }))[0]!;
    const lines = [
      { name: cola.name, barcode: cola.barcodes[0]!, qty: 3, unitFen: 350, productId: cola.id, category: cola.category, discountFen: 0, amountFen: 1050 },
      { name: '购物袋', qty: 1, unitFen: 50, discountFen: 0, amountFen: 50 },
    ];
    const sale = await call(app, 'checkout.cash', { amountFen: 1100, tenderedFen: 2000, lines, adjust: { orderDiscountFen: 0, roundingFen: 0 } });
    expect((await call(app, 'goods.search', { text: 'A1' }))[0]!.stock).toBe(97);

    const after = await call(app, 'orders.refundLines', { outTradeNo: sale.outTradeNo, lines: [{ lineNo: 1, qty: 2 }], reason: '顾客退货', managerPin: PIN });
    expect(after.refunds).toMatchObject([{ amountFen: 700, state: 'succeeded' }]);
    expect((await call(app, 'goods.search', { text: 'A1' }))[0]!.stock).toBe(99);
    const [slip] = await until('the slip', slips, (s) => s.length === 1);
    expect(slip).toContain('支付方式: 现金');
    expect(slip).toContain(`退款单号: ${after.refunds[0]!.outRefundNo}`);
    expect(slip).toContain('退货商品:');
    expect(slip).toMatch(/^可口可乐 500ml +2 +7\.00$/m);
    expect(slip).not.toContain('购物袋');
    expect(slip).toMatch(/^原订单金额 +11\.00$/m);
    expect(slip).toMatch(/^退款金额 +7\.00$/m);
    expect(slip).toContain('原因: 顾客退货');
  });

  it('a refund whose answer was lost prints no slip until its owed work settles it, then prints one', async () => {
    const { app, slips } = await start();
    const paid = await call(app, 'checkout.scan', { amountFen: 2500, authCode: '134567890123456700' });
    // The gateway refunds, but its answer is lost on the way back.
    const restore = dropAnswers(app, 'trade.refund');
    const after = await call(app, 'orders.refund', { outTradeNo: paid.outTradeNo, managerPin: PIN });
    expect(after.refunds).toMatchObject([{ amountFen: 2500, state: 'created' }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(slips()).toEqual([]);

    // Answered again: the retry (same out_refund_no) finds it succeeded, and the slip prints.
    restore();
    await until('the refund', () => call(app, 'orders.get', { outTradeNo: paid.outTradeNo }), (d) => d.refunds[0]?.state === 'succeeded');
    const [slip] = await until('the slip', slips, (s) => s.length === 1);
    expect(slip).toContain(`退款单号: ${after.refunds[0]!.outRefundNo}`);
    expect(slip).toMatch(/^退款金额 +25\.00$/m);
    await new Promise((r) => setTimeout(r, 300));
    expect(slips()).toHaveLength(1);
  });
});
