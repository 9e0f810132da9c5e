// 007_confirmations: only a final order can be confirmed; a state move or a refund takes the
// confirmation away; rows written before the migration survive it unconfirmed.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Journal } from '../../../../electron/journal/journal.js';
import { migrate } from '../../../../electron/journal/migrate.js';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const open = (migrations = MIGRATIONS) => Journal.open({ path: join(tmp.dir, `c${++n}.db`), terminalId: 'T01', migrations });
const scan = (j: Journal, amountFen = 100) => j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen, settleDueAtMs: 0 });

describe('migration 007_confirmations', () => {
  it('keeps rows of an older journal, unconfirmed, with integrity', () => {
    const path = join(tmp.dir, 'old.db');
    // The older journal as its build wrote it (its Journal cannot be built here: it writes newer columns).
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version < 7), () => 'x');
    old.prepare(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (1, 'x', '2026-12-02', 'T01', 100)`).run();
    old.prepare(
      `INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, trade_no, created_at, updated_at, final_at, business_date, terminal_id)
       VALUES (1, 'T01_abcd1234_P1', 1, 'scan', 'weixin', 'weixin.scan_qr_code_pay', 100, 'paid', 'GW1', 'x', 'x', 'x', '2026-12-02', 'T01')`,
    ).run();
    old.close();
    const a = { outTradeNo: 'T01_abcd1234_P1' };
    const j = Journal.open({ path, terminalId: 'T01' });
    expect(j.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(j.attempt(a.outTradeNo)!.state).toBe('paid');
    expect(j.confirmations.confirmedBy(a.outTradeNo)).toBeNull();
    j.close();
  });

  it('confirms final orders only, by a named source', () => {
    const j = open();
    const open1 = scan(j);
    const paid = scan(j, 200);
    j.transition(paid.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW2' });
    expect(j.confirmations.confirm([open1.outTradeNo, paid.outTradeNo], 'callback', '2026-12-03T00:00:00Z')).toBe(1);
    expect(j.confirmations.confirmedBy(open1.outTradeNo)).toBeNull();
    expect(j.confirmations.confirmedBy(paid.outTradeNo)).toBe('callback');
    expect(() => j.db.prepare(`UPDATE attempts SET confirmed_by = 'query', confirmed_at = 'x' WHERE out_trade_no = ?`).run(open1.outTradeNo)).toThrow(/only a final order/);
    expect(() => j.db.prepare(`UPDATE attempts SET confirmed_by = 'gossip', confirmed_at = 'x' WHERE out_trade_no = ?`).run(paid.outTradeNo)).toThrow(/CHECK/);
    expect(() => j.db.prepare(`UPDATE attempts SET confirmed_at = NULL WHERE out_trade_no = ?`).run(paid.outTradeNo)).toThrow(/CHECK/);
    j.close();
  });

  it('drops the confirmation when the order moves on or gets a refund', () => {
    const j = open();
    const a = scan(j);
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW3' });
    j.confirmations.confirm([a.outTradeNo], 'query', 'x');
    j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 10, dueAtMs: 0 });
    expect(j.confirmations.confirmedBy(a.outTradeNo)).toBeNull();

    const b = scan(j);
    j.transition(b.outTradeNo, 'declined', { source: 'scan', tradeNo: 'GW4' });
    j.confirmations.confirm([b.outTradeNo], 'reconcile', 'x');
    j.transition(b.outTradeNo, 'paid_after_close', { source: 'callback', tradeNo: 'GW4', next: { action: 'refund', dueAtMs: 0 } });
    expect(j.confirmations.confirmedBy(b.outTradeNo)).toBeNull();
    j.close();
  });
});
