// 001_payments: tables, money as INTEGER fen only, forward-only states and append-only log in the database itself.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration } from '../../../../electron/journal/migrations/001_payments.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function fresh(name: string) {
  const db = new Database(join(tmp.dir, name));
  db.pragma('foreign_keys = ON');
  migrate(db, [migration], () => '2025-06-01T00:00:00.000Z');
  db.prepare(`INSERT INTO sales (id, created_at, business_date, shift_id, terminal_id, amount_fen) VALUES (1, 'x', '2025-06-01', NULL, 'T', 100)`).run();
  const insert = (state: string, amount: unknown = 100, no = 'A1') =>
    db.prepare(`INSERT INTO attempts (out_trade_no, sale_id, kind, channel, method, amount_fen, state, created_at, updated_at, business_date, terminal_id)
      VALUES (?, 1, 'scan', 'weixin', 'weixin.scan_qr_code_pay', ?, ?, 'x', 'x', '2025-06-01', 'T')`).run(no, amount, state);
  return { db, insert };
}

describe('migration 001_payments', () => {
  it('creates the tables and the indexes recovery and totals need', () => {
    const { db } = fresh('a.db');
    const names = (db.prepare(`SELECT name FROM sqlite_master`).all() as { name: string }[]).map((r) => r.name);
    for (const n of ['sales', 'sale_lines', 'attempts', 'attempt_transitions', 'cash_tenders', 'attempts_open', 'attempts_shift_totals', 'attempts_date_totals']) expect(names).toContain(n);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM attempts INDEXED BY attempts_open WHERE state IN ('created','pending','reversing')`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/attempts_open/);
    const totals = db.prepare(`EXPLAIN QUERY PLAN SELECT channel, SUM(amount_fen) FROM attempts WHERE shift_id = 3 AND state IN ('paid','refunded') GROUP BY channel, state`).all() as { detail: string }[];
    expect(totals.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX attempts_shift_totals/);
    db.close();
  });

  it('stores money only as integer fen within the gateway range', () => {
    const { db, insert } = fresh('b.db');
    expect(() => insert('created', 1.5)).toThrow();
    expect(() => insert('created', '100')).not.toThrow(); // STRICT converts lossless text to INTEGER
    expect(() => insert('created', 0, 'A2')).toThrow(/CHECK/);
    expect(() => insert('created', 10_000_000_001, 'A3')).toThrow(/CHECK/);
    expect(() => insert('created', 100, 'A1')).toThrow(/UNIQUE/);
    db.close();
  });

  it('lets states only move forward and keeps identity and amount fixed', () => {
    const { db, insert } = fresh('c.db');
    insert('pending');
    const set = (s: string) => db.prepare(`UPDATE attempts SET state = ? WHERE out_trade_no = 'A1'`).run(s);
    expect(() => set('created')).toThrow(/only move forward/);
    set('reversing');
    expect(() => set('pending')).toThrow(/only move forward/);
    expect(() => set('declined')).toThrow(/only move forward/);
    set('paid');
    expect(() => set('closed')).toThrow(/only move forward/);
    set('refunded');
    expect(() => set('paid')).toThrow(/only move forward/);
    expect(() => db.prepare(`UPDATE attempts SET amount_fen = 1 WHERE out_trade_no = 'A1'`).run()).toThrow(/never change/);
    expect(() => db.prepare(`DELETE FROM attempts`).run()).toThrow(/never deleted/);
    db.close();
  });

  it('keeps the transition log append-only', () => {
    const { db, insert } = fresh('d.db');
    insert('created');
    db.prepare(`INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source) VALUES (1, 'x', NULL, 'created', 'create')`).run();
    expect(() => db.prepare(`UPDATE attempt_transitions SET to_state = 'paid'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM attempt_transitions`).run()).toThrow(/append-only/);
    db.close();
  });
});
