// Sale lines of goods: the product, the line's own discount, what the line was charged once the
// order discount and 抹零 are spread over the lines (Σ amount_fen = the sale's amount), the weight of
// a weighed line; the sale's order discount and 抹零; refunds by line. Older lines keep NULLs: their
// qty × unit_fen adds up to the amount as before.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 11,
  name: 'sale_goods',
  up(db) {
    db.exec(`
      ALTER TABLE sale_lines ADD COLUMN product_id INTEGER REFERENCES products (id);
      ALTER TABLE sale_lines ADD COLUMN discount_fen INTEGER NOT NULL DEFAULT 0 CHECK (discount_fen >= 0);
      ALTER TABLE sale_lines ADD COLUMN amount_fen INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0);
      ALTER TABLE sale_lines ADD COLUMN weight_g INTEGER CHECK (weight_g IS NULL OR weight_g >= 1);
      ALTER TABLE sale_lines ADD COLUMN category TEXT;
      CREATE INDEX sale_lines_product ON sale_lines (product_id) WHERE product_id IS NOT NULL;

      ALTER TABLE sales ADD COLUMN order_discount_fen INTEGER NOT NULL DEFAULT 0 CHECK (order_discount_fen >= 0);
      ALTER TABLE sales ADD COLUMN rounding_fen INTEGER NOT NULL DEFAULT 0 CHECK (rounding_fen BETWEEN 0 AND 99);
      -- 1 once the stock of its lines was taken (the sale was paid); back to 0 when a reverse returned it
      ALTER TABLE sales ADD COLUMN stock_taken INTEGER NOT NULL DEFAULT 0 CHECK (stock_taken IN (0, 1));

      CREATE TABLE refund_lines (
        refund_id INTEGER NOT NULL REFERENCES refunds (id),
        line_no INTEGER NOT NULL CHECK (line_no >= 1),
        qty INTEGER NOT NULL CHECK (qty >= 1),
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
        PRIMARY KEY (refund_id, line_no)
      ) STRICT, WITHOUT ROWID;
      CREATE TRIGGER refund_lines_append_only_u BEFORE UPDATE ON refund_lines
      BEGIN SELECT RAISE(ABORT, 'refund_lines is append-only'); END;
    `);
  },
};
