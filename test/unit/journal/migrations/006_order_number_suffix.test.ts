// 006_order_number_suffix: older rows get their search key; search finds a number by its end,
// case-insensitively, through the index (not a scan).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Journal } from '../../../../electron/journal/journal.js';
import { migrate } from '../../../../electron/journal/migrate.js';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import { orderNumberKey } from '../../../../electron/journal/migrations/006_order_number_suffix.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const scan = (j: Journal) => j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100, settleDueAtMs: 0 });

describe('migration 006_order_number_suffix', () => {
  it('keys the rows of an older journal, and search finds them by the end of the number', () => {
    const path = join(tmp.dir, 'old.db');
    // The older journal as its build wrote it (its Journal cannot be built here: it writes the new column).
    const old = new Database(path);
    migrate(old, MIGRATIONS.filter((m) => m.version < 6), () => 'x');
    old.prepare(`INSERT INTO sales (id, created_at, business_date, terminal_id, amount_fen) VALUES (1, 'x', '2026-12-02', 'T01', 100)`).run();
    old.prepare(
      `INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, created_at, updated_at, business_date, terminal_id)
       VALUES (1, 'T01_abcd1234_P1', 1, 'scan', 'weixin', 'weixin.scan_qr_code_pay', 100, 'created', 'x', 'x', '2026-12-02', 'T01')`,
    ).run();
    old.close();
    const a = { id: 1, outTradeNo: 'T01_abcd1234_P1' };
    const j = Journal.open({ path, terminalId: 'T01' });
    expect(j.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const key = (j.db.prepare('SELECT out_trade_no_rev AS k FROM attempts WHERE id = ?').get(a.id) as { k: string }).k;
    expect(key).toBe(orderNumberKey(a.outTradeNo));
    expect(j.search({ outTradeNo: 'P1' }).rows.map((r) => r.outTradeNo)).toEqual([a.outTradeNo]);
    j.close();
  });

  it('matches the whole number or its end, in any case; not the middle; through the index', () => {
    const j = Journal.open({ path: join(tmp.dir, 'new.db'), terminalId: 'T01', journalId: 'wxyz9876' });
    const rows = Array.from({ length: 12 }, () => scan(j));
    const no = (i: number) => rows[i]!.outTradeNo; // T01_wxyz9876_P{i+1}
    expect(j.search({ outTradeNo: no(11) }).rows.map((r) => r.outTradeNo)).toEqual([no(11)]);
    expect(j.search({ outTradeNo: 'p12' }).rows.map((r) => r.outTradeNo)).toEqual([no(11)]);
    expect(j.search({ outTradeNo: '2' }).rows.map((r) => r.outTradeNo)).toEqual([no(11), no(1)]);
    expect(j.search({ outTradeNo: 'wxyz' }).total).toBe(0);
    const plan = j.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM attempts a WHERE a.out_trade_no_rev >= ? AND a.out_trade_no_rev < ?`).all('21p', '21p~') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('attempts_no_rev');
    j.close();
  });
});
