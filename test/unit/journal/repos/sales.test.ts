// SalesRepo: a sale and its lines, written inside the caller's transaction, lines that add up.
import { describe, expect, it } from 'vitest';
import { JournalConflictError, MAX_SALE_LINES } from '../../../../electron/journal/journal.js';
import { journals } from './setup.js';

const fresh = journals('sales');
const base = { at: '2025-06-01T02:00:00.000Z', businessDate: '2025-06-01', shiftId: 3, terminalId: 'T01', note: 'n' };

describe('SalesRepo', () => {
  it('writes a sale with numbered lines and reads them back in order', () => {
    const { j } = fresh();
    const sales = j.repos.sales;
    const id = j.db.transaction(() => sales.insert({ ...base, amountFen: 700, lines: [{ name: 'tea', qty: 3, unitFen: 200 }, { name: 'bun', barcode: '6901234567892', qty: 1, unitFen: 100 }] }))();
    expect(sales.get(id)).toMatchObject({ id, amountFen: 700, shiftId: 3, note: 'n', lines: [{ name: 'tea', qty: 3, unitFen: 200 }, { name: 'bun', barcode: '6901234567892', qty: 1, unitFen: 100 }] });
    expect(sales.lines(id)[0]).not.toHaveProperty('barcode');
    expect(sales.row(id)).not.toHaveProperty('lines');
    expect(sales.get(id + 1)).toBeNull();
    j.close();
  });

  it('refuses lines that do not add up or are too many, writing nothing', () => {
    const { j } = fresh();
    const sales = j.repos.sales;
    expect(() => j.db.transaction(() => sales.insert({ ...base, amountFen: 500, lines: [{ name: 'tea', qty: 2, unitFen: 200 }] }))()).toThrow(/add up to 400 fen but the amount is 500/);
    const many = Array.from({ length: MAX_SALE_LINES + 1 }, () => ({ name: 'x', qty: 1, unitFen: 1 }));
    expect(() => sales.checkLines(many, MAX_SALE_LINES + 1)).toThrow(JournalConflictError);
    expect(j.db.prepare('SELECT COUNT(*) AS n FROM sales').get()).toEqual({ n: 0 });
    j.close();
  });

  it('a sale without lines is a typed amount', () => {
    const { j } = fresh();
    const id = j.db.transaction(() => j.repos.sales.insert({ ...base, amountFen: 123, lines: [] }))();
    expect(j.repos.sales.get(id)!.lines).toEqual([]);
    j.close();
  });
});
