// What PostgreSQL itself enforces for a till (row-level security, grants), and what the pusher
// refuses: a wrong or rotated credential, another journal under the same till, a head office that
// holds more than the till has. And a head office that lost rows gets them all again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralRows, headOffice, localRows, trade, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { connectHeadOffice } from '../../../electron/headoffice/link.js';
import { rotateCredential } from '../../../electron/headoffice/enroll.js';

let ho: HeadOfficeFixture;
beforeAll(async () => {
  ho = await headOffice();
}, 120_000);
afterAll(async () => ho?.close());

const fast = { backoff: { minMs: 50, maxMs: 200 }, pull: false } as const;

async function settle(p: Pusher, state: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (p.status().state !== state) {
    if (Date.now() > until) throw new Error(`pusher never reached ${state}: ${JSON.stringify(p.status())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('head office security', () => {
  it('a till reads and writes only its own rows and cursor, never deletes, never sees reports or edits the catalogue', async () => {
    const a = await ho.enroll('RA', 'S1');
    const b = await ho.enroll('RB', 'S1');
    const jb = ho.journal('RB', 'RB');
    trade(jb, 20, 1);
    const pb = new Pusher({ journal: jb, config: b.config, ...fast });
    pb.start();
    await waitSynced(() => pb.status());
    await pb.stop();

    const ca = await connectHeadOffice(a.config);
    try {
      await expect(ca.query(`INSERT INTO till_rows (till_id, tbl, row_key, seq, data) VALUES ('RB', 'sales', '999', 1, '{}')`)).rejects.toThrow(/row-level security/);
      expect((await ca.query('SELECT * FROM till_rows')).rowCount).toBe(0);
      expect((await ca.query(`UPDATE tills SET acked_seq = 0 WHERE till_id = 'RB'`)).rowCount).toBe(0);
      expect((await ca.query('SELECT till_id FROM tills')).rows).toEqual([{ till_id: 'RA' }]);
      await expect(ca.query(`UPDATE tills SET shop_id = 'S2' WHERE till_id = 'RA'`)).rejects.toThrow(/permission denied/);
      await expect(ca.query(`DELETE FROM till_rows WHERE till_id = 'RA'`)).rejects.toThrow(/permission denied/);
      await expect(ca.query('SELECT * FROM ho_attempts')).rejects.toThrow(/permission denied/);
      await expect(ca.query(`INSERT INTO ho_products (code, name, price_fen) VALUES ('X', 'x', 1)`)).rejects.toThrow(/permission denied/);
      await expect(ca.query('CREATE TABLE mine (x int)')).rejects.toThrow(/permission denied/);
    } finally {
      await ca.end();
    }
    const still = await centralRows(ho.admin, 'RB');
    expect(still.size).toBe(localRows(jb).size);
  }, 120_000);

  it('refuses a wrong credential, a rotated one, and another till id, in words', async () => {
    const t = await ho.enroll('RC', 'S1');
    const j = ho.journal('RC', 'RC');
    trade(j, 3, 2);
    const wrong = new Pusher({ journal: j, config: { ...t.config, credential: 'x'.repeat(32) }, ...fast });
    wrong.start();
    await settle(wrong, 'refused');
    expect(wrong.status().error).toMatch(/refused this till's credential/);
    await wrong.stop();

    const other = await ho.enroll('RD', 'S1');
    const swapped = new Pusher({ journal: j, config: { ...t.config, tillId: 'RD' }, ...fast });
    swapped.start();
    await settle(swapped, 'refused');
    await swapped.stop();
    expect(other.tillId).toBe('RD');

    await rotateCredential(ho.admin, 'RC');
    const old = new Pusher({ journal: j, config: t.config, ...fast });
    old.start();
    await settle(old, 'refused');
    await old.stop();
  }, 120_000);

  it('refuses a second journal under one till, and a head office that holds more than the till has', async () => {
    const t = await ho.enroll('RE', 'S1');
    const j1 = ho.journal('RE-1', 'RE');
    trade(j1, 10, 3);
    const p1 = new Pusher({ journal: j1, config: t.config, ...fast });
    p1.start();
    await waitSynced(() => p1.status());
    await p1.stop();

    const j2 = ho.journal('RE-2', 'RE');
    trade(j2, 2, 4);
    const p2 = new Pusher({ journal: j2, config: t.config, ...fast });
    p2.start();
    await settle(p2, 'refused');
    expect(p2.status().error).toMatch(new RegExp(`holds journal ${j1.journalId}.*this till has journal ${j2.journalId}`));
    await p2.stop();

    // As if the till came back from an older backup: the head office holds more than it has.
    await ho.admin.query(`UPDATE tills SET acked_seq = acked_seq + 1000 WHERE till_id = 'RE'`);
    const p3 = new Pusher({ journal: j1, config: t.config, ...fast });
    p3.start();
    await settle(p3, 'refused');
    expect(p3.status().error).toMatch(/restored from an older backup/);
    await p3.stop();
  }, 120_000);

  it('sends everything again when the head office lost rows it had acknowledged', async () => {
    const t = await ho.enroll('RF', 'S1');
    const j = ho.journal('RF', 'RF');
    trade(j, 30, 5);
    const p = new Pusher({ journal: j, config: t.config, ...fast });
    p.start();
    await waitSynced(() => p.status());
    await p.stop();
    // The head office restored its own backup from before this till's pushes.
    await ho.admin.query(`DELETE FROM till_rows WHERE till_id = 'RF'`);
    await ho.admin.query(`UPDATE tills SET acked_seq = 0 WHERE till_id = 'RF'`);
    trade(j, 5, 6);
    const again = new Pusher({ journal: j, config: t.config, ...fast });
    again.start();
    await waitSynced(() => again.status());
    await again.stop();
    const local = localRows(j);
    const central = await centralRows(ho.admin, 'RF');
    expect(central.size).toBe(local.size);
    for (const [k, row] of local) expect(central.get(k), k).toEqual(row);
  }, 120_000);
});
