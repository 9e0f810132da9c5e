// Settings → 总部 through the real browser host (issue 12): a bad URL is refused next to the field;
// a good URL to a port where nothing listens, with a till id and a credential, is saved (the
// credential never comes back, only "已保存"); the status line then says the till is retrying,
// with the error in words; the top bar stays quiet until the till is far behind. No PostgreSQL is
// needed: the lead's integration tests cover replication itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openTill, screenshot, startTill } from './browser.js';
import { DEFAULT_PIN, dataDirWith } from './till.js';

/** FAR_BEHIND_ENTRIES in electron/headoffice/pusher.ts: this many waiting changes warn in the top bar. */
const FAR_BEHIND_ENTRIES = 10_000;
const CREDENTIAL = 'e2e_Credential-0123456789abcdef';

let browser: Browser;
let till: Awaited<ReturnType<typeof startTill>>;
let deadPort: number;
let refusing: Server;

/**
 * A head office that refuses this till's credential: answers any startup with PostgreSQL's
 * ErrorResponse 28P01 (what a rotated or wrong credential gets), the way the real one would.
 */
async function refusingHeadOffice(): Promise<Server> {
  const srv = createServer((socket) => {
    socket.once('data', () => {
      const field = (type: string, text: string) => Buffer.concat([Buffer.from(type), Buffer.from(`${text}\0`)]);
      const body = Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '28P01'), field('M', 'password authentication failed for user "till_t01"'), Buffer.from([0])]);
      const head = Buffer.alloc(5);
      head.write('E', 0);
      head.writeInt32BE(body.length + 4, 1);
      socket.end(Buffer.concat([head, body]));
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return srv;
}

/** A port where nothing listens: bound once by the OS, then closed. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  deadPort = await freePort();
  refusing = await refusingHeadOffice();
  browser = await launchBrowser();
  till = await startTill('headoffice-ui', dataDirWith('headoffice-ui', {}));
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
  await new Promise((resolve) => refusing?.close(resolve));
});

async function openSettings(): Promise<Page> {
  const page = await openTill(browser, till, '#/settings');
  await page.getByTestId('set-headOfficeUrl').waitFor();
  return page;
}

function savedSettings(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(till.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

/** The element shows its whole text (nothing cut by an ellipsis). */
function notCut(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => el.scrollWidth <= el.clientWidth);
}

/** Settings → 总部's status in the middle of the screen (the save bar sits over the bottom). */
async function showStatus(page: Page): Promise<void> {
  await page.getByTestId('headoffice-status').evaluate((el) => el.scrollIntoView({ block: 'center' }));
}

async function saveWithPin(page: Page): Promise<void> {
  await page.getByTestId('settings-save').click();
  await page.getByTestId('pin-input').fill(DEFAULT_PIN);
  await page.getByTestId('pin-submit').click();
}

