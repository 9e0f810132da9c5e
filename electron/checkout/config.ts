// The payment engine's settings (engine.ts re-exports them) and the retry waits they give.
export interface Backoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

export interface EngineConfig {
  /** Between two trade.query of a payment waiting for the customer. */
  queryIntervalMs: number;
  /** From the scan until the engine stops waiting and reverses. */
  payDeadlineMs: number;
  /** From creating a QR / link order until it is closed by reverse. */
  qrDeadlineMs: number;
  /** One gateway call's wait. */
  requestTimeoutMs: number;
  /** trade.reverse is retried until answered: first wait, growth, ceiling. */
  reverseBackoff: Backoff;
  /** trade.refund retries with the same out_refund_no. */
  refundBackoff: Backoff;
  /** The background reconciler's sweep of due outbox rows. */
  reconcileIntervalMs: number;
  /** Consecutive calls without an answer before the gateway counts as offline. */
  offlineAfterFailures: number;
  /** While offline: how often the gateway is probed. */
  probeIntervalMs: number;
  /** Countdown 'progress' events of the current payment; 0 turns them off. */
  tickMs: number;
  /** Steps run at once by recovery and the reconciler. */
  maxParallelSteps: number;
  /** Rows one reconciler sweep picks up. */
  maxSweepRows: number;
  /**
   * From the attempt's first request until "no such order" is believed. Before it, a not-found
   * (query or reverse) keeps the attempt unknown: a request that got no answer may still be in
   * flight or queued at the gateway and land later as paid. The default, 5 min, is well past the
   * 10 s request timeout, the 45 s wait and the about 1 min a customer's payment code stays
   * valid (a request carrying it cannot be charged much later), with room for a gateway's own
   * retries of a slow channel.
   */
  notFoundHorizonMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  queryIntervalMs: 5_000,
  payDeadlineMs: 45_000,
  qrDeadlineMs: 120_000,
  requestTimeoutMs: 10_000,
  reverseBackoff: { firstMs: 2_000, factor: 2, maxMs: 60_000 },
  refundBackoff: { firstMs: 5_000, factor: 2, maxMs: 300_000 },
  reconcileIntervalMs: 15_000,
  offlineAfterFailures: 2,
  probeIntervalMs: 10_000,
  tickMs: 1_000,
  maxParallelSteps: 4,
  maxSweepRows: 200,
  notFoundHorizonMs: 300_000,
};

/** trade.reverse is "订单撤销[支付宝|微信]": other channels' orders close at the gateway by themselves. */
export const REVERSIBLE_CHANNELS: ReadonlySet<string> = new Set(['weixin', 'alipay']);

/** Past this many tries the wait stays at the ceiling (and 2^n stays a small number). */
const MAX_BACKOFF_STEPS = 30;

export function backoffMs(b: Backoff, tries: number): number {
  return Math.min(b.maxMs, b.firstMs * b.factor ** Math.min(tries, MAX_BACKOFF_STEPS));
}
