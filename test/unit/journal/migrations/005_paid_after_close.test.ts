// 005_paid_after_close: the new state passes the CHECKs only on the allowed moves; rows written
// before the migration survive it, integrity holds, and a new connection sees the widened schema.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration as m001 } from '../../../../electron/journal/migrations/001_payments.js';
import { migration as m005 } from '../../../../electron/journal/migrations/005_paid_after_close.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function attempt(db: Database.Database, no: string, state: string): void {
  db.prepare(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (?, 'x', '2026-12-02', 't', 100)`).run(Number(no.slice(1)));
  db.prepare(
    `INSERT INTO attempts (out_trade_no, sale_id, kind, channel, method, amount_fen, state, created_at, updated_at, business_date, terminal_id)
     VALUES (?, ?, 'scan', 'weixin', 'weixin.scan_qr_code_pay', 100, ?, 'x', 'x', '2026-12-02', 't')`,
  ).run(no, Number(no.slice(1)), state);
}

describe('migration 005_paid_after_close', () => {
  it('lets closed/declined move to paid_after_close and on to refunded, nothing else', () => {
    const file = join(tmp.dir, 'p.db');
    const db = new Database(file);
    migrate(db, [m001], () => 'x');
    attempt(db, 'A1', 'closed');
    expect(() => attempt(db, 'A9', 'paid_after_close')).toThrow(/CHECK/);
    migrate(db, [m001, m005], () => 'x');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    attempt(db, 'A2', 'declined');
    attempt(db, 'A3', 'paid');
    attempt(db, 'A4', 'pending');
    const set = (no: string, state: string) => db.prepare(`UPDATE attempts SET state = ? WHERE out_trade_no = ?`).run(state, no);
    expect(() => set('A3', 'paid_after_close')).toThrow(/only move forward/);
    expect(() => set('A4', 'paid_after_close')).toThrow(/only move forward/);
    set('A1', 'paid_after_close');
    set('A2', 'paid_after_close');
    expect(() => set('A1', 'closed')).toThrow(/only move forward/);
    expect(() => set('A1', 'paid')).toThrow(/only move forward/);
    set('A1', 'refunded');
    expect(() => attempt(db, 'A5', 'bogus')).toThrow(/CHECK/);
    db.prepare(`INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source) VALUES (1, 'x', 'closed', 'paid_after_close', 'query')`).run();
    expect(db.prepare(`SELECT not_found_checks FROM attempts WHERE out_trade_no = 'A1'`).pluck().get()).toBe(0);
    expect(() => db.prepare(`UPDATE attempts SET not_found_checks = -1 WHERE out_trade_no = 'A1'`).run()).toThrow(/CHECK/);
    db.close();
    // A fresh connection reads the edited schema, not a cached one.
    const again = new Database(file);
    expect(again.prepare(`SELECT state FROM attempts WHERE out_trade_no = 'A2'`).pluck().get()).toBe('paid_after_close');
    expect(() => again.prepare(`INSERT INTO attempt_transitions (attempt_id, at, to_state, source) VALUES (2, 'x', 'nope', 'query')`).run()).toThrow(/CHECK/);
    again.close();
  });
});
