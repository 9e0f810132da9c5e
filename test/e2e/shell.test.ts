// The foundation end to end: Chromium opens the app through the browser host, the renderer calls
// the main side through the `pos` API and shows its answer; the host refuses strangers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import NodeWebSocket from 'ws';
import { launchBrowser, openTill, screenshot, startTill } from './browser.js';
import { packageVersion } from '../../electron/host/run.js';

let browser: Browser;
let till: Awaited<ReturnType<typeof startTill>>;

beforeAll(async () => {
  browser = await launchBrowser();
  till = await startTill('shell');
});
afterAll(async () => {
  await browser?.close();
  await till?.close();
});

describe('browser host', () => {
  it('shows the version and the sandbox badge answered by the main side', async () => {
    const page = await openTill(browser, till);
    await expect.poll(() => page.getByTestId('app-version').textContent()).toContain(packageVersion());
    expect(await page.getByTestId('gateway-mode').textContent()).toBe('沙箱模式');
    await screenshot(page, 'shell-skeleton');
    await page.close();
  });

  it('refuses the page without the run token', async () => {
    const res = await fetch(`${till.host.origin}/`);
    expect(res.status).toBe(403);
  });

  it('refuses a WebSocket from another origin, and one without the token', async () => {
    const refused = (url: string, origin: string) =>
      new Promise<boolean>((resolve) => {
        const ws = new NodeWebSocket(url, { origin });
        ws.on('open', () => {
          ws.close();
          resolve(false);
        });
        ws.on('error', () => resolve(true));
      });
    const wsUrl = `ws://127.0.0.1:${till.host.port}/ws`;
    expect(await refused(`${wsUrl}?token=${till.host.token}`, 'http://evil.example')).toBe(true);
    expect(await refused(`${wsUrl}?token=wrong`, till.host.origin)).toBe(true);
    expect(await refused(`${wsUrl}?token=${till.host.token}`, till.host.origin)).toBe(false);
  });

  it('answers a malformed payload from the page with a typed error', async () => {
    const page = await openTill(browser, till);
    await expect.poll(() => page.getByTestId('app-version').textContent()).toContain('.');
    const result = await page.evaluate(async (url) => {
      const ws = new WebSocket(url);
      await new Promise((r) => (ws.onopen = r));
      ws.send(JSON.stringify({ id: 7, channel: 'checkout.cash', payload: { amountFen: 12.5, tenderedFen: -1 } }));
      const msg = await new Promise<string>((r) => (ws.onmessage = (e) => r(String(e.data))));
      ws.close();
      return JSON.parse(msg) as { id: number; result: { ok: boolean; error: { code: string; issues: { path: string }[] } } };
    }, `ws://127.0.0.1:${till.host.port}/ws?token=${till.host.token}`);
    expect(result.id).toBe(7);
    expect(result.result.ok).toBe(false);
    expect(result.result.error.code).toBe('invalid_payload');
    expect(result.result.error.issues.map((i) => i.path).sort()).toEqual(['amountFen', 'tenderedFen']);
    await page.close();
  });
});
