// Sales and their lines: what was sold (one sale may take several payment attempts until one
// takes the money). The lines, when given, add up to the sale's amount to the fen.
import type Database from 'better-sqlite3';
import { sumFen, type Fen } from '../../../shared/money.js';
import { JournalConflictError, MAX_SALE_LINES } from '../base.js';
import type { SaleLine, SaleRow } from '../types.js';

export interface NewSale {
  at: string;
  businessDate: string;
  shiftId: number | null;
  terminalId: string;
  amountFen: Fen;
  note: string | null;
  lines: readonly SaleLine[];
}

export class SalesRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insertSale: db.prepare(
        'INSERT INTO sales (created_at, business_date, shift_id, terminal_id, amount_fen, note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      ),
      insertLine: db.prepare('INSERT INTO sale_lines (sale_id, line_no, name, barcode, qty, unit_fen) VALUES (?, ?, ?, ?, ?, ?)'),
      sale: db.prepare(
        'SELECT id, created_at AS createdAt, business_date AS businessDate, shift_id AS shiftId, terminal_id AS terminalId, amount_fen AS amountFen, note FROM sales WHERE id = ?',
      ),
      saleLines: db.prepare('SELECT name, barcode, qty, unit_fen AS unitFen FROM sale_lines WHERE sale_id = ? ORDER BY line_no'),
    };
  }

  /** Refuses lines that are too many or do not add up to the amount (before anything is written). */
  checkLines(lines: readonly SaleLine[], amountFen: Fen): void {
    if (lines.length > MAX_SALE_LINES) throw new JournalConflictError(`lines: at most ${MAX_SALE_LINES} lines`);
    if (lines.length > 0) {
      const linesFen = sumFen(lines.map((l) => l.qty * l.unitFen));
      if (linesFen !== amountFen) {
        throw new JournalConflictError(`lines: add up to ${linesFen} fen but the amount is ${amountFen} fen`);
      }
    }
  }

  /** Inside a write transaction: the sale and its lines; returns the sale id. */
  insert(sale: NewSale): number {
    this.checkLines(sale.lines, sale.amountFen);
    const row = this.s.insertSale.get(sale.at, sale.businessDate, sale.shiftId, sale.terminalId, sale.amountFen, sale.note) as { id: number };
    sale.lines.forEach((l, i) => this.s.insertLine.run(row.id, i + 1, l.name, l.barcode ?? null, l.qty, l.unitFen));
    return row.id;
  }

  /** The sale row alone (no lines). */
  row(id: number): SaleRow | null {
    return (this.s.sale.get(id) as SaleRow | undefined) ?? null;
  }

  get(id: number): (SaleRow & { lines: SaleLine[] }) | null {
    const s = this.row(id);
    if (!s) return null;
    return { ...s, lines: this.lines(id) };
  }

  lines(saleId: number): SaleLine[] {
    return (this.s.saleLines.all(saleId) as { name: string; barcode: string | null; qty: number; unitFen: number }[]).map((l) => ({
      name: l.name,
      qty: l.qty,
      unitFen: l.unitFen,
      ...(l.barcode === null ? {} : { barcode: l.barcode }),
    }));
  }
}
