// Debian's Chromium driven by playwright-core, against a till served by the browser host.
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHostedTill, REPO_ROOT, type HostedTill } from '../../electron/host/run.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
/** The till screen the UI must fit. */
export const TILL_VIEWPORT = { width: 1024, height: 768 };

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export function tempDataDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `pos-e2e-${name}-`));
}

export async function startTill(name: string, dataDir = tempDataDir(name)): Promise<HostedTill & { dataDir: string }> {
  const till = await runHostedTill({ dataDir, log: () => {} });
  return Object.assign(till, { dataDir });
}

export async function openTill(browser: Browser, till: HostedTill, hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: TILL_VIEWPORT, locale: 'zh-CN' });
  await page.goto(`${till.host.url}${hash}`);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
