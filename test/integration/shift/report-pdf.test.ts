// The report HTML rendered to PDF by real Chromium (Debian's, through playwright-core): what the
// lead's printToPDF export will do in Electron. Also keeps a screenshot for review.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../electron/shift/export.js';
import { zReport } from '../../fixtures/printer/docs.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = join(fileURLToPath(new URL('../../../', import.meta.url)), 'test-results', 'shift');

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
});

describe('report PDF through Chromium', () => {
  it('renders to an A4 PDF with the report inside; the page loads nothing from outside', async () => {
    const html = renderReportHtml(zReport, 'zh-CN', { shopName: '好邻居便利店', terminalId: 'T001', timeZone: 'Asia/Shanghai', printedAt: '2026-11-24T09:05:00Z' });
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(html, { waitUntil: 'load' });
    expect(requests).toEqual([]);
    expect(await page.locator('h1').textContent()).toBe('交班报表（Z）');
    expect(await page.locator('table.channels tfoot td').last().textContent()).toBe('7232.29');
    expect(await page.locator('svg.chart rect').count()).toBe(6);
    expect(await page.locator('table.diffs tbody tr').count()).toBe(2);
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, 'z-report.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(OUT, 'z-report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(3);
    await page.close();
  });
});
