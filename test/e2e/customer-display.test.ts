// The customer display (#/customer) next to the cashier's checkout, in Chromium against the browser
// host (real engine, journal and sandbox): it shows the amount while the cashier types it (with the
// lines), a cash sale's total, tendered and change, a scan payment's result, and welcome once the
// cashier starts the next sale. Screenshots of the amount and cash states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTill, screenshot } from './browser.js';
import { openCheckout, startPayTill, typeAmount, wedgeScan, wxCode } from './till.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
let cashier: Page;
let customer: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('customer-display');
  customer = await openTill(browser, till, '#/customer');
  await customer.getByTestId('customer').waitFor();
  cashier = await openCheckout(browser, till);
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}
const screen = () => customer.getByTestId('customer').getAttribute('data-screen');

describe('customer display', () => {
  it('shows the amount as the cashier types it, with the lines; Esc (clear) returns to welcome', async () => {
    expect(await screen()).toBe('welcome');
    await typeAmount(cashier, '12.5');
    await expect.poll(screen).toBe('amount');
    await expect.poll(() => text(customer, 'customer-amount')).toBe('¥12.50');
    // "+" makes it a line; the next amount joins it.
    await cashier.keyboard.press('+');
    await typeAmount(cashier, '3');
    await cashier.keyboard.press('+');
    await typeAmount(cashier, '2.3');
    await expect.poll(() => text(customer, 'customer-amount')).toBe('¥17.80');
    expect(await customer.getByTestId('customer-line').allTextContents()).toEqual(['第 1 笔×1¥12.50', '第 2 笔×1¥3.00', '第 3 笔×1¥2.30']);
    await screenshot(customer, 'customer-amount');
    await cashier.keyboard.press('Escape');
    await expect.poll(screen).toBe('welcome');
  });

  it('a cash sale: the total while the tender is typed, then total, tendered and change; the next sale → welcome', async () => {
    await typeAmount(cashier, '16.45');
    await cashier.keyboard.press('F3');
    await cashier.keyboard.press('Enter');
    await cashier.getByTestId('tender').waitFor();
    await typeAmount(cashier, '20');
    await expect.poll(() => text(customer, 'customer-amount')).toBe('¥16.45');
    await cashier.keyboard.press('Enter');
    await cashier.getByTestId('cash-done').waitFor();
    await expect.poll(screen).toBe('cash');
    expect(await text(customer, 'customer-cash-total')).toBe('¥16.45');
    expect(await text(customer, 'customer-cash-tendered')).toBe('¥20.00');
    expect(await text(customer, 'customer-cash-change')).toBe('¥3.55');
    expect(await text(customer, 'customer-message')).toBe('现金收款完成，谢谢惠顾');
    await screenshot(customer, 'customer-cash');
    // Enter: the next sale; the customer display greets the next customer.
    await cashier.keyboard.press('Enter');
    await cashier.getByTestId('keypad').waitFor();
    await expect.poll(screen).toBe('welcome');
  });

  it('a scan payment: the typed amount gives way to the payment and its result, never back; the next sale → welcome', async () => {
    await typeAmount(cashier, '9.9');
    await expect.poll(() => text(customer, 'customer-amount')).toBe('¥9.90');
    // The gun right after the last key: the amount typed is never shown over the payment.
    await wedgeScan(cashier, wxCode('00', 1));
    await cashier.getByTestId('result').waitFor({ timeout: 30_000 });
    await expect.poll(() => text(customer, 'customer-message')).toBe('支付成功，谢谢惠顾');
    expect(await screen()).toBe('payment');
    expect(await text(customer, 'customer-amount')).toBe('¥9.90');
    // Longer than the display's coalescing wait: nothing stale arrives after the result.
    await customer.waitForTimeout(1_000);
    expect(await text(customer, 'customer-message')).toBe('支付成功，谢谢惠顾');
    await cashier.keyboard.press('Enter');
    await cashier.getByTestId('keypad').waitFor();
    await expect.poll(screen).toBe('welcome');
  });
});
