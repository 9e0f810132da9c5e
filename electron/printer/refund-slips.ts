// Refund slips printed when a refund succeeds, as receipts print when a sale is paid
// (printReceiptsOnPaid): on the same printer, the same way (journaled first; printer trouble is
// logged and the job kept for a retry, never in the way of the refund), once per refund (a refund
// that already has a slip job is not printed again: a copy is 补打退款单, the cashier's act).
//
// A refund succeeds in one of two places: at once, in the refund the cashier made (cash leaves the
// drawer; the gateway answers SUCCESS) — the handlers call printNew() when it returns — or later,
// by owed work (a refund the gateway answered PROCESSING or did not answer, settled by its retry,
// the reconciler or the recovery after a restart), which the engine announces with a 'progress'
// of its order — follow() listens. Both look the same thing up: the order's refunds that are
// succeeded and have no slip yet.
import type { Journal } from '../journal/journal.js';
import { printInBackground, refundSlipFromJournal, type BackgroundPrinter, type DocHeader, type ProgressSource } from './from-journal.js';

/** Refunds remembered as "slip started" by one RefundSlips. */
export const MAX_TRACKED_REFUNDS = 10_000;

export interface RefundSlipsOptions {
  printer: BackgroundPrinter;
  journal: Journal;
  header: () => DocHeader;
  log?: (line: string) => void;
  /**
   * Refunds that succeeded before this moment (epoch ms; default: now, the till's start) are not
   * printed: they were settled by an earlier run, whose slips (if it printed any) are journaled,
   * and a slip for a refund of last month would puzzle everyone. 补打退款单 prints any of them.
   */
  sinceMs?: number;
}

export class RefundSlips {
  private readonly sinceMs: number;
  private readonly log: (line: string) => void;
  /** Refunds whose slip was started by this run: a fast path (the print journal is the real guard). */
  private readonly started = new Set<string>();

  constructor(private readonly o: RefundSlipsOptions) {
    this.sinceMs = o.sinceMs ?? Date.now();
    this.log = o.log ?? (() => undefined);
  }

  /** Prints the slip of every refund of this order that succeeded since the start and has none yet. */
  printNew(outTradeNo: string): void {
    const { journal, printer } = this.o;
    const a = journal.attempt(outTradeNo);
    if (!a) return;
    for (const r of journal.refundsOf(a.id)) {
      if (r.state !== 'succeeded' || this.started.has(r.outRefundNo) || Date.parse(r.updatedAt) < this.sinceMs) continue;
      if (this.started.size >= MAX_TRACKED_REFUNDS) this.started.delete(this.started.values().next().value!);
      this.started.add(r.outRefundNo);
      if (printer.has('refund', r.outRefundNo)) continue;
      const doc = refundSlipFromJournal(journal, r.outRefundNo, this.o.header());
      if (doc) printInBackground(printer, doc, `refund slip ${r.outRefundNo}`, this.log);
    }
  }

  /** Follows an engine's progress: a refund settled by owed work prints when it succeeds. Returns the unsubscribe. */
  follow(engine: ProgressSource): () => void {
    // Refunds are of paid orders only: the progress of a payment still in the air has none.
    const on = (view: { outTradeNo: string; state: string }) => {
      if (view.state === 'paid') this.printNew(view.outTradeNo);
    };
    engine.on('progress', on);
    return () => engine.off('progress', on);
  }
}
