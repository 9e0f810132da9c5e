// 订单 and 商户 through the browser host with the real engine and the embedded sandbox: a paid
// order found by its number, its timeline, a partial refund behind the manager PIN (a wrong PIN
// refused first), and the merchant's balance and a withdrawal behind the PIN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTill, screenshot } from './browser.js';
import { DEFAULT_PIN, openCheckout, startPayTill, typeAmount, wedgeScan, wxCode } from './till.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('history-ui');
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

/** Takes a payment through the checkout screen and returns its out_trade_no. */
async function pay(amount: string, code: string): Promise<string> {
  const page = await openCheckout(browser, till);
  await typeAmount(page, amount);
  await wedgeScan(page, code);
  await page.getByTestId('result').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('result').getAttribute('data-outcome')).toBe('paid');
  const no = await text(page, 'result-out-trade-no');
  await page.close();
  return no;
}

describe('history', () => {
  it('finds a paid order, shows its timeline, and refunds part of it with the manager PIN', async () => {
    const no = await pay('50', wxCode('00', 1));
    await pay('7.5', wxCode('00', 2));
    const page = await openTill(browser, till, '#/history');
    await page.getByTestId('history-table').waitFor();
    await expect.poll(() => page.locator('tr[data-out-trade-no]').count()).toBe(2);
    await screenshot(page, 'history-list');
    await page.getByTestId('filter-no').fill(no);
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.locator('tr[data-out-trade-no]').count()).toBe(1);
    await page.locator(`tr[data-out-trade-no="${no}"]`).click();
    await page.getByTestId('order-detail').waitFor();
    expect(await text(page, 'detail-state')).toBe('已支付');
    expect(await text(page, 'detail-refundable')).toBe('¥50.00');
    expect(await page.getByTestId('timeline').locator('li').count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'history-detail');

    await page.getByTestId('refund').click();
    await page.getByTestId('refund-dialog').waitFor();
    await page.getByTestId('refund-partial').check();
    await page.getByTestId('refund-amount').fill('12.34');
    await page.getByTestId('refund-reason').fill('少一件');
    await page.getByTestId('refund-pin').fill('1234');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => text(page, 'refund-pin-error')).toBe('店长密码不正确');
    // More than is refundable is refused in the dialog, before main is asked.
    await page.getByTestId('refund-amount').fill('50.01');
    await page.getByTestId('refund-pin').fill(DEFAULT_PIN);
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-dialog').getByRole('alert').first().textContent()).toContain('¥50.00');
    await page.getByTestId('refund-amount').fill('12.34');
    await screenshot(page, 'history-refund-dialog');
    await page.getByTestId('refund-submit').click();
    await page.getByTestId('refund-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => text(page, 'action-done')).toBe('退款已提交');
    await expect.poll(async () => {
      await page.locator(`tr[data-out-trade-no="${no}"]`).click();
      return text(page, 'detail-refunded');
    }, { timeout: 15_000 }).toBe('¥12.34');
    expect(await text(page, 'detail-refundable')).toBe('¥37.66');
    expect(await page.getByTestId('refunds').locator('li').count()).toBe(1);
    await screenshot(page, 'history-refunded');
    await page.close();
  });
});

describe('history actions on a payment still open', () => {
  it('queries a waiting QR order now, then reverses it with the manager PIN', async () => {
    const page = await openCheckout(browser, till);
    await typeAmount(page, '6.6');
    await page.keyboard.press('F2');
    await page.keyboard.press('Enter');
    await page.getByTestId('qr-code').first().waitFor();
    const no = ((await page.getByTestId('waiting').locator('.order-no').textContent()) ?? '').split(' ').pop()!;
    // The cashier looks it up in 订单 while the customer hesitates.
    await page.getByTestId('nav-history').click();
    await page.getByTestId('filter-no').fill(no);
    await page.getByTestId('history-search').click();
    await page.locator(`tr[data-out-trade-no="${no}"]`).click();
    await page.getByTestId('order-detail').waitFor();
    expect(await text(page, 'detail-state')).toBe('确认中');
    await page.getByTestId('query-now').click();
    await expect.poll(() => text(page, 'action-done')).toBe('已向网关查询，状态已更新');
    await page.getByTestId('reverse').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await screenshot(page, 'history-reverse-pin');
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('pin-dialog').waitFor({ state: 'detached' });
    await expect.poll(async () => {
      await page.locator(`tr[data-out-trade-no="${no}"]`).click();
      return text(page, 'detail-state');
    }, { timeout: 15_000 }).toBe('已关闭');
    // Back at the checkout, the waiting screen has become the result.
    await page.getByTestId('nav-checkout').click();
    await page.getByTestId('result').waitFor();
    expect(await page.getByTestId('result').getAttribute('data-outcome')).toBe('closed');
    await page.close();
  });
});

describe('merchant', () => {
  it('shows the balance and takes a withdrawal behind the manager PIN', async () => {
    // The sandbox settles T+1: let that day pass, so the history test's sales are withdrawable.
    const sandbox = till.app.runtime.gateway().sandbox!;
    expect(sandbox.ledger.settleAll()).toBeGreaterThan(0);
    const page = await openTill(browser, till, '#/merchant');
    await page.getByTestId('merchant-lock').waitFor();
    await screenshot(page, 'merchant-locked');
    await page.getByTestId('merchant-pin').fill('4321');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, 'merchant-pin-error')).toBe('店长密码不正确');
    await page.getByTestId('merchant-pin').fill(DEFAULT_PIN);
    await page.keyboard.press('Enter');
    await page.getByTestId('merchant-balance').waitFor();
    expect(await text(page, 'balance')).toMatch(/^¥\d+\.\d{2}$/);
    await screenshot(page, 'merchant-balance');
    // A bad mobile number is refused by main with the reason next to the field.
    await page.getByTestId('withdraw-amount').fill('0.01');
    await page.getByTestId('withdraw-account').fill('6222020200112233445');
    await page.getByTestId('withdraw-name').fill('张三');
    await page.getByTestId('withdraw-mobile').fill('123');
    await page.getByTestId('withdraw-remark').fill('日结');
    await page.getByTestId('withdraw-submit').click();
    await expect.poll(() => page.getByTestId('withdraw-form').getByRole('alert').first().textContent()).toBe('预留手机号是 1 开头的 11 位数字');
    await screenshot(page, 'merchant-refused');
    // Corrected, it goes to the gateway, and is listed for its query.
    expect(await text(page, 'balance')).not.toBe('¥0.00');
    await page.getByTestId('withdraw-mobile').fill('13800138000');
    await page.getByTestId('withdraw-amount').fill('10.00');
    await page.getByTestId('withdraw-submit').click();
    await expect.poll(() => text(page, 'withdraw-done'), { timeout: 10_000 }).toContain('¥10.00');
    await expect.poll(() => page.getByTestId('withdrawals').locator('tbody tr').count()).toBe(1);
    expect(await text(page, 'withdraw-status')).toBe('处理中');
    // The bank pays it out; 查询 learns it.
    expect(sandbox.ledger.completeWithdrawals('paid')).toBe(1);
    await page.getByTestId('withdrawals').getByRole('button', { name: '查询' }).last().click();
    await expect.poll(() => text(page, 'withdraw-status')).toBe('已到账');
    await screenshot(page, 'merchant');
    await page.close();
  });
});
