// 挂单: sales put aside at the till (lines, discounts, note as the cashier left them) to be recalled
// later, also after a restart; and the goods settings (抹零 rule, discount limit, scale layout).
import type { Migration } from '../migrate.js';

export const migration: Migration = {
  version: 12,
  name: 'held_sales',
  up(db) {
    db.exec(`
      CREATE TABLE held_sales (
        id INTEGER PRIMARY KEY,
        held_at TEXT NOT NULL,
        label TEXT NOT NULL CHECK (length(label) <= 32),
        lines INTEGER NOT NULL CHECK (lines >= 0),
        total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
        -- the draft as JSON, checked by the goods room when recalled
        draft TEXT NOT NULL CHECK (json_valid(draft))
      ) STRICT;

      CREATE TABLE goods_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
