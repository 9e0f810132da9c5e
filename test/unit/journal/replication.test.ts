// The replication log's reading side: a batch carries each changed row once as it is now, with
// the highest seq that touched it; a byte limit cuts before a new row, never inside the entries
// of one; deletes, private columns and acknowledgements.
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, openTemp } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const open = () => openTemp(tmp.dir, `repl${++n}.db`);

describe('ReplicationRepo', () => {
  it('sends a row changed twice once, as it is now, with its last seq', () => {
    const j = open();
    const r = j.repos.replication;
    r.acknowledge(r.maxSeq(), 'x');
    const a = j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 500, settleDueAtMs: 0 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW9' });
    const b = r.batchAfter(r.state().ackedSeq, 1_000, 1 << 30);
    const att = b.rows.filter((x) => x.t === 'attempts');
    expect(att).toHaveLength(1);
    expect(att[0]!.j).toMatchObject({ out_trade_no: a.outTradeNo, state: 'paid', trade_no: 'GW9' });
    const seqs = (j.db.prepare(`SELECT seq FROM replication_log WHERE tbl = 'attempts'`).pluck().all() as number[]);
    expect(att[0]!.s).toBe(Math.max(...seqs));
    expect(b.upTo).toBe(r.maxSeq());
    expect(b.entries).toBe(r.state().behind);
    j.close();
  });

  it('cuts at the byte limit before a new row; the next batch goes on from there; nothing is skipped', () => {
    const j = open();
    const r = j.repos.replication;
    for (let i = 0; i < 20; i++) j.recordCash({ amountFen: 100 + i, tenderedFen: 200, note: 'x'.repeat(150) });
    const all = r.batchAfter(0, 100_000, 1 << 30);
    const seen = new Set<string>();
    let after = 0;
    let batches = 0;
    for (;;) {
      const b = r.batchAfter(after, 100_000, 2_000);
      if (b.entries === 0) break;
      expect(b.bytes).toBeLessThan(2_000 + 1_000);
      for (const row of b.rows) seen.add(`${row.t}/${row.k}`);
      after = b.upTo;
      batches++;
    }
    expect(batches).toBeGreaterThan(3);
    expect(after).toBe(r.maxSeq());
    expect(seen).toEqual(new Set(all.rows.map((x) => `${x.t}/${x.k}`)));
    j.close();
  });

  it('marks a deleted row deleted, keeps private columns at the till, prunes what was acknowledged', () => {
    const j = open();
    const r = j.repos.replication;
    j.db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('c1', 'A', 'cashier', 'scrypt$secret', 'x', 'x')`).run();
    j.db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, created_at, updated_at) VALUES ('c2', 'B', 'cashier', 'scrypt$secret', 'x', 'x')`).run();
    j.db.prepare(`DELETE FROM cashiers WHERE id = 'c2'`).run();
    const b = r.batchAfter(0, 100_000, 1 << 30);
    expect(b.rows.find((x) => x.t === 'cashiers' && x.k === 'c1')!.j).toEqual(expect.not.objectContaining({ pin_hash: expect.anything() }));
    expect(JSON.stringify(b.rows)).not.toContain('scrypt$');
    expect(b.rows.find((x) => x.t === 'cashiers' && x.k === 'c2')).toMatchObject({ d: true, j: null });
    r.acknowledge(b.upTo, '2026-12-03T00:00:00.000Z');
    expect(r.state()).toMatchObject({ ackedSeq: b.upTo, behind: 0, lastPushAt: '2026-12-03T00:00:00.000Z', lastError: null });
    expect(j.db.prepare('SELECT count(*) FROM replication_log').pluck().get()).toBe(0);
    j.close();
  });
});
