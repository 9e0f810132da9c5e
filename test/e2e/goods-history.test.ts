// Goods after the sale, in Chromium against the browser host (real journal, real engine, embedded
// sandbox): three items scanned with the wedge and paid by a scanned payment code; History shows
// the lines adding up to what was charged (抹零 included); one line refunded from History with the
// keyboard only (↑↓, Space, Enter, the manager PIN — nothing chosen and a wrong PIN refused
// first); its stock back, its refund slip printed with the line and 补打退款单 printing a copy; the
// X report's goods section (blind: quantities; manager: takings).
// Then the goods rules on the 商品 screen: discount limit and scale label layout, with their
// errors, an example label and a label tried against the layout. Screenshots taken and looked at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, openTill, screenshot } from './browser.js';
import { decodeToPrinted } from '../../electron/printer/decode.js';
import { DEFAULT_PIN, openCheckout, startPayTill, wedgeScan, wxCode } from './till.js';
import { dispatch } from '../../electron/ipc/dispatch.js';
import type { InvokeChannel, InvokePayload, InvokeResults } from '../../shared/ipc/contract.js';
import { DEFAULT_SCALE_FORMAT, makeScaleBarcode } from '../../shared/goods/barcode.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
const printerFile = join(mkdtempSync(join(tmpdir(), 'pos-e2e-goods-printer-')), 'printer.bin');
const ctx = { shell: 'browser-host' as const, caller: 'e2e' };
async function call<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<InvokeResults[C]> {
  const r = await dispatch(till.app.handlers, channel, payload, ctx);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as InvokeResults[C];
}
async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
/** The body rows of a table, cell by cell. */
const rows = (page: Page, testId: string) =>
  page.getByTestId(testId).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((td) => (td.textContent ?? '').trim())));
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
const stock = async (code: string) => (await call('goods.search', { text: code }))[0]!.stock;

