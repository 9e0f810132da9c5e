// A damaged journal on the cashier screen, in Chromium against the browser host: a till whose
// journal file was really truncated says so on every screen, refuses the payment, keeps the
// file, and restores from the latest backup (manager PIN); after a restart the till sells again.
// Settings shows the version, the update state and the backups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openTill, screenshot, startTill, tempDataDir } from './browser.js';
import { DEFAULT_PIN } from './till.js';
import { dispatch } from '../../electron/ipc/dispatch.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const ctx = { shell: 'browser-host' as const, caller: 'e2e' };

describe('damaged journal on the cashier screen', () => {
  it('tells what happened, stops payments, keeps the file, restores from the latest backup', async () => {
    const dataDir = tempDataDir('upkeep');
    let till = await startTill('upkeep', dataDir);
    // Some sales, then a verified backup (as a shift close or the daily one makes).
    for (let i = 0; i < 30; i++) await dispatch(till.app.handlers, 'checkout.cash', { amountFen: 100 + i, tenderedFen: 1000 }, ctx);
    const b = await dispatch(till.app.handlers, 'backup.now', { managerPin: DEFAULT_PIN }, ctx);
    expect(b.ok).toBe(true);

    const settings = await openTill(browser, till, '#/settings');
    await settings.getByTestId('settings-upkeep').waitFor();
    await expect.poll(() => settings.getByTestId('upkeep-backup-latest').textContent()).toContain('已校验');
    expect(await settings.getByTestId('upkeep-update').getAttribute('data-state')).toBe('off');
    await settings.getByTestId('settings-upkeep').scrollIntoViewIfNeeded();
    await screenshot(settings, 'upkeep-settings');
    await settings.close();
    await till.close();

    const journal = join(dataDir, 'journal.sqlite');
    truncateSync(journal, Math.floor(statSync(journal).size / 2));
    const damaged = sha(journal);
    till = await startTill('upkeep', dataDir);
    const page = await openTill(browser, till);
    const alert = page.getByTestId('journal-damaged');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('账本文件损坏 · 已停止收款');
    expect(await alert.textContent()).toContain('移动支付和收款已停用');
    expect(await alert.textContent()).toContain(journal);
    await screenshot(page, 'upkeep-journal-damaged');
    const scan = await dispatch(till.app.handlers, 'checkout.scan', { amountFen: 100, authCode: '134567890123456700' }, ctx);
    expect(scan).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    await page.getByTestId('journal-restore').click();
    await page.getByTestId('pin-input').fill(DEFAULT_PIN);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('journal-restore-staged').waitFor();
    expect(await page.getByTestId('journal-restore-staged').textContent()).toContain('请关闭并重新启动收银台');
    await screenshot(page, 'upkeep-restore-staged');
    expect(sha(journal)).toBe(damaged);
    await page.close();
    await till.close();

    till = await startTill('upkeep', dataDir);
    const again = await openTill(browser, till);
    await again.getByTestId('gateway-mode').waitFor();
    expect(await again.getByTestId('journal-damaged').count()).toBe(0);
    const rows = await dispatch(till.app.handlers, 'orders.search', {}, ctx);
    expect(rows).toMatchObject({ ok: true, value: { total: 30 } });
    await again.close();
    await till.close();
  });
});
