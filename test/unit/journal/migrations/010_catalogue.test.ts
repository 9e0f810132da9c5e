// 010_catalogue: products are never deleted, codes/PLUs/barcodes unique, prices in range, stock moves append-only.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration } from '../../../../electron/journal/migrations/010_catalogue.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 010_catalogue', () => {
  it('keeps products, their codes and stock moves honest', () => {
    const db = new Database(join(tmp.dir, 'c.db'));
    migrate(db, [migration], () => 'x');
    const ins = db.prepare(`INSERT INTO products (code, name, price_fen, plu, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'x')`);
    ins.run('A1', '苹果', 1299, '00123');
    expect(() => ins.run('A1', 'x', 1, null)).toThrow(/UNIQUE/);
    expect(() => ins.run('A2', 'x', 1, '00123')).toThrow(/UNIQUE/);
    expect(() => ins.run('A3', 'x', -1, null)).toThrow(/CHECK/);
    expect(() => ins.run('A4', '', 1, null)).toThrow(/CHECK/);
    expect(() => ins.run('A5', 'x', 1, '12a')).toThrow(/CHECK/);
    expect(() => db.exec(`DELETE FROM products WHERE code = 'A1'`)).toThrow(/never deleted/);
    db.exec(`INSERT INTO product_barcodes (barcode, product_id) VALUES ('6901234567892', 1)`);
    expect(() => db.exec(`INSERT INTO product_barcodes (barcode, product_id) VALUES ('6901234567892', 1)`)).toThrow(/UNIQUE|PRIMARY/);
    db.exec(`INSERT INTO stock_moves (product_id, delta, reason, ref, at) VALUES (1, -2, 'sale', 'P1', 'x')`);
    expect(() => db.exec(`INSERT INTO stock_moves (product_id, delta, reason, ref, at) VALUES (1, 0, 'sale', 'P1', 'x')`)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE stock_moves SET delta = 5`)).toThrow(/append-only/);
    db.close();
  });
});