const CSV = ['货号,名称,售价,条码,分类,库存', 'A1,可口可乐 500ml,3.50,6901234567892,饮料,100', 'A2,红富士苹果,12.99,4006381333931,水果,20', 'A3,农夫山泉,2.00,96385074,饮料,50'].join('\n');

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('goods-history', { printer: `file:${printerFile}` });
  const p = await call('goods.importPreview', { fileName: 'c.csv', format: 'csv', dataBase64: Buffer.from(CSV).toString('base64'), managerPin: DEFAULT_PIN });
  await call('goods.importCommit', { token: p.token!, managerPin: DEFAULT_PIN });
  await call('goods.saveConfig', { values: { rounding: 'jiao' }, managerPin: DEFAULT_PIN });
  await call('shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: DEFAULT_PIN });
  await call('shift.signIn', { cashierId: 'c1', pin: '1357' });
  await call('shift.open', { floatFen: 10_000 });
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

describe('goods in history, refunds by line and the reports', () => {
  it('sell three scanned items, see the lines in History, refund one line by keyboard, stock back, goods in the X report', async () => {
    const checkout = await openCheckout(browser, till);
    await wedgeScan(checkout, '6901234567892');
    await wedgeScan(checkout, '4006381333931');
    await wedgeScan(checkout, '96385074');
    await expect.poll(() => checkout.getByTestId('goods-line-2').textContent()).toContain('农夫山泉');
    // 3.50 + 12.99 + 2.00 = 18.49 → 抹零 to 0.1 yuan: 18.40.
    await expect.poll(() => checkout.getByTestId('amount').textContent()).toBe('¥18.40');
    await wedgeScan(checkout, wxCode('00', 81));
    await checkout.getByTestId('result').waitFor({ timeout: 20_000 });
    expect(await checkout.getByTestId('result').getAttribute('data-outcome')).toBe('paid');
    const no = await text(checkout, 'result-out-trade-no');
    await checkout.close();
    expect(await stock('A2')).toBe(19);
    const sold = await call('goods.saleLines', { outTradeNo: no });

    // History: the lines, what each was charged, and the rows down to what was charged.
    const page = await openTill(browser, till, '#/history');
    await page.locator(`tr[data-out-trade-no="${no}"]`).click();
    await page.getByTestId('sale-lines').waitFor();
    expect(await page.getByTestId('sale-lines').locator('tbody tr').count()).toBe(3);
    expect(await text(page, 'sale-line-2')).toContain('红富士苹果');
    expect(await text(page, 'sale-line-2')).toContain('×1');
    expect(await text(page, 'sale-line-2')).toContain('12.99');
    expect(await text(page, 'sale-rounding')).toBe('-0.09');
    expect(await text(page, 'sale-charged')).toBe('¥18.40');
    const amounts = await page.locator('[data-testid="sale-lines"] tbody tr td:last-child').allTextContents();
    expect(amounts.reduce((a, s) => a + Math.round(Number(s) * 100), 0)).toBe(1840);
    await screenshot(page, 'goods-history-detail');

    // The amount refund of a goods sale is whole only, and says where a partial one goes.
    await page.getByTestId('refund').click();
    await page.getByTestId('refund-dialog').waitFor();
    expect(await text(page, 'refund-goods-partial')).toContain('按商品退货');
    expect(await page.getByTestId('refund-partial').count()).toBe(0);
    await screenshot(page, 'goods-history-amount-refund');
    await page.keyboard.press('Escape');
    await page.getByTestId('refund-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('order-detail').count()).toBe(1);

    // Refund by line, keyboard only: the list has the focus; Enter with nothing chosen says so.
    await page.getByTestId('refund-lines').click();
    await page.getByTestId('line-refund-dialog').waitFor();
    await expect.poll(() => focused(page)).toBe('line-refund-list');
    await page.keyboard.press('Enter');
    expect(await text(page, 'line-refund-error')).toBe('请至少勾选一件要退的商品');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    expect(await page.getByTestId('pick-2').getAttribute('aria-selected')).toBe('true');
    expect(await text(page, 'line-refund-total')).toBe(`¥${(sold.lines[1]!.amountFen / 100).toFixed(2)}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('line-refund-pin');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, 'line-refund-pin-error')).toBe('店长密码不正确');
    expect(await stock('A2')).toBe(19);
    await page.getByTestId('line-refund-pin').fill(DEFAULT_PIN);
    await screenshot(page, 'goods-line-refund-dialog');
    await page.keyboard.press('Enter');
    await page.getByTestId('line-refund-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => text(page, 'action-done')).toBe('退款已提交');
    // Refunded: the line says so, the refund is listed, the stock is back.
    await expect.poll(() => text(page, 'sale-line-2')).toContain('已退 1');
    expect(await page.getByTestId('refunds').locator('li').count()).toBe(1);
    expect(await text(page, 'refunds')).toContain((sold.lines[1]!.amountFen / 100).toFixed(2));
    expect(await stock('A2')).toBe(20);
    expect(await stock('A1')).toBe(99);
    await screenshot(page, 'goods-history-refunded');
    // Its refund slip printed at once, with the line given back; 补打退款单 prints a copy.
    const slips = () => decodeToPrinted(readFileSync(printerFile)).text.split(/^退款单$/m).slice(1);
    await expect.poll(() => slips().length).toBe(1);
    expect(slips()[0]).toMatch(new RegExp(`^红富士苹果 +1 +${(sold.lines[1]!.amountFen / 100).toFixed(2)}$`, 'm'));
    expect(slips()[0]).toContain('收银员: c1 小王');
    await page.getByTestId('reprint-refund').click();
    await expect.poll(() => text(page, 'action-done')).toBe('已发送到打印机');
    await expect.poll(() => slips().length).toBe(2);
    expect(slips()[1]).toContain('** 重印 **');
    await page.getByTestId('refunds').scrollIntoViewIfNeeded();
    await screenshot(page, 'goods-history-refund-slip');
    // Nothing left of that line: it is no longer offered.
    await page.getByTestId('refund-lines').click();
    expect(await page.getByTestId('pick-2').count()).toBe(0);
    expect(await page.getByTestId('pick-1').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.close();

    // The X report: the cashier's blind one has the goods quantities, no takings.
    const shift = await openTill(browser, till, '#/shift');
    await shift.getByTestId('x-report').click();
    await shift.getByTestId('report-goods').waitFor();
    expect(await text(shift, 'report-goods-blind')).toContain('销售额会透露钱箱');
    expect(await rows(shift, 'report-goods-categories')).toEqual([['饮料', '2', '交班时显示'], ['水果', '0', '交班时显示']]);
    await shift.getByTestId('report-goods').scrollIntoViewIfNeeded();
    await screenshot(shift, 'goods-x-report-blind');
    // The manager's: takings, the refunded apple taken off.
    await shift.getByTestId('report-unlock-pin').fill(DEFAULT_PIN);
    await shift.getByTestId('report-unlock').click();
    await shift.getByTestId('report-manager').waitFor();
    const drinks = sold.lines[0]!.amountFen + sold.lines[2]!.amountFen;
    const yuan = (f: number) => `¥${(f / 100).toFixed(2)}`;
    await expect.poll(() => rows(shift, 'report-goods-categories')).toEqual([['饮料', '2', yuan(drinks)], ['水果', '0', '¥0.00']]);
    expect(await rows(shift, 'report-goods-top')).toEqual([
      ['1可口可乐 500ml', '1', yuan(sold.lines[0]!.amountFen)],
      ['2农夫山泉', '1', yuan(sold.lines[2]!.amountFen)],
    ]);
    expect(await text(shift, 'report-goods')).toContain(`已退商品（已扣除） -¥${(sold.lines[1]!.amountFen / 100).toFixed(2)}`);
    await shift.getByTestId('report-goods').scrollIntoViewIfNeeded();
    await screenshot(shift, 'goods-x-report');
    // Printed and exported with the same goods section.
    await shift.getByTestId('report-print').click();
    await expect.poll(() => text(shift, 'report-printed')).toContain('已发送到打印机');
    const printed = decodeToPrinted(readFileSync(printerFile)).text.split('X 报表（当班）').at(-1)!;
    expect(printed).toMatch(new RegExp(`分类:\\n +饮料 +2 +${(drinks / 100).toFixed(2)}\\n`));
    expect(printed).toMatch(/已退商品（已扣除） +-12\.\d\d/);
    await shift.getByTestId('report-csv').click();
    await shift.getByTestId('report-exported').waitFor();
    const csv = readFileSync(await text(shift, 'report-export-path'), 'utf8');
    expect(csv).toContain(`饮料,,2,0,${(drinks / 100).toFixed(2)}`);
    await shift.close();
  });

  it('a goods sale paid in cash is refunded by line from History too: the cash note, the stock back', async () => {
    const water = (await call('goods.search', { text: 'A3' }))[0]!;
    const line = { name: water.name, barcode: water.barcodes[0]!, qty: 2, unitFen: 200, productId: water.id, category: water.category, discountFen: 0, amountFen: 400 };
    const sale = await call('checkout.cash', { amountFen: 400, tenderedFen: 500, lines: [line], adjust: { orderDiscountFen: 0, roundingFen: 0 } });
    const before = await stock('A3');
    const page = await openTill(browser, till, '#/history');
    await page.locator(`tr[data-out-trade-no="${sale.outTradeNo}"]`).click();
    await page.getByTestId('refund-lines').click();
    await page.getByTestId('line-refund-dialog').waitFor();
    expect(await text(page, 'line-refund-cash-note')).toContain('从钱箱取现金');
    await page.keyboard.press(' ');
    await page.keyboard.press('Enter');
    await page.keyboard.type(DEFAULT_PIN);
    await screenshot(page, 'goods-line-refund-cash');
    await page.keyboard.press('Enter');
    await page.getByTestId('line-refund-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => text(page, 'sale-line-1')).toContain('已退 1');
    expect(await stock('A3')).toBe(before + 1);
    expect((await call('orders.get', { outTradeNo: sale.outTradeNo })).refunds).toMatchObject([{ amountFen: 200, state: 'succeeded' }]);
    await page.close();
  });

  it('the goods rules: discount limit and scale layout, checked with clear errors, saved with the PIN', async () => {
    const page = await openTill(browser, till, '#/goods');
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('goods-rules').waitFor();
    await page.getByTestId('goods-rules').scrollIntoViewIfNeeded();
    expect(await text(page, 'rules-example')).toContain(makeScaleBarcode(DEFAULT_SCALE_FORMAT, '00001', 1234));
    await page.getByTestId('rules-percent').fill('120');
    await page.getByTestId('rules-yuan').fill('8.888');
    await page.getByTestId('rules-save').click();
    expect(await page.getByTestId('goods-rules').getByRole('alert').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('0 到 100'), expect.stringContaining('最多两位小数')]));
    await page.getByTestId('rules-percent').fill('15');
    await page.getByTestId('rules-yuan').fill('30');
    // The value overlapping the PLU cannot work: said at once, nothing saved.
    await page.getByTestId('rules-value-start').fill('5');
    expect(await text(page, 'rules-layout-error')).toBe('秤码格式不对：数值和 PLU 的位置重叠了');
    await page.getByTestId('rules-save').click();
    expect(await text(page, 'rules-message')).toContain('秤码格式不对');
    // 18-digit labels: prefix 28, PLU 5 digits from position 3, weight 5 digits from position 8.
    await page.getByTestId('rules-prefixes').fill('28');
    await page.getByTestId('rules-length').fill('18');
    await page.getByTestId('rules-value-kind').selectOption('weight');
    await page.getByTestId('rules-value-start').fill('8');
    const layout = { prefixes: ['28'], length: 18, plu: [2, 5] as [number, number], valueKind: 'weight' as const, value: [7, 5] as [number, number], checkDigit: true };
    await page.getByTestId('rules-try').fill(makeScaleBarcode(layout, '00123', 1250));
    expect(await text(page, 'rules-try-result')).toBe('PLU 00123 · 重量 1.250 kg');
    await screenshot(page, 'goods-rules');
    await page.getByTestId('rules-save').click();
    await expect.poll(() => text(page, 'rules-message')).toBe('收银规则已保存');
    expect(await call('goods.config', {})).toMatchObject({ rounding: 'jiao', discountThresholdBp: 1500, discountThresholdFen: 3000, scale: layout });
    await page.close();
  });
});
