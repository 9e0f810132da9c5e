// A throwaway PostgreSQL cluster for the head-office tests: a temp folder, a free port, the
// head office schema, stopped and removed after. Needs Debian's postgresql package (.ci/run).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster, type Cluster } from '../../../electron/headoffice/cluster.js';
import { migrateHeadOffice } from '../../../electron/headoffice/schema.js';
import { enrollTill, type Enrolment } from '../../../electron/headoffice/enroll.js';
import type { HeadOfficeConfig } from '../../../electron/headoffice/link.js';
import { Journal } from '../../../electron/journal/journal.js';
import { LOGGED_TABLES } from '../../../electron/journal/migrations/090_replication.js';
import { PRIVATE_COLUMNS } from '../../../electron/journal/repos/replication.js';

export interface HeadOfficeFixture {
  cluster: Cluster;
  admin: pg.Client;
  dir: string;
  enroll(tillId: string, shopId?: string): Promise<Enrolment & { config: HeadOfficeConfig }>;
  journal(name: string, terminalId?: string): Journal;
  /** A new admin connection (after the cluster was crashed or restarted). */
  reconnect(): Promise<void>;
  close(): Promise<void>;
}

async function adminClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export async function headOffice(): Promise<HeadOfficeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-ho-'));
  // As root the server runs as the postgres user, which must be able to pass through this folder.
  chmodSync(dir, 0o711);
  const cluster = await startCluster({ dir: join(dir, 'pg') });
  const admin = await adminClient(cluster.adminUrl);
  await migrateHeadOffice(admin);
  const journals: Journal[] = [];
  const fx: HeadOfficeFixture = {
    cluster,
    admin,
    dir,
    reconnect: async () => {
      await fx.admin.end().catch(() => undefined);
      fx.admin = await adminClient(cluster.adminUrl);
    },
    enroll: async (tillId, shopId = 'S1') => {
      const e = await enrollTill(fx.admin, { tillId, shopId });
      return { ...e, config: { url: cluster.url, tillId, credential: e.credential, tls: 'off', caPath: '' } };
    },
    journal: (name, terminalId = 'T01') => {
      const j = Journal.open({ path: join(dir, `${name}.sqlite`), terminalId });
      journals.push(j);
      return j;
    },
    close: async () => {
      for (const j of journals) j.close();
      await fx.admin.end().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fx;
}

/** A till's day: cash sales, WeChat / Alipay payments, a declined one, a refund; `n` rounds. */
export function trade(j: Journal, n: number, seed = 1): void {
  for (let i = 0; i < n; i++) {
    const k = (i * 7 + seed) % 5;
    const amountFen = 100 + ((i * 37 + seed * 11) % 9_900);
    if (k === 0) {
      j.recordCash({ amountFen, tenderedFen: amountFen + 50, lines: [{ name: '茶', qty: 1, unitFen: amountFen }] });
      continue;
    }
    const channel = k % 2 ? 'weixin' : 'alipay';
    const a = j.createAttempt({ kind: 'scan', channel, method: `${channel}.scan_qr_code_pay`, amountFen, settleDueAtMs: 0 });
    if (k === 3) {
      j.transition(a.outTradeNo, 'declined', { source: 'scan', reason: 'insufficient funds' });
      continue;
    }
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: `GW${seed}_${i}` });
    if (k === 4 && amountFen > 200) {
      const r = j.createRefund({ outTradeNo: a.outTradeNo, amountFen: 100, reason: 'returned', dueAtMs: 0 });
      j.refundTransition(r.outRefundNo, 'succeeded', { source: 'refund', answer: 'SUCCESS' });
    }
  }
}

/** Every replicated row of a journal as the head office should hold it: key → columns. */
export function localRows(j: Journal): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const t of LOGGED_TABLES) {
    for (const row of j.db.prepare(`SELECT * FROM ${t.table}`).all() as Record<string, unknown>[]) {
      for (const c of PRIVATE_COLUMNS[t.table] ?? []) delete row[c];
      out.set(`${t.table}/${t.key.map((c) => String(row[c])).join(':')}`, row);
    }
  }
  return out;
}

/** What the head office holds of a till: key → columns (deleted rows left out). */
export async function centralRows(admin: pg.Client, tillId: string): Promise<Map<string, Record<string, unknown>>> {
  const r = await admin.query<{ tbl: string; row_key: string; data: Record<string, unknown> }>('SELECT tbl, row_key, data FROM till_rows WHERE till_id = $1 AND NOT deleted', [tillId]);
  return new Map(r.rows.map((x) => [`${x.tbl}/${x.row_key}`, x.data]));
}

/** Waits until the pusher has nothing left to send (or throws after `ms`, with its status). */
export async function waitSynced(status: () => { behind: number; state: string; error: string | null }, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const s = status();
    if (s.behind === 0 && (s.state === 'idle' || s.state === 'syncing')) return;
    if (Date.now() > until) throw new Error(`not synced after ${ms} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
