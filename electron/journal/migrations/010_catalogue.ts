// The product catalogue: products (price in fen; a weighed product is priced per kg and counted in
// grams), their barcodes (EAN-13 / EAN-8 / UPC-A / shop codes, several per product), and the log
// of stock moves. Products are never deleted (sales refer to them): they are deactivated.
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 10,
  name: 'catalogue',
  up(db) {
    db.exec(`
      CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        -- the shop's item code (货号): unique, what import and export match rows by
        code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 32),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
        -- pinyin initials of the name, lower case (苹果 → pg), for keyboard search
        pinyin TEXT NOT NULL DEFAULT '' CHECK (length(pinyin) <= 64),
        -- per unit; per kg for a weighed product
        price_fen INTEGER NOT NULL CHECK (price_fen BETWEEN 0 AND 10000000000),
        unit TEXT NOT NULL DEFAULT '件' CHECK (length(unit) BETWEEN 1 AND 8),
        weighed INTEGER NOT NULL DEFAULT 0 CHECK (weighed IN (0, 1)),
        -- the PLU a scale label carries (weighed goods)
        plu TEXT UNIQUE CHECK (plu IS NULL OR (length(plu) BETWEEN 1 AND 8 AND plu NOT GLOB '*[^0-9]*')),
        category TEXT NOT NULL DEFAULT '' CHECK (length(category) <= 32),
        tax_free INTEGER NOT NULL DEFAULT 0 CHECK (tax_free IN (0, 1)),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        -- pieces; grams for a weighed product. May go below 0: goods sold before they were counted in.
        stock INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX products_pinyin ON products (pinyin);
      CREATE INDEX products_category ON products (category);
      CREATE TRIGGER products_no_delete BEFORE DELETE ON products
      BEGIN SELECT RAISE(ABORT, 'products are never deleted: deactivate them'); END;

      CREATE TABLE product_barcodes (
        barcode TEXT PRIMARY KEY CHECK (length(barcode) BETWEEN 3 AND 32),
        product_id INTEGER NOT NULL REFERENCES products (id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX product_barcodes_product ON product_barcodes (product_id);

      CREATE TABLE stock_moves (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products (id),
        delta INTEGER NOT NULL CHECK (delta <> 0),
        -- sale: sold (paid); return: a refunded line or a reversed sale; set: counted / imported
        reason TEXT NOT NULL CHECK (reason IN ('sale', 'return', 'set')),
        ref TEXT,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX stock_moves_product ON stock_moves (product_id, id);
      CREATE TRIGGER stock_moves_append_only_u BEFORE UPDATE ON stock_moves
      BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;
      CREATE TRIGGER stock_moves_append_only_d BEFORE DELETE ON stock_moves
      BEGIN SELECT RAISE(ABORT, 'stock_moves is append-only'); END;
    `);
  },
};
