// The checkout as a cashier uses it, in Chromium, against the browser host with the real payment
// engine, the real journal and the embedded sandbox gateway (its scripted customers chosen by the
// payment code's last two digits). Each main screen is saved as a screenshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTill, screenshot } from './browser.js';
import { aliCode, openCheckout, resultOutcome, startPayTill, typeAmount, wedgeScan, wxCode } from './till.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
let serial = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('checkout-ui');
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

async function waitResult(page: Page, timeoutMs = 30_000): Promise<string> {
  await page.getByTestId('result').waitFor({ timeout: timeoutMs });
  return (await resultOutcome(page)) ?? '';
}

describe('checkout', () => {
  it('amount → scan (keyboard-wedge gun) → paid, with the customer display following', async () => {
    const customer = await openTill(browser, till, '#/customer');
    await customer.getByTestId('customer').waitFor();
    const page = await openCheckout(browser, till);
    await typeAmount(page, '12.5');
    expect(await text(page, 'amount')).toBe('¥12.5');
    await screenshot(page, 'checkout-entry');
    await wedgeScan(page, wxCode('00', ++serial));
    expect(await waitResult(page)).toBe('paid');
    expect(await text(page, 'result-title')).toBe('支付成功');
    expect(await text(page, 'result-amount')).toBe('¥12.50');
    expect(await text(page, 'result-channel')).toContain('微信支付');
    expect(await text(page, 'result-out-trade-no')).toMatch(/^[A-Za-z0-9_]{1,64}$/);
    expect(await text(page, 'result-trade-no')).not.toBe('');
    await screenshot(page, 'checkout-paid');
    await expect.poll(() => customer.getByTestId('customer-message').textContent()).toBe('支付成功，谢谢惠顾');
    expect(await text(customer, 'customer-amount')).toBe('¥12.50');
    await screenshot(customer, 'customer-paid');
    // Enter: the next customer, with an empty amount.
    await page.keyboard.press('Enter');
    await page.getByTestId('keypad').waitFor();
    expect(await text(page, 'amount')).toBe('¥0.00');
    await customer.close();
    await page.close();
  });

  it('USERPAYING: a live countdown while the customer confirms on the phone, then paid', async () => {
    const page = await openCheckout(browser, till);
    await typeAmount(page, '36');
    await wedgeScan(page, aliCode('01', ++serial));
    await expect.poll(() => page.getByTestId('waiting').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('confirming');
    expect(await text(page, 'waiting-title')).toBe('顾客正在手机上确认');
    const first = Number(await text(page, 'countdown-value'));
    expect(first).toBeGreaterThan(30);
    expect(first).toBeLessThanOrEqual(45);
    await screenshot(page, 'checkout-waiting');
    await expect.poll(async () => Number(await text(page, 'countdown-value')), { timeout: 15_000 }).toBeLessThan(first);
    expect(await waitResult(page)).toBe('paid');
    expect(await text(page, 'result-amount')).toBe('¥36.00');
    await page.close();
  });

  it('cancel while waiting (Esc, then Enter) → reversed, nothing taken, the amount kept', async () => {
    const page = await openCheckout(browser, till);
    await typeAmount(page, '8.8');
    await wedgeScan(page, wxCode('02', ++serial));
    await expect.poll(() => page.getByTestId('waiting').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('confirming');
    await page.keyboard.press('Escape');
    await page.getByTestId('cancel-confirm').waitFor();
    await screenshot(page, 'checkout-cancel-confirm');
    await page.keyboard.press('Enter');
    expect(await waitResult(page)).toBe('closed');
    expect(await text(page, 'result-title')).toBe('本次未收款');
    expect(await text(page, 'result-why')).toBe('收银员撤销了这笔支付');
    await screenshot(page, 'checkout-cancelled');
    await page.keyboard.press('Enter');
    await page.getByTestId('keypad').waitFor();
    expect(await text(page, 'amount')).toBe('¥8.8');
    await page.close();
  });

  it('declined: the reason in plain words and what to do next', async () => {
    const page = await openCheckout(browser, till);
    await typeAmount(page, '99');
    await wedgeScan(page, aliCode('03', ++serial));
    expect(await waitResult(page)).toBe('declined');
    expect(await text(page, 'result-title')).toBe('支付未成功');
    expect(await text(page, 'result-why')).not.toBe('');
    expect(await text(page, 'result-next')).toContain('换');
    await screenshot(page, 'checkout-declined');
    // Enter: back to the kept amount, ready for another code — an expired one this time.
    await page.keyboard.press('Enter');
    await page.getByTestId('keypad').waitFor();
    await wedgeScan(page, wxCode('06', ++serial));
    expect(await waitResult(page)).toBe('declined');
    expect(await text(page, 'result-why')).toBe('付款码已失效或已经用过');
    expect(await text(page, 'result-next')).toBe('请顾客刷新付款码，再扫一次');
    await screenshot(page, 'checkout-declined-expired');
    await page.close();
  });

  it('unknown (gateway error 1000) shows "still checking", never failed, then settles as paid', async () => {
    const page = await openCheckout(browser, till);
    await typeAmount(page, '5.2');
    await wedgeScan(page, wxCode('05', ++serial));
    await expect.poll(() => page.getByTestId('waiting').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('checking');
    expect(await text(page, 'waiting-title')).toBe('仍在确认中');
    expect(await page.getByText('失败').count()).toBe(0);
    await screenshot(page, 'checkout-checking');
    expect(await waitResult(page)).toBe('paid');
    expect(await text(page, 'result-amount')).toBe('¥5.20');
    await page.close();
  });

  it('dynamic QR: the code drawn from the URL, paid through the sandbox wallet page', async () => {
    const customer = await openTill(browser, till, '#/customer');
    const page = await openCheckout(browser, till);
    await typeAmount(page, '23.4');
    await page.keyboard.press('F2');
    await page.getByTestId('qr-picker').waitFor();
    await screenshot(page, 'checkout-qr-pick');
    await page.keyboard.press('Enter');
    const qr = page.getByTestId('qr-code').first();
    await qr.waitFor();
    await expect.poll(() => qr.locator('img').count()).toBe(1);
    expect(await qr.locator('img').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    const url = (await qr.getAttribute('data-qr-url')) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await screenshot(page, 'checkout-qr');
    await expect.poll(() => customer.getByTestId('qr-code').count()).toBe(1);
    await screenshot(customer, 'customer-qr');
    const wallet = await browser.newPage();
    await wallet.goto(url);
    await screenshot(wallet, 'sandbox-wallet');
    await wallet.getByRole('button', { name: '付款' }).click();
    expect(await waitResult(page)).toBe('paid');
    expect(await text(page, 'result-amount')).toBe('¥23.40');
    expect(await text(page, 'result-channel')).toContain('微信支付');
    await expect.poll(() => customer.getByTestId('customer-message').textContent()).toBe('支付成功，谢谢惠顾');
    await wallet.close();
    await customer.close();
    await page.close();
  });

  it('cash: tendered on the keypad, change to the fen', async () => {
    const page = await openCheckout(browser, till);
    // A mouse click on a tab leaves the focus there; Enter must still confirm the payment.
    await page.getByTestId('nav-checkout').click();
    await typeAmount(page, '16.45');
    await page.keyboard.press('F3');
    await page.keyboard.press('Enter');
    await page.getByTestId('tender').waitFor();
    await typeAmount(page, '20');
    expect(await text(page, 'change')).toBe('¥3.55');
    await screenshot(page, 'checkout-tender');
    await page.keyboard.press('Enter');
    await page.getByTestId('cash-done').waitFor();
    expect(await text(page, 'cash-change')).toBe('¥3.55');
    await screenshot(page, 'checkout-cash-done');
    await page.keyboard.press('Enter');
    await page.getByTestId('keypad').waitFor();
    await page.close();
  });
});
