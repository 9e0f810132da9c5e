// PDF for the browser host: the report's HTML printed by the machine's Chromium (headless,
// through playwright-core). Where no Chromium is installed, PDF export says so; CSV still works.
import { existsSync } from 'node:fs';
import type { PdfRenderer } from '../ipc/handlers/export.js';

export const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => !!p);
/** A report page renders in well under this; a hung browser is given up. */
export const PDF_RENDER_TIMEOUT_MS = 30_000;

export function chromiumPdfRenderer(): PdfRenderer | null {
  const executablePath = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) return null;
  return async (html) => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, timeout: PDF_RENDER_TIMEOUT_MS, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ javaScriptEnabled: false });
      await page.setContent(html, { waitUntil: 'load', timeout: PDF_RENDER_TIMEOUT_MS });
      return await page.pdf({ format: 'A4', printBackground: true });
    } finally {
      await browser.close();
    }
  };
}
