// Migrations 050 (shifts) and 051 (print_jobs): tables, constraints and triggers, on a real file.
import { afterEach, describe, expect, it } from 'vitest';
import { rig } from './helpers.js';
import { verifyPin, hashPin } from '../../../electron/shift/pin.js';

let r: ReturnType<typeof rig>;
afterEach(() => r?.close());

describe('050_shifts', () => {
  it('is applied with the journal, recorded under its number', () => {
    r = rig();
    const rows = r.journal.db.prepare('SELECT version, name FROM schema_migrations WHERE version BETWEEN 50 AND 89 ORDER BY version').all();
    expect(rows).toEqual([{ version: 50, name: 'shifts' }, { version: 51, name: 'print_jobs' }, { version: 52, name: 'shift_counts' }, { version: 53, name: 'reconciliation_confirmed' }]);
  });

  it('one open shift per terminal; closed shifts and cash moves are fixed', () => {
    r = rig();
    const db = r.journal.db;
    db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('C1', 'a', 'cashier', 'scrypt$x', 't', 't')`).run();
    const open = db.prepare(`INSERT INTO shifts (terminal_id, cashier_id, business_date, opened_at, float_fen) VALUES ('T01', 'C1', '2026-11-24', 't', 0)`);
    open.run();
    expect(() => open.run()).toThrow(/UNIQUE/);
    db.prepare(`INSERT INTO cash_moves (shift_id, direction, amount_fen, reason, cashier_id, at) VALUES (1, 'in', 100, 'x', 'C1', 't')`).run();
    expect(() => db.prepare('UPDATE cash_moves SET amount_fen = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM cash_moves').run()).toThrow(/append-only/);
    // The blind count is on the row first (migration 052: a shift closes with its latest recorded count).
    db.prepare(`UPDATE shifts SET counts = 1, first_counted_fen = 5, first_expected_fen = 4, last_counted_fen = 5, last_expected_fen = 4 WHERE id = 1`).run();
    // Closing must carry the count and the frozen report together, and variance = counted − expected.
    expect(() => db.prepare(`UPDATE shifts SET closed_at = 't2' WHERE id = 1`).run()).toThrow(/CHECK|latest recorded count/);
    expect(() => db.prepare(`UPDATE shifts SET closed_at = 't2', counted_fen = 5, expected_fen = 4, variance_fen = 0, report = '{}' WHERE id = 1`).run()).toThrow(/CHECK/);
    db.prepare(`UPDATE shifts SET closed_at = 't2', counted_fen = 5, expected_fen = 4, variance_fen = 1, report = '{}' WHERE id = 1`).run();
    expect(() => db.prepare(`UPDATE shifts SET report = '{"x":1}' WHERE id = 1`).run()).toThrow(/a closed shift never changes/);
    expect(() => db.prepare(`INSERT INTO cash_moves (shift_id, direction, amount_fen, reason, cashier_id, at) VALUES (1, 'in', 100, 'x', 'C1', 't')`).run()).toThrow(/only go into an open shift/);
    expect(() => db.prepare('DELETE FROM shifts').run()).toThrow(/never deleted/);
    open.run(); // a new shift may open once the old one closed
  });

  it('refuses a PIN hash that is not scrypt, money that is not integer fen', () => {
    r = rig();
    const db = r.journal.db;
    expect(() => db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('C1', 'a', 'cashier', '1234', 't', 't')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('C1', 'a', 'cashier', 'scrypt$x', 't', 't')`).run();
    expect(() => db.prepare(`INSERT INTO shifts (terminal_id, cashier_id, business_date, opened_at, float_fen) VALUES ('T01', 'C1', '2026-11-24', 't', 1.5)`).run()).toThrow();
  });
});

describe('051_print_jobs', () => {
  it('states move forward only; the document never changes; jobs are never deleted', () => {
    r = rig();
    const db = r.journal.db;
    db.prepare(`INSERT INTO print_jobs (kind, ref, doc, paper, state, created_at, updated_at) VALUES ('receipt', 'P1', '{}', '80mm', 'queued', 't', 't')`).run();
    expect(() => db.prepare(`UPDATE print_jobs SET state = 'printed', printed_at = 't'`).run()).toThrow(/forward/);
    db.prepare(`UPDATE print_jobs SET state = 'printing'`).run();
    db.prepare(`UPDATE print_jobs SET state = 'failed'`).run();
    db.prepare(`UPDATE print_jobs SET state = 'printing'`).run();
    db.prepare(`UPDATE print_jobs SET state = 'printed', printed_at = 't'`).run();
    expect(() => db.prepare(`UPDATE print_jobs SET state = 'printing'`).run()).toThrow(/forward/);
    expect(() => db.prepare(`UPDATE print_jobs SET doc = '{"a":1}'`).run()).toThrow(/never changes/);
    expect(() => db.prepare('DELETE FROM print_jobs').run()).toThrow(/never deleted/);
    expect(() => db.prepare(`INSERT INTO print_jobs (kind, ref, doc, paper, state, created_at, updated_at) VALUES ('receipt', 'P1', 'not json', '80mm', 'queued', 't', 't')`).run()).toThrow(/CHECK/);
  });
});

describe('PIN hashing', () => {
  it('salted: the same PIN hashes differently; verifies only the right PIN', async () => {
    const a = await hashPin('1234');
    const b = await hashPin('1234');
    expect(a).not.toBe(b);
    expect(await verifyPin('1234', a)).toBe(true);
    expect(await verifyPin('1235', a)).toBe(false);
    expect(await verifyPin('12a4', a)).toBe(false);
    await expect(hashPin('12')).rejects.toThrow('pin: must be 4–8 digits');
    await expect(verifyPin('1234', 'md5$abc')).rejects.toThrow(/scrypt/);
  });
});
