// Goods at the counter in Chromium: three items scanned with the keyboard wedge (the same barcode
// again is quantity + 1), a quantity changed from the keyboard, a line discount over the limit
// approved with the manager PIN, 挂单 and 取单, payment by a scanned payment code, and one line
// refunded by the API with its stock back. Screenshots of the goods screen are taken and looked at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from './browser.js';
import { DEFAULT_PIN, openCheckout, startPayTill, typeAmount, wedgeScan, wxCode } from './till.js';
import { dispatch } from '../../electron/ipc/dispatch.js';
import type { InvokeChannel, InvokePayload, InvokeResults } from '../../shared/ipc/contract.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
const ctx = { shell: 'browser-host' as const, caller: 'e2e' };
async function call<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<InvokeResults[C]> {
  const r = await dispatch(till.app.handlers, channel, payload, ctx);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as InvokeResults[C];
}
const CSV = ['货号,名称,售价,条码,分类,库存', 'A1,可口可乐 500ml,3.50,6901234567892,饮料,100', 'A2,红富士苹果,12.99,4006381333931,水果,20', 'A3,农夫山泉,2.00,96385074,饮料,50'].join('\n');

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('goods-ui');
  const p = await call('goods.importPreview', { fileName: 'c.csv', format: 'csv', dataBase64: Buffer.from(CSV).toString('base64'), managerPin: DEFAULT_PIN });
  await call('goods.importCommit', { token: p.token!, managerPin: DEFAULT_PIN });
  await call('goods.saveConfig', { values: { rounding: 'jiao', discountThresholdBp: 1000 }, managerPin: DEFAULT_PIN });
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

const lineText = (page: import('playwright-core').Page, i: number) => page.getByTestId(`goods-line-${i}`).textContent();

describe('goods at the counter', () => {
  it('scan, quantity, discount with PIN, hold and recall, pay by payment code, refund one line', async () => {
    const page = await openCheckout(browser, till);
    await wedgeScan(page, '6901234567892');
    await expect.poll(() => lineText(page, 0)).toContain('可口可乐 500ml');
    await wedgeScan(page, '4006381333931');
    await wedgeScan(page, '6901234567892');
    await expect.poll(() => lineText(page, 0)).toContain('×2');
    await wedgeScan(page, '96385074');
    await expect.poll(() => lineText(page, 2)).toContain('农夫山泉');
    // An unknown barcode is told, not added.
    await wedgeScan(page, '4006381333948');
    await expect.poll(() => page.getByRole('status').or(page.locator('.notice')).first().textContent()).toMatch(/未知条码|校验位/);

    // Quantity of the selected line (the last): 3 then *.
    await typeAmount(page, '3');
    await page.keyboard.press('*');
    await expect.poll(() => lineText(page, 2)).toContain('×3');
    // The apple: ↑ to it, F5, 20% — above the 10% limit: the manager PIN.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('F5');
    await page.getByTestId('discount-input').fill('20%');
    await page.getByTestId('discount-apply').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('pin-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => lineText(page, 1)).toContain('-20%');
    // 7.00 + 12.99 − 2.60 + 6.00 = 23.39 → 抹零 to 0.1 yuan: 23.30
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥23.30');
    await screenshot(page, 'goods-sale');

    // 挂单, then 取单.
    await page.keyboard.press('F7');
    await expect.poll(() => page.getByTestId('goods-lines').count()).toBe(0);
    await page.keyboard.press('F8');
    await page.getByTestId('held-dialog').waitFor();
    await screenshot(page, 'goods-held');
    await page.getByTestId('held-dialog').getByRole('button', { name: /取单/ }).click();
    // The recalled sale's discount needs the approval again.
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥23.30');

    // F4 search by pinyin initials, Enter adds (the apple again: quantity + 1), "-" takes it back off.
    await page.keyboard.press('F4');
    await page.getByTestId('goods-search').pressSequentially('hfs', { delay: 50 });
    await expect.poll(() => page.getByTestId('goods-results').textContent()).toContain('红富士苹果');
    await screenshot(page, 'goods-search');
    await page.keyboard.press('Enter');
    await expect.poll(() => lineText(page, 1)).toContain('×2');
    await page.keyboard.press('-');
    await expect.poll(() => lineText(page, 1)).toContain('×1');
    await expect.poll(() => page.getByTestId('amount').textContent()).toBe('¥23.30');

    // Pay by scanning the customer's payment code.
    await wedgeScan(page, wxCode('00', 71));
    await page.getByTestId('result').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('result').getAttribute('data-outcome')).toBe('paid');
    expect(await page.getByTestId('result-amount').textContent()).toBe('¥23.30');
    await screenshot(page, 'goods-paid');

    const orders = await call('orders.search', { limit: 1 });
    const no = orders.rows[0]!.outTradeNo;
    const lines = await call('goods.saleLines', { outTradeNo: no });
    expect(lines.lines.map((l) => [l.name, l.qty])).toEqual([['可口可乐 500ml', 2], ['红富士苹果', 1], ['农夫山泉', 3]]);
    expect(lines.lines.reduce((a, l) => a + l.amountFen, 0)).toBe(2330);
    expect((await call('goods.search', { text: 'A3' }))[0]!.stock).toBe(47);
    const d = await call('orders.refundLines', { outTradeNo: no, lines: [{ lineNo: 3, qty: 1 }], managerPin: DEFAULT_PIN });
    expect(d.refunds[0]).toMatchObject({ state: 'succeeded', amountFen: Math.floor(lines.lines[2]!.amountFen / 3) });
    expect((await call('goods.search', { text: 'A3' }))[0]!.stock).toBe(48);
  });

  it('the catalogue screen: manager PIN, search, add a product', async () => {
    const page = await openCheckout(browser, till);
    await page.getByTestId('nav-goods').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('catalogue').waitFor();
    await expect.poll(() => page.getByTestId('catalogue').locator('tbody tr').count()).toBe(3);
    await page.getByTestId('goods-new').click();
    await page.getByTestId('form-code').fill('B1');
    await page.getByTestId('form-name').fill('康师傅红烧牛肉面');
    await page.getByTestId('form-price').fill('4.50');
    await page.getByTestId('form-barcodes').fill('6901234567893');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.getByTestId('form-error').textContent()).toContain('check digit is 3, should be 2');
    await page.getByTestId('form-barcodes').fill('036000291452');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.getByTestId('catalogue').locator('tbody tr').count()).toBe(4);
    await screenshot(page, 'goods-catalogue');
  });
});
