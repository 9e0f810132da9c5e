// History search by order number finds an order from the end of its number (what a cashier reads
// off a receipt: "…P1234"), case-insensitively, through an index instead of a scan: each attempt
// keeps its number reversed and lower-cased, so "ends with X" is a range on that column.
import type { Migration } from '../migrate.js';

/** The search key of an order number: reversed, lower case (order numbers are ASCII [A-Za-z0-9_]). */
export function orderNumberKey(outTradeNo: string): string {
  return [...outTradeNo.toLowerCase()].reverse().join('');
}

export const migration: Migration = {
  version: 6,
  name: 'order_number_suffix',
  up(db) {
    db.exec('ALTER TABLE attempts ADD COLUMN out_trade_no_rev TEXT');
    db.function('pos_order_number_key', { deterministic: true }, (no: unknown) => orderNumberKey(String(no)));
    db.exec('UPDATE attempts SET out_trade_no_rev = pos_order_number_key(out_trade_no)');
    db.exec('CREATE INDEX attempts_no_rev ON attempts (out_trade_no_rev)');
  },
};
