// The gateway's word on final orders (migration 007): recorded here, read by the shift room's
// reconciliation, which skips an order confirmed and untouched since.
import type Database from 'better-sqlite3';

export type ConfirmedBy = 'callback' | 'query' | 'reconcile';

/** Orders confirmed per statement batch (a reconciliation confirms thousands at once). */
const CONFIRM_BATCH = 500;

export class Confirmations {
  private one: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {}

  /**
   * Marks final orders as confirmed by the gateway; an order not (or no longer) final is left
   * alone. One transaction per CONFIRM_BATCH. Returns how many were marked.
   */
  confirm(outTradeNos: readonly string[], by: ConfirmedBy, at: string): number {
    let n = 0;
    for (let i = 0; i < outTradeNos.length; i += CONFIRM_BATCH) {
      const part = outTradeNos.slice(i, i + CONFIRM_BATCH);
      // Prepared on first use: a journal opened with an older migration list (tests) has no column.
      this.one ??= this.db.prepare(`UPDATE attempts SET confirmed_by = ?, confirmed_at = ? WHERE out_trade_no = ? AND state IN ('paid', 'declined', 'closed', 'refunded')`);
      const one = this.one;
      n += this.db.transaction(() => part.reduce((k, no) => k + one.run(by, at, no).changes, 0)).immediate();
    }
    return n;
  }

  confirmedBy(outTradeNo: string): ConfirmedBy | null {
    const r = this.db.prepare('SELECT confirmed_by AS by FROM attempts WHERE out_trade_no = ?').get(outTradeNo) as { by: ConfirmedBy | null } | undefined;
    return r?.by ?? null;
  }
}
