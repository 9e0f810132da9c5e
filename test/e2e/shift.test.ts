// 交班/日结 as a cashier and a manager use it, in Chromium, against the browser host with the real
// journal, the real payment engine and the embedded sandbox gateway: a new till with no cashiers →
// the first cashier added behind the manager PIN → sign-in → a shift opened with a float → sales →
// cash out → X report (the cashier's is BLIND: no drawer figure; the manager's PIN opens the full
// one) → close with a BLIND count by denomination, a variance over the threshold → a recount that
// matches, which still needs the manager PIN and a reason (the first count is on record) → the
// reconciling screen counting the gateway orders ("已核对 1 / 1 笔") → the Z report matching the
// gateway, with "首次清点 ¥80.00 · 清点 2 次" → print, CSV, PDF → 日结. Then a second shift: an order still open keeps it from closing until it is settled, and
// an amount changed in the sandbox ledger shows in the Z report with its cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, screenshot, TILL_VIEWPORT } from './browser.js';
import { DEFAULT_PIN, startPayTill, wxCode } from './till.js';
import { dispatch } from '../../electron/ipc/dispatch.js';
import { decodeToPrinted } from '../../electron/printer/decode.js';
import type { InvokeChannel, InvokePayload, InvokeResults } from '../../shared/ipc/contract.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startPayTill>>;
const printerFile = join(mkdtempSync(join(tmpdir(), 'pos-e2e-shift-printer-')), 'printer.bin');
const ctx = { shell: 'browser-host' as const, caller: 'e2e-shift' };

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startPayTill('shift-ui', { printer: `file:${printerFile}`, varianceThresholdFen: 1_000 });
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

/** A call to the till's handler table, the way the checkout screen's calls arrive. */
async function call<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<InvokeResults[C]> {
  const r = await dispatch(till.app.handlers, channel, payload, ctx);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as InvokeResults[C];
}

/**
 * Answers to shift.close the test holds back (the page's WebSocket is routed through the test), so
 * the screen shown while main reconciles can be seen; null: answers pass straight through.
 */
let closeGate: { released: Promise<void>; release: () => void } | null = null;
function holdCloseAnswers(): void {
  let release = () => {};
  const released = new Promise<void>((r) => (release = r));
  closeGate = { released, release };
}

/** The shift screen, its WebSocket to the till passing through the test (see holdCloseAnswers). */
async function openShiftPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: TILL_VIEWPORT, locale: 'zh-CN' });
  await page.routeWebSocket(/\/ws/, (ws) => {
    const server = ws.connectToServer();
    const closeIds = new Set<number>();
    ws.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { id?: number; channel?: string };
      if (msg.channel === 'shift.close' && typeof msg.id === 'number') closeIds.add(msg.id);
      server.send(m);
    });
    server.onMessage((m) => {
      const msg = JSON.parse(String(m)) as { type?: string; id?: number };
      const gate = closeGate;
      if (gate && msg.type === 'result' && typeof msg.id === 'number' && closeIds.has(msg.id)) void gate.released.then(() => ws.send(m));
      else ws.send(m);
    });
  });
  await page.goto(`${till.host.url}#/shift`);
  return page;
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function todayOfPage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const d = new Date();
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  });
}

