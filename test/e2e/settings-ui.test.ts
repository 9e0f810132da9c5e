// Settings through the real browser host: refused values get their reason next to the field
// (checked in the renderer first, then by main), a save needs the manager PIN, and the language
// switch turns the whole UI to English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openTill, screenshot, startTill } from './browser.js';
import { DEFAULT_PIN, dataDirWith } from './till.js';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox/server.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startTill>>;
/** A live-style gateway for 连接测试 (its WeChat ids required). */
let live: RunningSandbox;
const LIVE_SECRET = 'live-secret-0123456789';

beforeAll(async () => {
  live = await startSandbox({ appId: 'live_app', secret: LIVE_SECRET, merchantNo: 'LM0001', timeScale: 0.01, liveProfile: true });
  browser = await launchBrowser();
  till = await startTill('settings-ui', dataDirWith('settings-ui', {}));
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
  await live?.close();
});

async function openSettings(): Promise<Page> {
  const page = await openTill(browser, till, '#/settings');
  await page.getByTestId('set-terminalId').waitFor();
  return page;
}

async function savedSettings(): Promise<Record<string, unknown>> {
  return JSON.parse(readFileSync(join(till.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

describe('settings screen', () => {
  it('refuses a bad value with the reason next to the field, before asking for the PIN', async () => {
    const page = await openSettings();
    await page.getByTestId('set-terminalId').fill('bad id!');
    await page.getByTestId('set-requestTimeoutMs').fill('100');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('issue-terminalId').textContent()).toContain('1–16 位字母、数字、_ 或 -');
    expect(await page.getByTestId('issue-requestTimeoutMs').textContent()).toContain('2000–60000');
    expect(await page.getByTestId('pin-dialog').count()).toBe(0);
    await screenshot(page, 'settings-refused');
    expect((await savedSettings()).terminalId).toBeUndefined();
    await page.close();
  });

  it('shows main\'s own refusal (a secret too short) next to the field, and a wrong PIN in the dialog', async () => {
    const page = await openSettings();
    await page.getByTestId('set-secret').fill('short');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('pin-input').fill('9999');
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('pin-error').textContent()).toBe('店长密码不正确');
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('issue-secret').textContent()).toContain('8–128');
    await screenshot(page, 'settings-refused-by-main');
    await page.close();
  });

  it('连接测试 says an unknown app id is the app id, with what to do, then passes once it is right', async () => {
    const page = await openSettings();
    await page.getByTestId('set-gatewayUrl').fill(live.gatewayUrl);
    await page.getByTestId('set-appId').fill('typo_app');
    await page.getByTestId('set-merchantNo').fill('LM0001');
    await page.getByTestId('set-secret').fill(LIVE_SECRET);
    await page.getByTestId('set-wxSubAppId').fill('wx0000000000000000');
    await page.getByTestId('settings-check').click();
    // The placeholder is refused in the method table's terms before anything is sent.
    await expect.poll(() => page.getByTestId('issue-wxSubAppId').textContent()).toContain('不能是占位值');
    await page.getByTestId('set-wxSubAppId').fill('wx8a3f5c2e9b1d4760');
    await page.getByTestId('settings-check').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('settings-check-result').getAttribute('data-result')).toBe('unknown_app');
    expect(await page.getByTestId('settings-check-result').textContent()).toContain('app_id 无效（10001）');
    expect(await page.getByTestId('issue-appId').textContent()).toContain('10001');
    await screenshot(page, 'settings-check-unknown-app');
    await page.getByTestId('set-appId').fill('live_app');
    await page.getByTestId('settings-check').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('settings-check-result').getAttribute('data-result')).toBe('ok');
    expect(await page.getByTestId('settings-check-result').textContent()).toContain('连接正常');
    await screenshot(page, 'settings-check-ok');
    // Nothing was saved by the checks.
    expect((await savedSettings()).gatewayUrl).toBeUndefined();
    await page.close();
  });

  it('switches the language to English with the manager PIN', async () => {
    const page = await openSettings();
    expect(await page.getByTestId('nav-checkout').textContent()).toBe('收银');
    await page.getByTestId('set-language').selectOption('en');
    await page.getByTestId('set-terminalId').fill('T02');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('nav-checkout').textContent()).toBe('Checkout');
    expect(await page.getByTestId('gateway-mode').textContent()).toBe('SANDBOX');
    expect(await page.getByTestId('app-version').textContent()).toContain('T02');
    await screenshot(page, 'settings-english');
    await page.getByTestId('nav-checkout').click();
    await page.getByTestId('keypad').waitFor();
    await screenshot(page, 'checkout-english');
    expect((await savedSettings()).language).toBe('en');
    // Another window learns it from settings.changed / app.info.
    const other = await openTill(browser, till);
    await expect.poll(() => other.getByTestId('nav-history').textContent()).toBe('Orders');
    await other.close();
    await page.close();
  });
});
