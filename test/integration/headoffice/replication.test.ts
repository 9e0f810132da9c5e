// Replication to a real PostgreSQL: three tills writing while they push, PostgreSQL crashed and
// restarted mid-batch, the network cut by a proxy that drops everything — and afterwards every
// row of every till is at the head office exactly once, as the till has it, and the head
// office's totals are the tills' own totals to the fen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralRows, headOffice, localRows, trade, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { dayReport } from '../../../electron/headoffice/report.js';
import { cutProxy } from './proxy.js';
import type { Journal } from '../../../electron/journal/journal.js';

let ho: HeadOfficeFixture;
beforeAll(async () => {
  ho = await headOffice();
}, 120_000);
afterAll(async () => ho?.close());

const fast = { backoff: { minMs: 50, maxMs: 400 }, pull: false } as const;

async function expectSameRows(j: Journal, tillId: string): Promise<void> {
  const local = localRows(j);
  const central = await centralRows(ho.admin, tillId);
  expect(central.size, `rows of ${tillId}`).toBe(local.size);
  for (const [key, row] of local) expect(central.get(key), key).toEqual(row);
  // Exactly once: the primary key (till, table, row key) allows nothing else; and the cursor is the till's last seq.
  const dup = await ho.admin.query('SELECT tbl, row_key, count(*) FROM till_rows WHERE till_id = $1 GROUP BY 1, 2 HAVING count(*) > 1', [tillId]);
  expect(dup.rowCount).toBe(0);
  const cur = await ho.admin.query<{ acked_seq: string }>('SELECT acked_seq FROM tills WHERE till_id = $1', [tillId]);
  expect(Number(cur.rows[0]!.acked_seq)).toBe(j.repos.replication.maxSeq());
}

function totalsOf(j: Journal, date: string) {
  return j.channelTotals({ businessDate: date });
}

describe('head office replication', () => {
  it('three tills trading while they push: every row once, totals equal to the fen', async () => {
    const tills = await Promise.all(['A1', 'A2', 'B1'].map((id, i) => ho.enroll(id, i < 2 ? 'SA' : 'SB')));
    const journals = tills.map((t) => ho.journal(t.tillId, t.tillId));
    const pushers = tills.map((t, i) => new Pusher({ journal: journals[i]!, config: t.config, batchEntries: 300, ...fast }));
    for (const p of pushers) p.start();
    // Trade in slices, yielding so the pushers run in between (one process: they interleave).
    for (let round = 0; round < 20; round++) {
      journals.forEach((j, i) => trade(j, 40, round * 10 + i));
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const p of pushers) await waitSynced(() => p.status());
    for (const p of pushers) await p.stop();
    for (let i = 0; i < 3; i++) await expectSameRows(journals[i]!, tills[i]!.tillId);

    const date = journals[0]!.db.prepare('SELECT business_date FROM sales LIMIT 1').pluck().get() as string;
    const report = await dayReport(ho.admin, date);
    let chainNet = 0;
    for (let i = 0; i < 3; i++) {
      const mine = totalsOf(journals[i]!, date);
      const line = report.tills.find((t) => t.tillId === tills[i]!.tillId)!;
      expect(line.channels).toEqual(mine);
      chainNet += mine.reduce((s, l) => s + l.netFen, 0);
    }
    expect(report.netFen).toBe(chainNet);
    expect(report.shops.find((s) => s.shopId === 'SA')!.tills).toBe(2);
    expect(report.channels.reduce((s, l) => s + l.refundsFen, 0)).toBeGreaterThan(0);
  }, 180_000);

  it('PostgreSQL crashed mid-batch and restarted: the till goes on from the acknowledged cursor', async () => {
    const t = await ho.enroll('C1', 'SC');
    const j = ho.journal('C1', 'C1');
    trade(j, 3_000, 7);
    let acks = 0;
    const p = new Pusher({ journal: j, config: t.config, batchEntries: 200, ...fast, onAck: () => acks++ });
    p.start();
    while (acks < 3) await new Promise((r) => setTimeout(r, 5));
    await ho.cluster.crash();
    const behindAtCrash = p.status().behind;
    expect(behindAtCrash).toBeGreaterThan(0);
    trade(j, 200, 8); // the till keeps selling while the head office is down
    await new Promise((r) => setTimeout(r, 500));
    expect(['retrying', 'connecting']).toContain(p.status().state);
    expect(p.status().error).toBeTruthy();
    await ho.cluster.start();
    await ho.reconnect();
    await waitSynced(() => p.status());
    await p.stop();
    await expectSameRows(j, 'C1');
  }, 180_000);

  it('the network cut (packets dropped, then connections reset): timeouts notice it, the till catches up', async () => {
    const t = await ho.enroll('D1', 'SD');
    const proxy = await cutProxy(ho.cluster.port);
    const j = ho.journal('D1', 'D1');
    trade(j, 2_000, 9);
    let acks = 0;
    const config = { ...t.config, url: `postgres://127.0.0.1:${proxy.port}/headoffice`, timeouts: { connectMs: 800, queryMs: 800 } };
    const p = new Pusher({ journal: j, config, batchEntries: 150, ...fast, onAck: () => acks++ });
    p.start();
    while (acks < 2) await new Promise((r) => setTimeout(r, 5));
    proxy.mode('blackhole');
    trade(j, 100, 10);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(p.status().state).not.toBe('idle');
    expect(p.status().behind).toBeGreaterThan(0);
    proxy.mode('reset');
    await waitSynced(() => p.status());
    await p.stop();
    await proxy.close();
    await expectSameRows(j, 'D1');
  }, 180_000);
});

