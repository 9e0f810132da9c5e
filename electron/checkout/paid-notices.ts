// What the gateway says outside the till's own calls about an order being paid: a verified
// callback (electron/notify parses and verifies it) or a reconciliation's reading. Applied
// idempotently under the order's lock, and committed before the caller is answered. engine.ts
// re-exports the types and delegates to this class.
import type { Fen } from '../../shared/money.js';
import type { Journal, TransitionSource } from '../journal/journal.js';
import type { OwedWork, OwedWorkDeps } from './owed-work.js';
import type { RefQueue } from './ref-queue.js';

export interface PaidNotice {
  outTradeNo: string;
  tradeNo: string | null;
  totalFen: Fen;
  /** The native trade_status when the callback carries one. */
  tradeStatus: string | null;
  payTime: string | null;
}
export type NoticeResult = 'applied' | 'duplicate' | 'recorded' | 'unknown_order' | 'amount_mismatch';

/** The journal, the queue's locks, and the engine's commit and confirm; paid_after_close is the owed work's. */
export type PaidNoticesDeps = Pick<OwedWorkDeps, 'journal' | 'queue' | 'commit' | 'confirm'> & { work: OwedWork };

export class PaidNotices {
  private readonly journal: Journal;
  private readonly queue: RefQueue;
  private readonly work: OwedWork;

  constructor(private readonly d: PaidNoticesDeps) {
    this.journal = d.journal;
    this.queue = d.queue;
    this.work = d.work;
  }

  /** Applies a verified callback idempotently; resolves after the journal commit. */
  async applyPaidNotice(n: PaidNotice): Promise<NoticeResult> {
    const a = this.journal.attempt(n.outTradeNo);
    if (!a) return 'unknown_order';
    if (a.amountFen !== n.totalFen) {
      this.journal.note('callback.amount_mismatch', n.outTradeNo, { journalFen: a.amountFen, callbackFen: n.totalFen });
      return 'amount_mismatch';
    }
    return this.queue.withLock(n.outTradeNo, async (): Promise<NoticeResult> => {
      const cur = this.journal.attempt(n.outTradeNo)!;
      if (n.tradeStatus && !['SUCCESS', 'TRADE_SUCCESS', 'TRADE_FINISHED', '2', '00'].includes(n.tradeStatus)) {
        this.journal.note('callback.not_paid', n.outTradeNo, { state: cur.state, tradeStatus: n.tradeStatus });
        return 'recorded';
      }
      if (cur.state === 'paid' || cur.state === 'refunded') {
        if (cur.state === 'paid') this.d.confirm(cur.outTradeNo, 'callback');
        return 'duplicate';
      }
      if (cur.state === 'created' || cur.state === 'pending') {
        this.d.commit(cur, 'paid', { source: 'callback', tradeNo: n.tradeNo, reason: null });
        this.d.confirm(cur.outTradeNo, 'callback');
        return 'applied';
      }
      if (cur.state === 'paid_after_close') return 'duplicate';
      if (this.work.refunds.paidAfterClose(cur, 'callback', n.tradeNo)) {
        // The refund is owed (committed); it runs on its own timer, after this answer.
        this.work.arm('attempt', n.outTradeNo);
        return 'applied';
      }
      // reversing: the reverse already decided goes on and will report refunded;
      // refunded / paid_after_close: already settled or owed; kept in the audit log.
      this.journal.note(cur.state === 'reversing' ? 'callback.paid_while_reversing' : 'callback.paid_after_final', n.outTradeNo, { state: cur.state, tradeNo: n.tradeNo });
      return 'recorded';
    });
  }

  /**
   * A reconciliation (or any reader of the gateway) found this order paid at the gateway: an
   * attempt held as closed/declined moves to paid_after_close and its refund starts.
   */
  async applyGatewayPaid(outTradeNo: string, tradeNo: string | null, source: TransitionSource): Promise<boolean> {
    if (!this.journal.attempt(outTradeNo)) return false;
    const moved = await this.queue.withLock(outTradeNo, async () => this.work.refunds.paidAfterClose(this.journal.attempt(outTradeNo)!, source, tradeNo));
    if (moved) this.work.arm('attempt', outTradeNo);
    return moved;
  }
}
