// Refunds by line: which pieces of which sale lines a refund gives back, what they come to (each
// line's charged amount, by cumulative floor so a line refunded piece by piece gives back exactly
// what it was charged), and their stock returned when the refund succeeds.
import type Database from 'better-sqlite3';
import { lineRefundFen } from '../../../shared/goods/sale.js';
import { JournalConflictError } from '../base.js';
import type { CatalogueRepo } from './catalogue.js';
import type { SalesRepo } from './sales.js';

export interface RefundLineInput {
  lineNo: number;
  qty: number;
}

export interface RefundLineQuote extends RefundLineInput {
  amountFen: number;
}

export class LineRefundsRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly sales: SalesRepo, private readonly catalogue: CatalogueRepo) {
    this.s = {
      refunded: db.prepare(`SELECT rl.line_no AS lineNo, SUM(rl.qty) AS qty FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
        JOIN attempts a ON a.id = r.attempt_id WHERE a.sale_id = ? AND r.state <> 'failed' GROUP BY rl.line_no`),
      insert: db.prepare('INSERT INTO refund_lines (refund_id, line_no, qty, amount_fen) VALUES (?, ?, ?, ?)'),
      ofRefund: db.prepare('SELECT line_no AS lineNo, qty, amount_fen AS amountFen FROM refund_lines WHERE refund_id = ? ORDER BY line_no'),
    };
  }

  /** Pieces of each line already refunded or being refunded (failed refunds do not count). */
  refundedQty(saleId: number): Map<number, number> {
    return new Map((this.s.refunded.all(saleId) as { lineNo: number; qty: number }[]).map((r) => [r.lineNo, r.qty]));
  }

  /** What refunding these pieces gives back; refuses a line that is not there or has not enough left. */
  quote(saleId: number, lines: readonly RefundLineInput[]): { amountFen: number; lines: RefundLineQuote[] } {
    if (lines.length === 0) throw new JournalConflictError('lines: choose at least one line to refund');
    const sold = new Map(this.sales.lines(saleId).map((l) => [l.lineNo, l]));
    const done = this.refundedQty(saleId);
    const seen = new Set<number>();
    const out: RefundLineQuote[] = [];
    for (const r of lines) {
      const l = sold.get(r.lineNo);
      if (!l) throw new JournalConflictError(`lines: sale ${saleId} has no line ${r.lineNo}`);
      if (seen.has(r.lineNo)) throw new JournalConflictError(`lines: line ${r.lineNo} is listed twice`);
      seen.add(r.lineNo);
      const already = done.get(r.lineNo) ?? 0;
      if (!Number.isInteger(r.qty) || r.qty < 1 || already + r.qty > l.qty) {
        throw new JournalConflictError(`lines: line ${r.lineNo} (${l.name}) has ${l.qty - already} left to refund, not ${r.qty}`);
      }
      const charged = l.amountFen ?? l.qty * l.unitFen;
      out.push({ lineNo: r.lineNo, qty: r.qty, amountFen: lineRefundFen(charged, l.qty, already, r.qty) });
    }
    return { amountFen: out.reduce((a, l) => a + l.amountFen, 0), lines: out };
  }

  /** Inside the refund's transaction. */
  record(refundId: number, lines: readonly RefundLineQuote[]): void {
    for (const l of lines) this.s.insert.run(refundId, l.lineNo, l.qty, l.amountFen);
  }

  of(refundId: number): RefundLineQuote[] {
    return this.s.ofRefund.all(refundId) as RefundLineQuote[];
  }

  /** Inside the refund's transaction, when it succeeded: the refunded pieces go back to stock. */
  returnStock(refundId: number, saleId: number, ref: string, at: string): void {
    const lines = this.of(refundId);
    if (lines.length > 0) this.catalogue.returnLines(saleId, lines, ref, at);
  }
}
