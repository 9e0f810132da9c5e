// The cashier screen's readiness in Debian's Chromium, served by the browser host: from the start
// of navigation until the checkout can take a sale — the keypad is on screen and the till's info
// (gateway mode, online state) has arrived over the WebSocket. A fresh browser context each run
// (no cache), like a till window opening. Then the first switch to a manager screen (fetched on
// demand since the manager screens are split off the first bundle).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, tempDataDir, TILL_VIEWPORT } from '../e2e/browser.js';
import { REPO_ROOT, runHostedTill } from '../../electron/host/run.js';
import { percentile, sorted, type BenchLine } from './harness.js';

const RUNS = 15;
const READY_GOAL_MS = 300;
const MANAGER_SCREEN_GOAL_MS = 300;
/** A page that is not ready within this is broken, not slow. */
const READY_TIMEOUT_MS = 15_000;

/** Runs in the page before its scripts: notes when the checkout is ready to sell. */
const READY_PROBE = `
  window.__posReadyMs = null;
  const check = () => {
    if (window.__posReadyMs !== null) return;
    if (document.querySelector('[data-testid="keypad"]') && document.querySelector('[data-testid="gateway-mode"]')) {
      window.__posReadyMs = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
`;

export default async function (): Promise<BenchLine[]> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is missing: npm run build:renderer first');
  const dataDir = tempDataDir('ui-bench');
  const till = await runHostedTill({ dataDir, log: () => {} });
  const browser = await launchBrowser();
  try {
    const ready: number[] = [];
    const manager: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: TILL_VIEWPORT, locale: 'zh-CN' });
      await context.addInitScript(READY_PROBE);
      const page = await context.newPage();
      await page.goto(till.host.url);
      await page.waitForFunction(() => (globalThis as unknown as { __posReadyMs: number | null }).__posReadyMs !== null, null, { timeout: READY_TIMEOUT_MS });
      ready.push(await page.evaluate(() => (globalThis as unknown as { __posReadyMs: number }).__posReadyMs));
      // The first open of the history screen: its chunk is fetched, then it renders.
      const t0 = await page.evaluate(() => performance.now());
      await page.getByTestId('nav-history').click();
      await page.getByTestId('history-search').waitFor({ timeout: READY_TIMEOUT_MS });
      manager.push((await page.evaluate(() => performance.now())) - t0);
      await context.close();
    }
    const r = sorted(ready);
    const m = sorted(manager);
    return [
      { name: `cashier screen ready to sell in Chromium, p50 (${RUNS} cold opens)`, value: Number(percentile(r, 50).toFixed(1)), unit: 'ms', goal: `< ${READY_GOAL_MS} ms`, met: percentile(r, 50) < READY_GOAL_MS },
      { name: `cashier screen ready to sell in Chromium, p99`, value: Number(percentile(r, 99).toFixed(1)), unit: 'ms', goal: `< ${2 * READY_GOAL_MS} ms`, met: percentile(r, 99) < 2 * READY_GOAL_MS },
      { name: 'first open of a manager screen (history, fetched on demand), p50', value: Number(percentile(m, 50).toFixed(1)), unit: 'ms', goal: `< ${MANAGER_SCREEN_GOAL_MS} ms`, met: percentile(m, 50) < MANAGER_SCREEN_GOAL_MS },
    ];
  } finally {
    await browser.close();
    await till.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
