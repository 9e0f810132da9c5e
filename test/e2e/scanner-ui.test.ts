// A serial scan gun as the till sees it: a socat pty pair stands in for the gun's USB-serial port.
// With an amount typed, the screen has armed the sale and main pays the gun's code itself
// (electron/checkout/armed-scan.ts); the screen shows it. Its state shows in the top bar and in the
// settings (with the last read masked); pulling it out is heard at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, screenshot } from './browser.js';
import { dispatch } from '../../electron/ipc/dispatch.js';
import { openCheckout, startPayTill, typeAmount, wxCode } from './till.js';

/** socat makes its links within this; a till's scanner reopen is well inside it too. */
const PTY_READY_MS = 5_000;

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
let socat: ChildProcess | null = null;
const dir = mkdtempSync(join(tmpdir(), 'pos-e2e-pty-'));
const gunPath = join(dir, 'gun');
const hostPath = join(dir, 'host');

async function startSocat(): Promise<void> {
  socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${gunPath}`, `pty,raw,echo=0,link=${hostPath}`], { stdio: 'ignore' });
  const until = Date.now() + PTY_READY_MS;
  while (!(existsSync(gunPath) && existsSync(hostPath))) {
    if (Date.now() > until) throw new Error('socat did not create the pty pair');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  await startSocat();
  browser = await launchBrowser();
  till = await startPayTill('scanner-ui', { scanners: [{ id: 'gun1', path: gunPath, baudRate: 9600, terminator: 'CR' }] });
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
  socat?.kill('SIGTERM');
});

describe('serial scan gun', () => {
  it('its read of a payment code starts the payment; the top bar and settings show it', async () => {
    const page = await openCheckout(browser, till);
    await expect.poll(() => page.getByTestId('scanner-summary').textContent(), { timeout: 10_000 }).toBe('扫码枪已连接');
    await typeAmount(page, '18.8');
    // The screen armed the typed sale: main pays the gun's code itself and tells the screen.
    const told: string[] = [];
    const stop = till.app.runtime.bus.subscribe((e, p) => {
      if (e === 'checkout.armedScan') told.push((p as { phase: string }).phase);
      if (e === 'scanner.read') told.push('read');
    });
    const code = wxCode('00', 31);
    writeFileSync(hostPath, `${code}\r`);
    await page.getByTestId('result').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('result').getAttribute('data-outcome')).toBe('paid');
    expect(await page.getByTestId('result-amount').textContent()).toBe('¥18.80');
    await screenshot(page, 'checkout-serial-paid');
    stop();
    expect(told).toEqual(['started', 'done']);
    const orders = await dispatch(till.app.handlers, 'orders.search', {}, { shell: 'browser-host', caller: 'test' });
    expect(orders).toMatchObject({ ok: true, value: { total: 1 } });
    await page.keyboard.press('Enter');

    await page.getByTestId('nav-settings').click();
    const scanners = page.getByTestId('settings-scanners');
    await scanners.waitFor();
    await expect.poll(() => page.getByTestId('scanner-last-read').textContent()).toContain('1340**********3100');
    expect(await scanners.textContent()).not.toContain(code);
    await scanners.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-scanner');
    await page.close();
  });

  it('a product barcode or a stray read only explains; a pulled gun is heard at once', async () => {
    const page = await openCheckout(browser, till);
    // A product barcode the catalogue does not have: said so, with the way to add it (goods, issue 11).
    writeFileSync(hostPath, '4006381333931\r');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('未知条码 4006381333931');
    expect(await page.getByTestId('sale-lines').count()).toBe(0);
    await screenshot(page, 'checkout-product-line');

    socat?.kill('SIGTERM');
    socat = null;
    await expect.poll(() => page.getByTestId('scanner-summary').textContent(), { timeout: 10_000 }).not.toBe('扫码枪已连接');
    await screenshot(page, 'checkout-scanner-gone');
    await page.close();
  });
});
