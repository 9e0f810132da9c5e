// 004_withdrawals: numbers, routes and amounts never change; states only move forward.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration } from '../../../../electron/journal/migrations/004_withdrawals.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 004_withdrawals', () => {
  it('keeps a withdrawal fixed and its state moving forward only', () => {
    const db = new Database(join(tmp.dir, 'w.db'));
    migrate(db, [migration], () => 'x');
    const ins = db.prepare(`INSERT INTO withdrawals (out_trade_no, via, amount_fen, state, created_at, updated_at) VALUES (?, ?, ?, 'requested', 'x', 'x')`);
    ins.run('W1', 'merchant', 1000);
    expect(() => ins.run('W 2', 'merchant', 1000)).toThrow(/CHECK/);
    expect(() => ins.run('W3', 'bank', 1000)).toThrow(/CHECK/);
    expect(() => ins.run('W4', 'merchant', 0)).toThrow(/CHECK/);
    expect(() => db.exec(`UPDATE withdrawals SET amount_fen = 2000 WHERE out_trade_no = 'W1'`)).toThrow(/never change/);
    db.exec(`UPDATE withdrawals SET state = 'processing' WHERE out_trade_no = 'W1'`);
    expect(() => db.exec(`UPDATE withdrawals SET state = 'requested' WHERE out_trade_no = 'W1'`)).toThrow(/only move forward/);
    expect(() => db.exec(`UPDATE withdrawals SET state = 'refused' WHERE out_trade_no = 'W1'`)).toThrow(/only move forward/);
    db.exec(`UPDATE withdrawals SET state = 'paid' WHERE out_trade_no = 'W1'`);
    expect(() => db.exec(`UPDATE withdrawals SET state = 'failed' WHERE out_trade_no = 'W1'`)).toThrow(/only move forward/);
    db.close();
  });
});
