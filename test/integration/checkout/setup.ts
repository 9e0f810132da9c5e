// A real sandbox gateway on 127.0.0.1, a real journal file and the real engine, with fast
// timings (the sandbox's seconds scaled down, the engine's waits configured to match).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../../electron/sandbox/server.js';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { Journal } from '../../../electron/journal/journal.js';
import { PaymentEngine, type EngineConfig } from '../../../electron/checkout/engine.js';
import type { PaymentView } from '../../../shared/ipc/contract.js';

/**
 * Sandbox second = 30 real ms: a confirming customer takes 300 ms, the slow answer 900 ms. The
 * request timeout (500 ms) sits between an ordinary answer on a loaded CI machine and the slow one.
 */
export const TIME_SCALE = 0.03;
export const FAST: Partial<EngineConfig> = {
  requestTimeoutMs: 500,
  queryIntervalMs: 40,
  payDeadlineMs: 2_000,
  qrDeadlineMs: 2_000,
  reverseBackoff: { firstMs: 20, factor: 2, maxMs: 200 },
  refundBackoff: { firstMs: 20, factor: 2, maxMs: 200 },
  reconcileIntervalMs: 100,
  probeIntervalMs: 50,
  tickMs: 0,
  // Scaled down like the rest; a test of a late landing sets its own.
  notFoundHorizonMs: 1_500,
};

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export async function withRig(opts: { config?: Partial<EngineConfig>; fetchImpl?: typeof fetch; timeScale?: number; notifyUrl?: string } = {}) {
  const sandbox = await startSandbox({ timeScale: opts.timeScale ?? TIME_SCALE });
  const dir = mkdtempSync(join(tmpdir(), 'pos-checkout-'));
  const journal = Journal.open({ path: join(dir, 'journal.db'), terminalId: 'T01' });
  const gateway = createGatewayClient({ gatewayUrl: sandbox.gatewayUrl, appId: sandbox.appId, signType: 'MD5', secret: sandbox.secret, ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}) });
  const engine = new PaymentEngine({ journal, gateway, merchantNo: sandbox.merchantNo, terminalId: 'T01', config: { ...FAST, ...opts.config }, ...(opts.notifyUrl ? { notifyUrl: opts.notifyUrl } : {}) });
  return {
    sandbox,
    journal,
    engine,
    dir,
    /** Resolves with the first progress event of `outTradeNo` whose state satisfies `until`. */
    waitFor(outTradeNo: string, until: (v: PaymentView) => boolean, timeoutMs = 5_000): Promise<PaymentView> {
      const now = engine.payment(outTradeNo);
      if (until(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          engine.off('progress', on);
          reject(new Error(`${outTradeNo} still ${journal.attempt(outTradeNo)?.state} after ${timeoutMs} ms`));
        }, timeoutMs);
        const on = (v: PaymentView) => {
          if (v.outTradeNo === outTradeNo && until(v)) {
            clearTimeout(t);
            engine.off('progress', on);
            resolve(v);
          }
        };
        engine.on('progress', on);
      });
    },
    async close() {
      await engine.stop();
      journal.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const FINAL = ['paid', 'declined', 'closed', 'refunded'];
/** Final, or paid_after_close (a late payment whose refund is owed). */
export const isSettledOrOwed = (v: { state: string }) => FINAL.includes(v.state) || v.state === 'paid_after_close';
export const isFinal = (v: { state: string }) => FINAL.includes(v.state);

/** A valid WeChat payment code ending in the scenario suffix (wire.md sandbox table). */
export function weixinCode(suffix: string, n = 0): string {
  return `13${String(n).padStart(14, '0')}${suffix}`;
}
export function alipayCode(suffix: string, n = 0): string {
  return `28${String(n).padStart(14, '0')}${suffix}`;
}