describe('shift screens', () => {
  let page: Page;

  it('first run → cashier → sign-in → float → sales → cash out → X → blind count short → recount to match, approved → Z matches the gateway and shows the first count → print, CSV, PDF → 日结', async () => {
    page = await openShiftPage();

    // A new till: nobody to sign in; the screen says so and offers to add the first cashier.
    await page.getByTestId('first-run').waitFor();
    expect(await text(page, 'first-run')).toContain('还没有收银员');
    await screenshot(page, 'shift-first-run');
    await page.getByTestId('add-first-cashier').click();
    const dialog = page.getByTestId('cashiers-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('cashier-id').inputValue()).toBe('001');
    await page.getByTestId('cashier-name').fill('小王');
    await page.getByTestId('cashier-pin').fill('1357');
    await page.getByTestId('cashier-pin2').fill('1357');
    await page.getByTestId('cashier-manager-pin').fill('9999');
    await page.getByTestId('cashier-manager-pin').press('Enter');
    await expect.poll(() => text(page, 'cashier-manager-pin-error')).toBe('店长密码不正确');
    await page.getByTestId('cashier-manager-pin').fill(DEFAULT_PIN);
    await screenshot(page, 'shift-add-cashier');
    await page.getByTestId('cashier-manager-pin').press('Enter');
    await dialog.waitFor({ state: 'detached' });

    // Sign-in: the only cashier is picked already, the PIN field has the focus.
    await page.getByTestId('shift-signin').waitFor();
    expect(await page.getByTestId('signin-cashier-001').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signin-pin');
    await page.keyboard.type('2468');
    await page.keyboard.press('Enter');
    await expect.poll(() => text(page, 'signin-error')).toBe('工号或签到密码不正确');
    await page.keyboard.type('1357');
    await screenshot(page, 'shift-sign-in');
    await page.keyboard.press('Enter');

    // Open with a float of 100 yuan, typed.
    await page.getByTestId('shift-open').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('float-input');
    await page.keyboard.type('100');
    expect(await text(page, 'open-submit')).toContain('¥100.00');
    await screenshot(page, 'shift-open');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-facts').waitFor();
    expect(await text(page, 'shift-float')).toBe('¥100.00');
    expect(await text(page, 'shift-who')).toContain('小王');
    const shiftId = Number((await text(page, 'shift-id')).replace('#', ''));
    expect(shiftId).toBeGreaterThan(0);

    // Sales arrive on the open shift the way the checkout screen sends them.
    const wx = await call('checkout.scan', { amountFen: 1999, authCode: wxCode('00', 701) });
    expect(wx.state).toBe('paid');
    const cash = await call('checkout.cash', { amountFen: 1250, tenderedFen: 2000 });
    expect(cash.outTradeNo).toBeTruthy();

    // Cash out 20 yuan to the bank, with the reason.
    await page.getByTestId('cash-out').click();
    await page.getByTestId('cash-move-dialog').waitFor();
    await page.getByTestId('move-amount').fill('20');
    await page.getByTestId('move-submit').click();
    await expect.poll(() => text(page, 'move-reason-error')).toContain('请填写原因');
    await page.getByRole('button', { name: '存入银行' }).click();
    await page.getByTestId('move-reason').press('Enter');
    await page.getByTestId('cash-move-dialog').waitFor({ state: 'detached' });
    expect(await text(page, 'move-done')).toBe('✓ 已取出 ¥20.00（存入银行）');

    // X report: the shift so far — the cashier's is BLIND. Nothing on it gives the drawer away
    // (expected 92.50, float 100.00, cash sales 12.50, cash out 20.00, total net 32.49); each
    // hidden figure says so in words, never ¥0.00. Counts stay; card channels keep their amounts.
    await page.getByTestId('x-report').click();
    await page.locator('[data-testid="shift-report"][data-title="X"]').waitFor();
    await page.getByTestId('report-blind').waitFor();
    expect(await text(page, 'report-blind')).toContain('盲点收银');
    expect(await text(page, 'report-expected')).toBe('盲点收银：交班时显示');
    expect(await text(page, 'report-net')).toBe('盲点收银：交班时显示');
    const xText = await page.getByTestId('shift-report').innerText();
    for (const figure of ['92.50', '100.00', '12.50', '20.00', '32.49']) expect(xText).not.toContain(figure);
    expect(await text(page, 'report-cash')).not.toContain('¥');
    expect(await page.locator('body').innerText()).not.toContain('92.50');
    expect(await page.locator('[data-testid="report-channels"] tbody tr').count()).toBe(6);
    expect(await page.locator('[data-testid="report-channels"] tr[data-channel="weixin"] [data-testid="channel-net"]').textContent()).toBe('¥19.99');
    expect(await page.locator('[data-testid="report-channels"] tr[data-channel="cash"] [data-testid="channel-net"]').textContent()).toBe('交班时显示');
    expect(await page.locator('[data-testid="report-channels"] tr[data-channel="cash"] td').nth(1).textContent()).toBe('1');
    expect(await page.getByTestId('reconciliation').getAttribute('data-verdict')).toBe('none');
    expect(await page.locator('[data-testid="shift-chart"] g[data-channel]').count()).toBe(6);
    expect(await page.locator('[data-testid="shift-chart"] g[data-channel="cash"] rect').count()).toBe(0);
    await screenshot(page, 'shift-x-report');
    await page.getByTestId('report-cash').scrollIntoViewIfNeeded();
    await screenshot(page, 'shift-x-report-drawer');

    // Printed and exported as it is on screen: blind.
    await page.getByTestId('report-print').click();
    await expect.poll(() => text(page, 'report-printed')).toContain('已发送到打印机');
    // The printer file holds the sales' receipts too: the X report is the job after its title.
    const printedX = decodeToPrinted(readFileSync(printerFile)).text.split('X 报表（当班）').at(-1)!;
    expect(printedX).toMatch(/应有现金 +盲点收银：交班时显示/);
    for (const figure of ['92.50', '100.00', '12.50', '20.00', '32.49']) expect(printedX).not.toContain(figure);
    await page.getByTestId('report-csv').click();
    await page.getByTestId('report-exported').waitFor();
    const xCsv = readFileSync(await text(page, 'report-export-path'), 'utf8');
    expect(xCsv).toContain('应有现金,盲点收银：交班时显示');
    expect(xCsv).not.toContain('92.50');

    // The manager's X report: the PIN (a wrong one first) opens the full one, drawer included.
    await page.getByTestId('report-unlock-pin').fill('1111');
    await page.getByTestId('report-unlock-pin').press('Enter');
    await expect.poll(() => text(page, 'report-unlock-error')).toBe('店长密码不正确');
    expect(await text(page, 'report-expected')).toBe('盲点收银：交班时显示');
    await page.getByTestId('report-unlock-pin').fill(DEFAULT_PIN);
    await page.getByTestId('report-unlock').click();
    await page.getByTestId('report-manager').waitFor();
    expect(await text(page, 'report-expected')).toBe('¥92.50');
    expect(await text(page, 'report-net')).toBe('¥32.49');
    expect(await page.locator('[data-testid="report-channels"] tr[data-channel="cash"] [data-testid="channel-net"]').textContent()).toBe('¥12.50');
    expect(await page.getByTestId('report-blind').count()).toBe(0);
    await screenshot(page, 'shift-x-report-manager');
    // Done: the manager closes it; the X report asked again is the cashier's, blind.
    await page.getByTestId('report-lock').click();
    await page.getByTestId('shift-report').waitFor({ state: 'detached' });
    await page.getByTestId('x-report').click();
    await page.getByTestId('report-blind').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('92.50');

    // Close: the count is blind — the expected 92.50 is nowhere on the page.
    await page.getByTestId('start-close').click();
    await page.getByTestId('close-count').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('92.50');
    await page.getByTestId('count-mode-denominations').check();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('denom-100');
    // Keyboard counting: a count, Enter to the next denomination.
    await page.keyboard.press('Enter');
    await page.keyboard.type('1'); // 50
    await page.keyboard.press('Enter');
    await page.keyboard.type('1'); // 20
    await page.keyboard.press('Enter');
    await page.keyboard.type('1'); // 10
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // 5
    await page.keyboard.press('Enter'); // 1
    await page.keyboard.type('x'); // 0.5: not a count
    expect(await text(page, 'denominations-sum')).toBe('—');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter'); // 0.5
    await page.keyboard.type('0'); // 0.1
    expect(await text(page, 'denominations-sum')).toBe('¥80.00');
    expect(await page.locator('body').innerText()).not.toContain('92.50');
    await screenshot(page, 'shift-close-count');
    await page.keyboard.press('Enter'); // on the last denomination: confirms the count

    // Expected vs counted, and the variance over the threshold needs the manager PIN and a reason.
    await page.getByTestId('close-review').waitFor();
    await expect.poll(() => text(page, 'close-expected')).toBe('¥92.50');
    expect(await text(page, 'close-counted')).toBe('¥80.00');
    expect(await text(page, 'close-variance')).toBe('-¥12.50');
    expect(await text(page, 'close-variance-word')).toContain('短款');
    await page.getByTestId('approval').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('close-reason');
    await page.getByTestId('close-submit').click();
    await expect.poll(() => text(page, 'close-reason-error')).toBe('请填写差额原因');
    await page.getByTestId('close-reason').fill('找零时多找了');
    await page.getByTestId('close-pin').fill('1111');
    await page.getByTestId('close-pin').press('Enter');
    await expect.poll(() => text(page, 'close-pin-error')).toBe('店长密码不正确');
    await page.getByTestId('close-pin').fill(DEFAULT_PIN);
    await screenshot(page, 'shift-close-review');

    // Having seen the variance, the cashier counts again (Esc) — and it matches. The first count
    // is on record: the count step and the review say so, and the manager is still asked.
    await page.keyboard.press('Escape');
    await page.getByTestId('close-count').waitFor();
    expect(await text(page, 'recount-note')).toBe('第 2 次清点：首次清点 ¥80.00 已记录，交班报表会显示清点了几次。');
    await page.getByTestId('count-mode-total').check();
    await page.getByTestId('count-total').fill('92.50');
    await page.getByTestId('count-total').press('Enter');
    await page.getByTestId('close-review').waitFor();
    await expect.poll(() => text(page, 'close-variance')).toBe('¥0.00');
    expect(await text(page, 'close-variance-word')).toBe('相符');
    expect(await text(page, 'close-first-count')).toBe('首次清点 ¥80.00 · 清点 2 次（已记录，交班报表会显示）');
    expect(await text(page, 'approval-text')).toBe('首次清点差额 -¥12.50 超过了 ¥10.00：重新清点后仍需店长密码和原因');
    expect(await page.getByTestId('close-reason').inputValue()).toBe('找零时多找了');
    await page.getByTestId('close-submit').click();
    await expect.poll(() => text(page, 'close-pin-error')).toBe('店长密码是 4–8 位数字');
    await screenshot(page, 'shift-close-recount');
    // Without the screen's check, main refuses the close too: the first count's variance needs the manager.
    const refused = await dispatch(till.app.handlers, 'shift.close', { countedFen: 9_250, varianceReason: '找零时多找了' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'pin_required', message: expect.stringContaining('on the first count') } });
    // And a count never submitted through shift.count is refused, naming no amount.
    const skipped = await dispatch(till.app.handlers, 'shift.close', { countedFen: 9_000 }, ctx);
    expect(skipped).toMatchObject({ ok: false, error: { code: 'conflict', issues: [{ path: 'countedFen' }] } });
    expect(JSON.stringify(skipped)).not.toMatch(/92\.50|90\.00|9250|9000|2\.50/);
    await page.getByTestId('close-pin').fill(DEFAULT_PIN);
    holdCloseAnswers();
    await page.getByTestId('close-pin').press('Enter');
    // While main queries every gateway order again, the screen says so and counts them.
    await page.getByTestId('closing').waitFor();
    expect(await text(page, 'closing')).toContain('正在与网关核对');
    await expect.poll(() => text(page, 'closing-progress-text')).toBe('已核对 1 / 1 笔');
    expect(await page.getByTestId('closing-progress').getAttribute('aria-valuenow')).toBe('1');
    expect(await page.locator('.closing-bar-fill').getAttribute('style')).toContain('width: 100%');
    await page.waitForTimeout(400); // the bar's 0.2 s width transition, so the picture shows it full
    await screenshot(page, 'shift-closing');
    closeGate!.release();
    closeGate = null;

    // Z report: reconciled against the gateway, to the fen; the first count and the 2 counts.
    await page.locator('[data-testid="shift-report"][data-title="Z"]').waitFor({ timeout: 30_000 });
    expect(await text(page, 'closed-banner')).toContain(`班次 #${shiftId} 已交班`);
    expect(await page.getByTestId('reconciliation').getAttribute('data-verdict')).toBe('match');
    expect(await text(page, 'reconciliation')).toContain('与网关核对一致，精确到分');
    expect(await text(page, 'report-counted')).toBe('¥92.50');
    expect(await text(page, 'report-variance')).toBe('¥0.00');
    expect(await text(page, 'report-first-count')).toBe('首次清点 ¥80.00 · 清点 2 次');
    expect(await text(page, 'report-net')).toBe('¥32.49');
    await screenshot(page, 'shift-z-report');
    await page.getByTestId('report-first-count').scrollIntoViewIfNeeded();
    await screenshot(page, 'shift-z-report-recount');

    // Print, then CSV and PDF into the till's export folder (the screen says where).
    await page.getByTestId('report-print').click();
    await expect.poll(() => text(page, 'report-printed')).toContain('已发送到打印机');
    expect(statSync(printerFile).size).toBeGreaterThan(100);
    const printedZ = decodeToPrinted(readFileSync(printerFile)).text.split('交班报表（Z）').at(-1)!;
    expect(printedZ).toContain('首次清点 ￥80.00 · 清点 2 次');
    await page.getByTestId('report-csv').click();
    await page.getByTestId('report-exported').waitFor();
    const csvPath = await text(page, 'report-export-path');
    expect(csvPath.startsWith(join(till.dataDir, 'exports'))).toBe(true);
    expect(csvPath.endsWith('.csv')).toBe(true);
    const zCsv = readFileSync(csvPath, 'utf8');
    expect(zCsv).toContain('19.99');
    expect(zCsv).toContain('首次清点,80.00\r\n清点次数,2\r\n');
    await page.getByTestId('report-pdf').click();
    await expect.poll(() => text(page, 'report-export-path'), { timeout: 60_000 }).toMatch(/\.pdf$/);
    const pdfPath = await text(page, 'report-export-path');
    expect(existsSync(pdfPath)).toBe(true);
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'shift-z-exported');

    // 日结 for today: the same report over the day.
    await page.getByTestId('tab-day').click();
    expect(await page.getByTestId('day-date').inputValue()).toBe(await todayOfPage(page));
    await page.getByTestId('day-run').click();
    await page.locator('[data-testid="shift-report"][data-title="DAY"]').waitFor({ timeout: 30_000 });
    expect(await text(page, 'report-title')).toContain(await todayOfPage(page));
    expect(await text(page, 'report-net')).toBe('¥32.49');
    expect(await page.getByTestId('reconciliation').getAttribute('data-verdict')).toBe('match');
    await page.getByTestId('report-csv').click();
    await expect.poll(() => text(page, 'report-export-path')).toContain(`day-${await todayOfPage(page)}.csv`);
    await screenshot(page, 'shift-day-report');
  });

  it('an order still open keeps the shift from closing until it is settled; a ledger amount changed at the gateway shows in the Z report with its cause', async () => {
    await page.getByTestId('tab-shift').click();
    await page.getByTestId('next-shift').click();
    await page.getByTestId('float-input').fill('0');
    await page.getByTestId('float-input').press('Enter');
    await page.getByTestId('shift-facts').waitFor();

    // A sale the gateway will remember differently, and a QR order the customer has not paid yet.
    const sale = await call('checkout.scan', { amountFen: 888, authCode: wxCode('00', 702) });
    expect(sale.state).toBe('paid');
    const ledger = till.app.runtime.gateway().sandbox!.ledger;
    ledger.setAmount(sale.outTradeNo, 999);
    const qr = await call('checkout.qr', { amountFen: 500, method: 'weixin.qr_code_pay' });
    expect(qr.state).toBe('pending');

    // Esc leaves the count; the close starts again from an empty count.
    await page.getByTestId('start-close').click();
    await page.getByTestId('count-total').fill('5');
    await page.keyboard.press('Escape');
    await page.getByTestId('close-count').waitFor({ state: 'detached' });
    await page.getByTestId('start-close').click();
    expect(await page.getByTestId('count-total').inputValue()).toBe('');
    await page.getByTestId('count-total').fill('0');
    await page.getByTestId('count-total').press('Enter');
    await page.getByTestId('open-orders').waitFor();
    expect(await text(page, 'open-orders')).toContain('还有 1 笔订单没有最终结果');
    expect(await page.locator(`[data-open-order="${qr.outTradeNo}"]`).count()).toBe(1);
    expect(await page.getByTestId('close-submit').isDisabled()).toBe(true);
    await screenshot(page, 'shift-open-orders');

    // "Settle in Orders" opens the order in 订单; back in 交班 the close waits where it was.
    await page.getByTestId(`settle-${qr.outTradeNo}`).click();
    await page.getByTestId('order-detail').waitFor();
    expect(await page.getByTestId('order-detail').textContent()).toContain(qr.outTradeNo);
    await page.getByTestId('nav-shift').click();
    await page.getByTestId('close-review').waitFor();

    // The customer pays; "query now" settles it right there and the close can go on.
    ledger.markPaid(qr.outTradeNo);
    await page.getByTestId(`query-${qr.outTradeNo}`).click();
    await page.getByTestId('open-orders').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await text(page, 'close-variance')).toBe('¥0.00');
    await page.getByTestId('close-submit').press('Enter');
    await page.locator('[data-testid="shift-report"][data-title="Z"]').waitFor({ timeout: 30_000 });

    // The difference, with its cause in plain words; never read as a match.
    expect(await page.getByTestId('reconciliation').getAttribute('data-verdict')).toBe('differs');
    expect(await text(page, 'reconciliation')).toContain('与网关核对不一致：1 笔有差异');
    const diff = page.locator(`[data-testid="reconciliation-diffs"] tr[data-diff="${sale.outTradeNo}"]`);
    expect(await diff.getAttribute('data-cause')).toBe('amount_differs');
    expect(await diff.textContent()).toContain('金额不一致');
    expect(await text(page, 'reconciliation')).not.toContain('与网关核对一致');
    await screenshot(page, 'shift-mismatch');

    // 日结 carries the difference too.
    await page.getByTestId('tab-day').click();
    await page.getByTestId('day-run').click();
    await page.locator('[data-testid="shift-report"][data-title="DAY"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('reconciliation').getAttribute('data-verdict')).toBe('differs');
    expect(await text(page, 'report-net')).toBe(`¥${((3249 + 888 + 500) / 100).toFixed(2)}`);
    await screenshot(page, 'shift-day-mismatch');

    // The next shift opens, and 小王 signs out with it still open: the sign-in screen says so.
    await page.getByTestId('tab-shift').click();
    await page.getByTestId('next-shift').click();
    await page.getByTestId('float-input').fill('50');
    await page.getByTestId('float-input').press('Enter');
    await page.getByTestId('shift-facts').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('shift-signin').waitFor();
    expect(await text(page, 'signin-open-shift')).toContain('还没有交班');
    expect(await text(page, 'signin-open-shift')).toContain('小王');

    // The manager adds a second cashier; the new one signs in with the keyboard only.
    await page.getByTestId('manage-cashiers').click();
    await page.getByTestId('cashiers-dialog').waitFor();
    expect(await page.getByTestId('cashier-id').inputValue()).toBe('002');
    await page.getByTestId('cashier-name').fill('小李');
    await page.getByTestId('cashier-pin').fill('24680');
    await page.getByTestId('cashier-pin2').fill('24680');
    await page.getByTestId('cashier-manager-pin').fill(DEFAULT_PIN);
    await page.getByTestId('cashier-manager-pin').press('Enter');
    await expect.poll(() => text(page, 'cashier-added')).toContain('已添加 小李（工号 002）');
    expect(await page.locator('[data-testid="cashiers-list"] tbody tr').count()).toBe(2);
    await screenshot(page, 'shift-cashiers');
    await page.keyboard.press('Escape');
    await page.getByTestId('cashiers-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('signin-cashier-002').getAttribute('aria-selected')).toBe('true');
    await page.getByTestId('signin-cashier-001').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('signin-pin');
    await page.keyboard.type('24680');
    await screenshot(page, 'shift-sign-in-open-shift');
    await page.keyboard.press('Enter');
    await page.getByTestId('shift-facts').waitFor();
    expect(await text(page, 'shift-who')).toContain('小李');
    expect(await text(page, 'shift-facts')).toContain('小王');
    await page.close();
  });
});
