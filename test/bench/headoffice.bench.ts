// Head office replication (issue 12), against a real PostgreSQL cluster of its own:
//  - a backlog of 1,000,000 journal changes (app-shaped: sales and lines, attempts and their
//    transitions, tenders, refunds, audit entries, written through the Journal's own API) replicated
//    by the pusher, against a bare COPY of the same rows into a table of the same shape (the floor
//    PostgreSQL gives for that data): goal < 60 s, and the ratio printed;
//  - steady state: 3 tills at 10 checkouts/s each, each pushing in its own loop; the lag from a
//    checkout's commit to the head office's acknowledgement of it: goal p99 < 2 s.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { startCluster } from '../../electron/headoffice/cluster.js';
import { migrateHeadOffice } from '../../electron/headoffice/schema.js';
import { enrollTill } from '../../electron/headoffice/enroll.js';
import { Pusher } from '../../electron/headoffice/pusher.js';
import type { HeadOfficeConfig } from '../../electron/headoffice/link.js';
import { Journal } from '../../electron/journal/journal.js';
import { trade } from '../integration/headoffice/fixture.js';
import { percentile, sorted, type BenchLine } from './harness.js';

const BACKLOG_ENTRIES = 1_000_000;
const STEADY_TILLS = 3;
const STEADY_RATE_PER_S = 10;
const STEADY_SECONDS = 20;

function copyText(rows: { t: string; k: string; s: number; d: boolean; j: unknown }[], tillId: string): string {
  // COPY text format: tab-separated, \N for null, backslash escapes.
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return rows.map((r) => [tillId, r.t, r.k, String(r.s), r.d ? 't' : 'f', r.j === null ? '\\N' : esc(JSON.stringify(r.j))].join('\t')).join('\n') + '\n';
}

export default async function (): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-ho-bench-'));
  chmodSync(dir, 0o711);
  const cluster = await startCluster({ dir: join(dir, 'pg') });
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  const lines: BenchLine[] = [];
  try {
    await migrateHeadOffice(admin);
    const config = async (tillId: string): Promise<HeadOfficeConfig> => ({ url: cluster.url, tillId, credential: (await enrollTill(admin, { tillId, shopId: 'B' })).credential, tls: 'off', caPath: '' });

    // --- backlog
    const j = Journal.open({ path: join(dir, 'backlog.sqlite'), terminalId: 'BL' });
    const tBuild = performance.now();
    for (let c = 0; j.repos.replication.maxSeq() < BACKLOG_ENTRIES; c++) j.db.transaction(() => trade(j, 2_000, c))();
    const entries = j.repos.replication.maxSeq();
    lines.push({ name: `backlog built through the Journal API (${entries} changes)`, value: Math.round(performance.now() - tBuild), unit: 'ms', figure: true });
    const cBacklog = await config('BL');
    const pusher = new Pusher({ journal: j, config: cBacklog, pull: false });
    const t0 = performance.now();
    let rowsSent = 0;
    for (;;) {
      const n = await pusher.pushOnce();
      if (n === 0) break;
    }
    const pushMs = performance.now() - t0;
    await pusher.stop();
    rowsSent = Number((await admin.query(`SELECT count(*) AS n FROM till_rows WHERE till_id = 'BL'`)).rows[0].n);
    lines.push({ name: `backlog of ${entries} journal changes (${rowsSent} rows) replicated`, value: Math.round(pushMs / 100) / 10, unit: 's', goal: '< 60 s', met: pushMs < 60_000 });

    // The same rows, as one bare COPY into a table of the same shape (indexes included).
    await admin.query('CREATE TABLE copy_floor (LIKE till_rows INCLUDING ALL)');
    const all = j.repos.replication;
    const text: string[] = [];
    // Read what the pusher sent: every row once, as it is now (the log was pruned; log them again).
    all.relogAll();
    for (let after = j.repos.replication.state().ackedSeq; ; ) {
      const b = all.batchAfter(after, 50_000, Number.MAX_SAFE_INTEGER);
      if (b.entries === 0) break;
      text.push(copyText(b.rows, 'BL'));
      after = b.upTo;
    }
    const c = await new pg.Client({ connectionString: cluster.adminUrl });
    await c.connect();
    const t1 = performance.now();
    await pipeline(Readable.from(text), c.query(copyFrom('COPY copy_floor (till_id, tbl, row_key, seq, deleted, data) FROM STDIN')));
    const copyMs = performance.now() - t1;
    await c.end();
    const copied = Number((await admin.query('SELECT count(*) AS n FROM copy_floor')).rows[0].n);
    lines.push({ name: `bare COPY of the same ${copied} rows into a till_rows-shaped table`, value: Math.round(copyMs / 100) / 10, unit: 's', figure: true });
    lines.push({ name: 'replication / bare COPY (same rows, same server)', value: Math.round((pushMs / copyMs) * 100) / 100, unit: '×', figure: true });
    j.close();

    // --- steady state
    const tills = await Promise.all(Array.from({ length: STEADY_TILLS }, async (_, i) => {
      const id = `ST${i + 1}`;
      const jj = Journal.open({ path: join(dir, `${id}.sqlite`), terminalId: id });
      const committed = new Map<number, number>(); // seq after a checkout → when it committed
      const lags: number[] = [];
      const p = new Pusher({
        journal: jj,
        config: await config(id),
        pull: false,
        onAck: (b) => {
          const now = performance.now();
          for (const [seq, at] of committed) if (seq <= b.upTo) {
            lags.push(now - at);
            committed.delete(seq);
          }
        },
      });
      return { jj, p, committed, lags };
    }));
    for (const t of tills) t.p.start();
    const interval = 1000 / STEADY_RATE_PER_S;
    const start = performance.now();
    const end = start + STEADY_SECONDS * 1000;
    let k = 0;
    let tick = 0;
    while (performance.now() < end) {
      for (const t of tills) {
        // One checkout, durable like the app's (cash, a paid or declined scan, a refund: see trade()).
        trade(t.jj, 1, k++);
        t.committed.set(t.jj.repos.replication.maxSeq(), performance.now());
      }
      // Paced by the clock, not by the work: 10 per second per till whatever a checkout costs.
      const next = start + ++tick * interval;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    const rate = k / STEADY_TILLS / ((performance.now() - start) / 1000);
    const drainUntil = performance.now() + 10_000;
    while (tills.some((t) => t.committed.size > 0) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
    for (const t of tills) {
      await t.p.stop();
      t.jj.close();
    }
    const lost = tills.reduce((s, t) => s + t.committed.size, 0);
    const lags = sorted(tills.flatMap((t) => t.lags));
    lines.push({ name: `steady state: checkouts per second per till, achieved (asked ${STEADY_RATE_PER_S})`, value: Math.round(rate * 10) / 10, unit: '/s', figure: true });
    lines.push({ name: `steady lag, ${STEADY_TILLS} tills, commit → head office ack, p50`, value: Math.round(percentile(lags, 50)), unit: 'ms', figure: true });
    lines.push({ name: `steady lag p99 (${lags.length} checkouts, ${lost} never acknowledged)`, value: Math.round(percentile(lags, 99)), unit: 'ms', goal: `< 2000 ms at ≥ ${STEADY_RATE_PER_S * 0.95}/s per till, none left`, met: percentile(lags, 99) < 2000 && lost === 0 && rate >= STEADY_RATE_PER_S * 0.95 });
  } finally {
    await admin.end().catch(() => undefined);
    await cluster.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
