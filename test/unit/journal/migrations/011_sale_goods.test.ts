// 011_sale_goods: goods columns on sale lines and sales with their ranges; refund lines append-only.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 011_sale_goods', () => {
  it('adds goods fields to existing sales and keeps old lines as they were', () => {
    const db = new Database(join(tmp.dir, 'g.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version <= 10), () => 'x');
    db.exec(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (1, 'x', '2025-06-01', 'T', 300)`);
    db.exec(`INSERT INTO sale_lines (sale_id, line_no, name, qty, unit_fen) VALUES (1, 1, 'tea', 3, 100)`);
    migrate(db, MIGRATIONS.filter((m) => m.version <= 11), () => 'x');
    expect(db.prepare('SELECT discount_fen AS d, amount_fen AS a, product_id AS p FROM sale_lines').get()).toEqual({ d: 0, a: null, p: null });
    expect(db.prepare('SELECT order_discount_fen AS o, rounding_fen AS r, stock_taken AS s FROM sales').get()).toEqual({ o: 0, r: 0, s: 0 });
    expect(() => db.exec('UPDATE sales SET rounding_fen = 100')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE sale_lines SET discount_fen = -1')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE sale_lines SET product_id = 99')).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
