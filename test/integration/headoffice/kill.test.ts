// A till killed with SIGKILL while it pushes: the batch it had in flight is rolled back by
// PostgreSQL (its connection went away), the cursor there says what arrived, and the restarted
// till goes on from it — every row once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { centralRows, headOffice, localRows, trade, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { Journal } from '../../../electron/journal/journal.js';

let ho: HeadOfficeFixture;
beforeAll(async () => {
  ho = await headOffice();
}, 120_000);
afterAll(async () => ho?.close());

const child = fileURLToPath(new URL('./push-child.ts', import.meta.url));

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
