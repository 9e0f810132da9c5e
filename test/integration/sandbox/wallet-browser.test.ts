// The wallet page in a real browser (Debian's Chromium through playwright-core): the customer sees
// the amount and the merchant, presses 付款 or 取消, and the order follows.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient, type GatewayClient } from '../../../electron/gateway/client.js';
import { startSandbox, type RunningSandbox } from '../../../electron/sandbox/server.js';
import { payParams } from '../gateway/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let sb: RunningSandbox;
let client: GatewayClient;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  sb = await startSandbox({ timeScale: 0.001 });
  client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, signType: 'MD5', secret: sb.secret });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sb?.close();
});

async function newOrder(method: 'weixin.qr_code_pay' | 'alipay.wap_pay', amountFen: number): Promise<{ outTradeNo: string; url: string }> {
  const params = payParams(method, sb.merchantNo, amountFen);
  const r = await client.call(method, params as never);
  if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
  const res = r.result as Record<string, unknown>;
  return { outTradeNo: String(params['out_trade_no']), url: String(res['qr_code'] ?? res['pay_url']) };
}

describe('wallet page in Chromium', () => {
  it('shows amount and merchant; 付款 pays the order', async () => {
    const { outTradeNo, url } = await newOrder('weixin.qr_code_pay', 2688);
    const page = await browser.newPage();
    await page.goto(url);
    expect(await page.textContent('.amount')).toBe('¥26.88');
    expect(await page.textContent('.merchant')).toBe(sb.merchantName);
    expect(await page.getAttribute('.state', 'data-state')).toBe('pending');
    await page.click('button[value=pay]');
    await page.waitForSelector('.state[data-state=paid]');
    expect(await page.textContent('.notice')).toContain('付款成功');
    expect(await page.locator('button').count()).toBe(0);
    expect(sb.ledger.order(outTradeNo)?.state).toBe('paid');
    await page.close();
  });

  it('取消 closes it', async () => {
    const { outTradeNo, url } = await newOrder('alipay.wap_pay', 100);
    const page = await browser.newPage();
    await page.goto(url);
    await page.click('button[value=cancel]');
    await page.waitForSelector('.state[data-state=closed]');
    expect(sb.ledger.order(outTradeNo)?.state).toBe('closed');
    await page.close();
  });
});
