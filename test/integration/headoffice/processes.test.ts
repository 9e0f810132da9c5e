// Tills as processes of their own. Three trading and pushing at the same time. And a till killed
// with SIGKILL while it pushes: the batch it had in flight is rolled back by
// PostgreSQL (its connection went away), the cursor there says what arrived, and the restarted
// till goes on from it — every row once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { centralRows, headOffice, localRows, trade, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { Journal } from '../../../electron/journal/journal.js';
import { dayReport } from '../../../electron/headoffice/report.js';

let ho: HeadOfficeFixture;
beforeAll(async () => {
  ho = await headOffice();
}, 120_000);
afterAll(async () => ho?.close());

const child = fileURLToPath(new URL('./push-child.ts', import.meta.url));

const tillChild = fileURLToPath(new URL('./till-child.ts', import.meta.url));

describe('three tills in their own processes, trading and pushing at once', () => {
  it('every row of every till once, totals equal to the fen', async () => {
    const ids = ['M1', 'M2', 'M3'];
    const enrolled = await Promise.all(ids.map((id) => ho.enroll(id, 'SM')));
    const runs = enrolled.map((t) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', tillChild, join(ho.dir, `${t.tillId}-proc.sqlite`), t.tillId, '600'], { env: { ...process.env, HO_CONFIG: JSON.stringify(t.config) }, stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise<void>((resolve, reject) => {
        let out = '';
        proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
        proc.on('exit', (code) => (code === 0 && /done \d+/.test(out) ? resolve() : reject(new Error(`till ${t.tillId} ended with ${code}: ${out}`))));
      });
    });
    await Promise.all(runs);
    let chain = 0;
    for (const t of enrolled) {
      const j = Journal.open({ path: join(ho.dir, `${t.tillId}-proc.sqlite`), terminalId: t.tillId });
      try {
        const local = localRows(j);
        const central = await centralRows(ho.admin, t.tillId);
        expect(central.size, t.tillId).toBe(local.size);
        for (const [k, row] of local) expect(central.get(k), `${t.tillId} ${k}`).toEqual(row);
        const date = j.db.prepare('SELECT business_date FROM sales LIMIT 1').pluck().get() as string;
        const report = await dayReport(ho.admin, date);
        const mine = j.channelTotals({ businessDate: date });
        expect(report.tills.find((x) => x.tillId === t.tillId)!.channels).toEqual(mine);
        chain += mine.reduce((s, l) => s + l.netFen, 0);
        if (t === enrolled.at(-1)) expect(report.shops.find((s) => s.shopId === 'SM')!.netFen).toBe(chain);
      } finally {
        j.close();
      }
    }
  }, 180_000);
});

describe('a till killed mid-push', () => {
  it('resumes from the head office cursor after SIGKILL; nothing twice, nothing lost', async () => {
    const t = await ho.enroll('K1', 'SK');
    const path = join(ho.dir, 'K1-own.sqlite');
    const first = Journal.open({ path, terminalId: 'K1' });
    trade(first, 4_000, 3);
    const total = first.repos.replication.maxSeq();
    first.close();

    const proc = spawn(process.execPath, ['--import', 'tsx', child, path, 'K1'], { env: { ...process.env, HO_CONFIG: JSON.stringify(t.config) }, stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = await new Promise<number>((resolve, reject) => {
      let n = 0;
      let last = 0;
      proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        for (const m of chunk.matchAll(/ack (\d+)/g)) {
          last = Number(m[1]);
          if (++n === 5) {
            proc.kill('SIGKILL');
            resolve(last);
          }
        }
      });
      proc.on('exit', (code, sig) => sig !== 'SIGKILL' && reject(new Error(`child ended by itself: ${code}`)));
    });
    await new Promise((r) => proc.once('exit', r));
    const cur = await ho.admin.query<{ acked_seq: string }>(`SELECT acked_seq FROM tills WHERE till_id = 'K1'`);
    const atKill = Number(cur.rows[0]!.acked_seq);
    // What the head office holds is a whole number of batches, at or past the last one the child saw.
    expect(atKill).toBeGreaterThanOrEqual(acked);
    expect(atKill).toBeLessThan(total);

    const j = Journal.open({ path, terminalId: 'K1' });
    try {
      const p = new Pusher({ journal: j, config: t.config, pull: false });
      p.start();
      await waitSynced(() => p.status());
      await p.stop();
      const local = localRows(j);
      const central = await centralRows(ho.admin, 'K1');
      expect(central.size).toBe(local.size);
      for (const [k, row] of local) expect(central.get(k), k).toEqual(row);
      const after = await ho.admin.query<{ acked_seq: string }>(`SELECT acked_seq FROM tills WHERE till_id = 'K1'`);
      expect(Number(after.rows[0]!.acked_seq)).toBe(total);
    } finally {
      j.close();
    }
  }, 180_000);
});
