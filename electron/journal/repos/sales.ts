// Sales and their lines: what was sold (one sale may take several payment attempts until one
// takes the money). The lines, when given, add up to the sale's amount to the fen: typed lines by
// qty × unit; goods lines (issue 11) by what each was charged, and list − discounts − 抹零 too.
import type Database from 'better-sqlite3';
import { isFen, sumFen, type Fen } from '../../../shared/money.js';
import { JournalConflictError, MAX_SALE_LINES } from '../base.js';
import type { SaleAdjust, SaleLine, SaleRow } from '../types.js';

export interface NewSale {
  at: string;
  businessDate: string;
  shiftId: number | null;
  terminalId: string;
  amountFen: Fen;
  note: string | null;
  lines: readonly SaleLine[];
  adjust?: SaleAdjust | null | undefined;
}

/** Most 抹零 a sale can have (to 1 yuan: 0.99). */
const MAX_ROUNDING_FEN = 99;

interface LineDbRow {
  lineNo: number;
  name: string;
  barcode: string | null;
  qty: number;
  unitFen: number;
  productId: number | null;
  discountFen: number;
  amountFen: number | null;
  weightG: number | null;
  category: string | null;
}

export type StoredSaleLine = SaleLine & { lineNo: number };

export class SalesRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insertSale: db.prepare(
        'INSERT INTO sales (created_at, business_date, shift_id, terminal_id, amount_fen, note, order_discount_fen, rounding_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      ),
      insertLine: db.prepare(`INSERT INTO sale_lines (sale_id, line_no, name, barcode, qty, unit_fen, product_id, discount_fen, amount_fen, weight_g, category)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      sale: db.prepare(
        `SELECT id, created_at AS createdAt, business_date AS businessDate, shift_id AS shiftId, terminal_id AS terminalId, amount_fen AS amountFen, note,
           order_discount_fen AS orderDiscountFen, rounding_fen AS roundingFen FROM sales WHERE id = ?`,
      ),
      saleLines: db.prepare(`SELECT line_no AS lineNo, name, barcode, qty, unit_fen AS unitFen, product_id AS productId, discount_fen AS discountFen,
        amount_fen AS amountFen, weight_g AS weightG, category FROM sale_lines WHERE sale_id = ? ORDER BY line_no`),
    };
  }

  /** Refuses lines that are too many or do not add up to the amount (before anything is written). */
  checkLines(lines: readonly SaleLine[], amountFen: Fen, adjust?: SaleAdjust | null): void {
    if (lines.length > MAX_SALE_LINES) throw new JournalConflictError(`lines: at most ${MAX_SALE_LINES} lines`);
    const orderOff = adjust?.orderDiscountFen ?? 0;
    const rounding = adjust?.roundingFen ?? 0;
    if (!isFen(orderOff) || orderOff < 0) throw new JournalConflictError('adjust.orderDiscountFen: must be a whole number of fen ≥ 0');
    if (!isFen(rounding) || rounding < 0 || rounding > MAX_ROUNDING_FEN) throw new JournalConflictError(`adjust.roundingFen: must be 0–${MAX_ROUNDING_FEN} fen`);
    const goods = lines.some((l) => l.amountFen !== undefined);
    if (!goods) {
      if (orderOff || rounding) throw new JournalConflictError('adjust: a discount or 抹零 needs lines with their charged amounts');
      if (lines.length > 0) {
        const linesFen = sumFen(lines.map((l) => l.qty * l.unitFen));
        if (linesFen !== amountFen) throw new JournalConflictError(`lines: add up to ${linesFen} fen but the amount is ${amountFen} fen`);
      }
      return;
    }
    lines.forEach((l, i) => {
      const listFen = l.qty * l.unitFen;
      const off = l.discountFen ?? 0;
      if (l.amountFen === undefined) throw new JournalConflictError(`lines.${i}.amountFen: every line needs its charged amount when one has it`);
      if (!isFen(off) || off < 0 || off > listFen) throw new JournalConflictError(`lines.${i}.discountFen: must be 0–${listFen} fen`);
      if (!isFen(l.amountFen) || l.amountFen < 0 || l.amountFen > listFen - off) throw new JournalConflictError(`lines.${i}.amountFen: must be 0–${listFen - off} fen`);
    });
    const charged = sumFen(lines.map((l) => l.amountFen!));
    if (charged !== amountFen) throw new JournalConflictError(`lines: charged amounts add up to ${charged} fen but the amount is ${amountFen} fen`);
    const net = sumFen(lines.map((l) => l.qty * l.unitFen - (l.discountFen ?? 0)));
    if (net - orderOff - rounding !== amountFen) {
      throw new JournalConflictError(`lines: ${net} fen after line discounts − ${orderOff} order discount − ${rounding} 抹零 is not the amount ${amountFen} fen`);
    }
  }

  /** Inside a write transaction: the sale and its lines; returns the sale id. */
  insert(sale: NewSale): number {
    this.checkLines(sale.lines, sale.amountFen, sale.adjust);
    const row = this.s.insertSale.get(sale.at, sale.businessDate, sale.shiftId, sale.terminalId, sale.amountFen, sale.note, sale.adjust?.orderDiscountFen ?? 0, sale.adjust?.roundingFen ?? 0) as { id: number };
    sale.lines.forEach((l, i) =>
      this.s.insertLine.run(row.id, i + 1, l.name, l.barcode ?? null, l.qty, l.unitFen, l.productId ?? null, l.discountFen ?? 0, l.amountFen ?? null, l.weightG ?? null, l.category ?? null),
    );
    return row.id;
  }

  /** The sale row alone (no lines). */
  row(id: number): SaleRow | null {
    return (this.s.sale.get(id) as SaleRow | undefined) ?? null;
  }

  get(id: number): (SaleRow & { lines: SaleLine[] }) | null {
    const s = this.row(id);
    if (!s) return null;
    return { ...s, lines: this.lines(id).map(({ lineNo: _n, ...l }) => l) };
  }

  /** The lines with their numbers; the goods fields only where set (a typed line reads as before). */
  lines(saleId: number): StoredSaleLine[] {
    return (this.s.saleLines.all(saleId) as LineDbRow[]).map((l) => ({
      lineNo: l.lineNo,
      name: l.name,
      qty: l.qty,
      unitFen: l.unitFen,
      ...(l.barcode === null ? {} : { barcode: l.barcode }),
      ...(l.productId === null ? {} : { productId: l.productId }),
      ...(l.amountFen === null ? {} : { discountFen: l.discountFen, amountFen: l.amountFen }),
      ...(l.weightG === null ? {} : { weightG: l.weightG }),
      ...(l.category === null ? {} : { category: l.category }),
    }));
  }
}
