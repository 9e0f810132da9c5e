// The shift's background confirmer (issue 10): while a shift is open, its final gateway orders are
// asked once, a page every CONFIRM_INTERVAL_MS, compared exactly as the close does, and the ones
// that match are confirmed in the journal, so the close has little left to ask.
import type { GatewayClient } from '../gateway/client.js';
import type { Journal } from '../journal/journal.js';
import { reconcileOrders } from './reconcile.js';
import { CONFIRM_CONCURRENCY, CONFIRM_INTERVAL_MS, CONFIRM_PAGE_ORDERS } from './rules.js';
import type { ShiftStore } from './store.js';

export interface ConfirmerDeps {
  store: ShiftStore;
  journal: Journal;
  /** The gateway of the moment (settings may change it). */
  gateway: () => { client: GatewayClient | null; merchantNo: string };
  currentShiftId: () => number | null;
  /** A close is running: it asks the orders itself. */
  closing: () => boolean;
  at: () => string;
  log: (line: string) => void;
  reconcileTimeoutMs?: number;
  onGatewayPaid?: (outTradeNo: string, tradeNo: string | null) => Promise<unknown>;
}

export class ShiftConfirmer {
  private timer: NodeJS.Timeout | null = null;
  private confirming: Promise<void> | null = null;
  /** Per shift: the highest attempt id asked about, and the newest id it may ask next time. */
  private cursor = { shiftId: 0, afterId: 0, uptoId: 0 };

  constructor(private readonly d: ConfirmerDeps) {}

  /** Starts the background confirmer (CONFIRM_INTERVAL_MS); stop() ends it. */
  start(intervalMs = CONFIRM_INTERVAL_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref?.();
  }

  /** Resolves when no page is in flight. */
  async idle(): Promise<void> {
    await this.confirming;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.confirming;
  }

  /**
   * One confirmer page: the open shift's gateway orders the gateway has not confirmed, between the
   * cursor and the newest id seen one tick ago, asked and compared exactly as the close does; the
   * ones that match are confirmed (a paid-after-close one is refunded via onGatewayPaid). An order
   * that differs stays unconfirmed for the close to report. Returns the orders asked.
   */
  async tick(): Promise<number> {
    const { client, merchantNo } = this.d.gateway();
    if (this.confirming || this.d.closing() || !client) return 0;
    const shiftId = this.d.currentShiftId();
    if (shiftId === null) return 0;
    if (this.cursor.shiftId !== shiftId) {
      // First sight of this shift: note how far to go next time, so every order asked is one interval old.
      this.cursor = { shiftId, afterId: 0, uptoId: this.d.store.maxAttemptId() };
      return 0;
    }
    const c = this.cursor;
    let asked = 0;
    const run = (async () => {
      const page = this.d.store.ordersToReconcile({ kind: 'shift', shiftId }, c.afterId, c.uptoId, CONFIRM_PAGE_ORDERS);
      if (page.length > 0) {
        const r = await reconcileOrders(client, page, {
          merchantNo,
          concurrency: CONFIRM_CONCURRENCY,
          timeoutMs: this.d.reconcileTimeoutMs,
          ...(this.d.onGatewayPaid ? { onGatewayPaid: this.d.onGatewayPaid } : {}),
        });
        // Orders without an answer (offline) are asked again next time; the rest move the cursor.
        const firstUnanswered = r.unchecked > 0 ? page.find((o) => r.diffs.some((d) => d.outTradeNo === o.outTradeNo && d.cause === 'not_checked')) : undefined;
        c.afterId = firstUnanswered ? firstUnanswered.attemptId - 1 : page.at(-1)!.attemptId;
        this.d.journal.durability.relaxed(() => this.d.journal.confirmations.confirm(r.matched, 'reconcile', this.d.at()));
        asked = page.length;
      }
      if (page.length < CONFIRM_PAGE_ORDERS) c.uptoId = this.d.store.maxAttemptId();
    })();
    this.confirming = run.catch((err: unknown) => this.d.log(`confirmer: ${err instanceof Error ? err.message : String(err)}`)).finally(() => {
      this.confirming = null;
    });
    await this.confirming;
    return asked;
  }
}
