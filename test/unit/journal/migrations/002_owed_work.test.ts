// 002_owed_work: refunds forward-only, one open outbox row per subject, indexes for due work.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from '../../../../electron/journal/migrate.js';
import { migration as m1 } from '../../../../electron/journal/migrations/001_payments.js';
import { migration as m2 } from '../../../../electron/journal/migrations/002_owed_work.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('migration 002_owed_work', () => {
  const db = new Database(join(tmp.dir, 'a.db'));
  db.pragma('foreign_keys = ON');
  migrate(db, [m1, m2], () => 'x');
  db.exec(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (1, 'x', '2025-06-01', 'T', 100);
    INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, created_at, updated_at, business_date, terminal_id)
    VALUES (1, 'A1', 1, 'scan', 'weixin', 'm', 100, 'paid', 'x', 'x', '2025-06-01', 'T')`);

  it('refund states move forward only, amounts fixed', () => {
    db.exec(`INSERT INTO refunds (out_refund_no, attempt_id, channel, amount_fen, state, created_at, updated_at, business_date, terminal_id)
      VALUES ('R1', 1, 'weixin', 50, 'created', 'x', 'x', '2025-06-01', 'T')`);
    db.exec(`UPDATE refunds SET state = 'processing'`);
    expect(() => db.exec(`UPDATE refunds SET state = 'created'`)).toThrow(/only move forward/);
    db.exec(`UPDATE refunds SET state = 'succeeded'`);
    expect(() => db.exec(`UPDATE refunds SET state = 'failed'`)).toThrow(/only move forward/);
    expect(() => db.exec(`UPDATE refunds SET amount_fen = 60`)).toThrow(/never change/);
    expect(() => db.exec(`INSERT INTO refunds (out_refund_no, attempt_id, channel, amount_fen, state, created_at, updated_at, business_date, terminal_id)
      VALUES ('R2', 1, 'weixin', 0, 'created', 'x', 'x', '2025-06-01', 'T')`)).toThrow(/CHECK/);
  });

  it('allows one open outbox row per subject, any number of closed ones', () => {
    const ins = db.prepare(`INSERT INTO outbox (subject, ref, action, due_at_ms, opened_at) VALUES ('attempt', 'A1', 'settle', 0, 'x')`);
    ins.run();
    expect(() => ins.run()).toThrow(/UNIQUE/);
    db.exec(`UPDATE outbox SET closed_at = 'y'`);
    ins.run();
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE closed_at IS NULL AND due_at_ms <= 5 ORDER BY due_at_ms`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/outbox_due/);
  });
});