describe('Settings → 总部', () => {
  it('no head office: "未连接总部", nothing required, nothing in the top bar', async () => {
    const page = await openSettings();
    await expect.poll(() => page.getByTestId('headoffice-state').textContent()).toBe('未连接总部');
    expect(await page.getByTestId('headoffice-sync-now').isDisabled()).toBe(true);
    expect(await page.getByTestId('headoffice-help').textContent()).toContain('npm run headoffice -- enroll --till <id> --shop <shop>');
    expect(await page.getByTestId('headoffice-warning').count()).toBe(0);
    // The bar fits at 1024 px without a warning: nothing on it is cut.
    expect(await notCut(page, 'shift-badge')).toBe(true);
    await showStatus(page);
    await screenshot(page, 'headoffice-none');
    await page.close();
  });

  it('a bad URL, then a missing till id and credential, are refused next to their fields before the PIN', async () => {
    const page = await openSettings();
    await page.getByTestId('set-headOfficeUrl').fill('http://hq.example.com/pos');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('issue-headOfficeUrl').textContent()).toContain('postgres://主机:端口/数据库');
    expect(await page.getByTestId('pin-dialog').count()).toBe(0);
    // The URL is the one thing to fix first: nothing else is asked for yet.
    expect(await page.getByTestId('issue-headOfficeCredential').count()).toBe(0);
    await screenshot(page, 'headoffice-bad-url');
    await page.getByTestId('set-headOfficeUrl').fill(`postgres://127.0.0.1:${deadPort}/pos`);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('issue-headOfficeTillId').textContent()).toBe('连接总部时必填：总部登记本机时给出的编号');
    expect(await page.getByTestId('issue-headOfficeCredential').textContent()).toBe('连接总部时必填：登记时总部只显示一次的凭据');
    expect(await page.getByTestId('issue-headOfficeUrl').count()).toBe(0);
    expect(await page.getByTestId('pin-dialog').count()).toBe(0);
    // verify asks for the CA file.
    await page.getByTestId('set-headOfficeTls').selectOption('verify');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('issue-headOfficeCaPath').textContent()).toContain('CA 证书');
    await screenshot(page, 'headoffice-required');
    expect(savedSettings().headOfficeUrl).toBeUndefined();
    await page.close();
  });

  it('a credential of the wrong form is refused by main next to its field', async () => {
    const page = await openSettings();
    await page.getByTestId('set-headOfficeUrl').fill(`postgres://127.0.0.1:${deadPort}/pos`);
    await page.getByTestId('set-headOfficeTillId').fill('T01');
    await page.getByTestId('set-headOfficeCredential').fill('short');
    await saveWithPin(page);
    await expect.poll(() => page.getByTestId('issue-headOfficeCredential').textContent()).toBe('必须是登记时总部给出的凭据：16–128 位字母、数字、_ 或 -');
    expect(savedSettings().headOfficeUrl).toBeUndefined();
    await page.close();
  });

  it('saved with a port where nothing listens: retrying, the error in words; the top bar quiet until far behind', async () => {
    const page = await openSettings();
    await page.getByTestId('set-headOfficeUrl').fill(`postgres://127.0.0.1:${deadPort}/pos`);
    await page.getByTestId('set-headOfficeTillId').fill('T01');
    await page.getByTestId('set-headOfficeCredential').fill(CREDENTIAL);
    await saveWithPin(page);
    await expect.poll(() => page.getByTestId('set-headOfficeCredential').getAttribute('data-stored')).toBe('true');
    // Written: the settings without the credential; the credential in its own store, never sent back.
    const saved = savedSettings();
    expect(saved.headOfficeUrl).toBe(`postgres://127.0.0.1:${deadPort}/pos`);
    expect(saved.headOfficeTillId).toBe('T01');
    expect(JSON.stringify(saved)).not.toContain(CREDENTIAL);
    expect(await page.getByTestId('set-headOfficeCredential').inputValue()).toBe('');
    expect(await page.locator('[data-field="headOfficeCredential"] .field-hint').textContent()).toContain('已保存');

    await expect.poll(() => page.getByTestId('headoffice-status').getAttribute('data-state')).toBe('retrying');
    expect(await page.getByTestId('headoffice-state').textContent()).toBe('连接失败，稍后自动重试');
    expect(await page.getByTestId('headoffice-error').textContent()).toBe('连不上总部（连接被拒绝）：请检查地址、端口和网络');
    expect(await page.getByTestId('headoffice-error').getAttribute('title')).toContain('connection refused');
    expect(await page.getByTestId('headoffice-last').textContent()).toBe('尚未同步过');
    expect(await page.getByTestId('headoffice-sync-now').isDisabled()).toBe(false);
    // Behind, but not far: the top bar says nothing.
    expect(await page.getByTestId('headoffice-warning').count()).toBe(0);
    // The bar fits at 1024 px without a warning: nothing on it is cut.
    expect(await notCut(page, 'shift-badge')).toBe(true);
    await showStatus(page);
    await screenshot(page, 'headoffice-retrying');

    // 立即同步 asks main again; still nothing listens, so it is still retrying.
    await page.getByTestId('headoffice-sync-now').click();
    await expect.poll(() => page.getByTestId('headoffice-status').getAttribute('data-state')).toBe('retrying');

    // Far behind: the journal has FAR_BEHIND_ENTRIES changes waiting (logged straight into the log).
    till.app.runtime.journal.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FAR_BEHIND_ENTRIES})
      INSERT INTO replication_log (tbl, row_key, op) SELECT 'audit_log', CAST(-i AS TEXT), 'd' FROM n`);
    const warning = page.getByTestId('headoffice-warning');
    await expect.poll(() => warning.count()).toBe(1);
    expect(await warning.getAttribute('aria-label')).toMatch(/^总部同步落后 1\d,\d{3} 条 · 尚未同步过$/);
    expect(await page.getByTestId('headoffice-warning-sub').textContent()).toBe('尚未同步过');
    // Whole on the bar at 1024 px: its lines are not cut, the version gave it its place.
    expect(await notCut(page, 'headoffice-warning-main')).toBe(true);
    expect(await page.getByTestId('app-version').count()).toBe(0);
    expect(await warning.getAttribute('title')).toContain('connection refused');
    expect(await page.getByTestId('headoffice-behind').textContent()).toMatch(/^待同步 1\d,\d{3} 条$/);
    await showStatus(page);
    await screenshot(page, 'headoffice-far-behind');
    await page.getByTestId('nav-checkout').click();
    await page.getByTestId('keypad').waitFor();
    expect(await warning.count()).toBe(1);
    expect(await notCut(page, 'headoffice-warning-main')).toBe(true);
    await screenshot(page, 'headoffice-far-behind-checkout');
    // The warning leads to Settings → 总部.
    await warning.click();
    await page.getByTestId('headoffice-status').waitFor();
    await page.close();
  });

  it('a head office that refuses the credential: "总部拒绝同步" on the bar, the reason in words, main\'s words in the tooltip', async () => {
    const page = await openSettings();
    const port = (refusing.address() as { port: number }).port;
    await page.getByTestId('set-headOfficeUrl').fill(`postgres://127.0.0.1:${port}/pos`);
    await saveWithPin(page);
    await expect.poll(() => page.getByTestId('headoffice-status').getAttribute('data-state')).toBe('refused');
    expect(await page.getByTestId('headoffice-state').textContent()).toBe('总部拒绝同步，需要处理');
    expect(await page.getByTestId('headoffice-error').textContent()).toBe('总部拒绝了本机的凭据（编号或凭据不对，或已更换）');
    const warning = page.getByTestId('headoffice-warning');
    await expect.poll(() => page.getByTestId('headoffice-warning-main').textContent()).toBe('总部拒绝同步');
    expect(await page.getByTestId('headoffice-warning-sub').textContent()).toBe('详见 设置 → 总部');
    expect(await warning.getAttribute('aria-label')).toBe('总部拒绝同步：总部拒绝了本机的凭据（编号或凭据不对，或已更换）');
    expect(await warning.getAttribute('title')).toContain('refused this till\'s credential');
    expect(await notCut(page, 'headoffice-warning-main')).toBe(true);
    await showStatus(page);
    await screenshot(page, 'headoffice-refused');
    await page.close();
  });

  it('reads in English too: the section, the refusal in words and the bar', async () => {
    const page = await openSettings();
    await page.getByTestId('set-language').selectOption('en');
    await saveWithPin(page);
    await expect.poll(() => page.getByTestId('headoffice-state').textContent()).toBe('The head office refuses to sync: needs attention');
    expect(await page.getByTestId('headoffice-error').textContent()).toBe('The head office refused this till\'s credential (wrong till id or credential, or it was rotated)');
    expect(await page.getByTestId('headoffice-warning-main').textContent()).toBe('HQ refused sync');
    expect(await notCut(page, 'headoffice-warning-main')).toBe(true);
    await showStatus(page);
    await screenshot(page, 'headoffice-refused-english');
    await page.close();
  });

  it('emptying the URL disconnects: "No head office" (未连接总部) and the top bar quiet again', async () => {
    const page = await openSettings();
    await expect.poll(() => page.getByTestId('headoffice-warning').count()).toBe(1);
    await page.getByTestId('set-headOfficeUrl').fill('');
    await saveWithPin(page);
    await expect.poll(() => page.getByTestId('headoffice-state').textContent()).toBe('No head office');
    expect(await page.getByTestId('headoffice-status').getAttribute('data-state')).toBe('off');
    await expect.poll(() => page.getByTestId('headoffice-warning').count()).toBe(0);
    expect(await page.getByTestId('app-version').count()).toBe(1);
    expect(savedSettings().headOfficeUrl).toBe('');
    await page.close();
  });
});
