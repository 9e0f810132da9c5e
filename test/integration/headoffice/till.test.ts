// The whole till with a head office: Settings → 总部 saved through the handler table, sales
// replicated while the cashier works, status through the contract, the gateway secret and PIN
// hashes never at the head office, the central catalogue and cashiers pulled (and kept when the
// head office is gone), the audit chains checked centrally, and a restore compared with what the
// head office holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headOffice, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { startApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { importCentralCatalogue, saveCentralCashier } from '../../../electron/headoffice/admin.js';
import { dayReport, verifyCentralAudit } from '../../../electron/headoffice/report.js';
import { headOfficeHighWater } from '../../../electron/headoffice/service.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { PULL_INTERVAL_MS } from '../../../electron/headoffice/pull.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { call, ctx } from '../app/handlers.js';

const run = promisify(execFile);
const restoreCli = fileURLToPath(new URL('../../../electron/backup/cli.ts', import.meta.url));

let ho: HeadOfficeFixture;
beforeAll(async () => {
  ho = await headOffice();
}, 120_000);
afterAll(async () => ho?.close());

const GATEWAY_SECRET = 'Gw-Secret-Never-Leaves-42';

describe('a till with a head office', () => {
  it('replicates what the cashier does, says how far it is, and keeps secrets and PIN hashes at the till', async () => {
    const t = await ho.enroll('S1-T01', 'S1');
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-ho-till-'));
    const logs: string[] = [];
    const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 'gateway-secret.txt')), log: (l) => logs.push(l), sandboxTimeScale: 0.01 });
    let closed = false;
    try {
      expect(await call(app, 'headoffice.status', {})).toMatchObject({ configured: false, state: 'off' });
      // A sale before any head office is set: the log is not kept meanwhile, yet the sale gets there.
      const early = await call(app, 'checkout.cash', { amountFen: 300, tenderedFen: 300 });
      app.runtime.journal.repos.replication.discardUnsent();
      expect(app.runtime.journal.db.prepare('SELECT count(*) FROM replication_log').pluck().get()).toBe(0);
      const bad = await dispatch(app.handlers, 'settings.save', { values: { headOfficeUrl: 'http://nope' }, managerPin: '0000' }, ctx);
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.error.message).toMatch(/headOfficeUrl: must be postgres:\/\/host:port\/database/);
      const noCred = await dispatch(app.handlers, 'settings.save', { values: { headOfficeUrl: t.config.url, headOfficeTillId: t.tillId }, managerPin: '0000' }, ctx);
      expect(!noCred.ok && noCred.error.message).toMatch(/headOfficeCredential: required/);

      const events: string[] = [];
      app.runtime.bus.subscribe((e, p) => e === 'headoffice.status' && events.push((p as { state: string }).state));
      const view = await call(app, 'settings.save', { values: { headOfficeUrl: t.config.url, headOfficeTillId: t.tillId, headOfficeCredential: t.credential, secret: GATEWAY_SECRET }, managerPin: '0000' });
      expect(view).toMatchObject({ hasHeadOfficeCredential: true });
      expect(JSON.stringify(view)).not.toContain(t.credential);

      await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 });
      await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
      const status = () => app.handlers['headoffice.status']({}, ctx) as ReturnType<typeof app.handlers['headoffice.status']> & { behind: number; state: string; error: string | null };
      await waitSynced(() => status() as never);
      expect(await call(app, 'headoffice.status', {})).toMatchObject({ configured: true, tillId: 'S1-T01', behind: 0, error: null, farBehind: false });
      await new Promise((r) => setTimeout(r, 1_200));
      expect(events).toContain('idle');

      const earlyRow = await ho.admin.query(`SELECT 1 FROM till_rows WHERE till_id = 'S1-T01' AND tbl = 'attempts' AND data->>'out_trade_no' = $1`, [early.outTradeNo]);
      expect(earlyRow.rowCount).toBe(1);
      const date = app.runtime.journal.db.prepare('SELECT business_date FROM sales LIMIT 1').pluck().get() as string;
      const report = await dayReport(ho.admin, date);
      expect(report.tills.find((x) => x.tillId === 'S1-T01')!.channels).toEqual(app.runtime.journal.channelTotals({ businessDate: date }));

      const dump = await ho.admin.query<{ d: string }>(`SELECT string_agg(data::text, ' ') AS d FROM till_rows`);
      expect(dump.rows[0]!.d).not.toContain(GATEWAY_SECRET);
      expect(dump.rows[0]!.d).not.toContain('scrypt$');
      expect(dump.rows[0]!.d).not.toContain('134567890123456700'); // the payment code, only masked
      const logText = [...logs, ...readdirSync(dataDir).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(dataDir, f), 'utf8'))].join('\n');
      expect(logText).not.toContain(t.credential);

      // Restore: the head office holds this journal up to its last audit entry...
      const mark = await headOfficeHighWater(() => app.runtime.settings.get(), () => app.runtime.settings.headOfficeCredential()).markFor(app.runtime.journal.journalId);
      expect(mark?.auditSeq).toBe(app.runtime.journal.audit.entries().length);
      // ...so a backup older than that is refused unless the manager confirms it.
      await call(app, 'backup.now', { managerPin: '0000' });
      await call(app, 'checkout.cash', { amountFen: 700, tenderedFen: 1000 });
      await waitSynced(() => status() as never);
      const older = await dispatch(app.handlers, 'backup.restore', { managerPin: '0000' }, ctx);
      expect(older.ok).toBe(false);
      expect(!older.ok && older.error.message).toMatch(/older than what the head office holds/);
      expect(!older.ok && older.error.checkResult).toBe('older_than_head_office');

      // The same from the restore command of a stopped till: refused, then done with the manager's word.
      await app.close();
      closed = true;
      const restore = (...extra: string[]) => run(process.execPath, ['--import', 'tsx', restoreCli, '--data-dir', dataDir, ...extra]).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
      const refused = await restore();
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/older than what the head office holds/);
      const done = await restore('--confirm-older', '--manager-pin', '0000');
      expect(done.stdout).toMatch(/restored from/);
      expect(done.code).toBe(0);
    } finally {
      if (!closed) await app.close();
    }
  }, 120_000);

  it('pulls the central catalogue and cashiers, and keeps its last copy when the head office is gone', async () => {
    const t = await ho.enroll('S1-T02', 'S1');
    const csv = 'code,name,price,barcodes,category\nA001,苹果,3.50,6901234567892,水果\nA002,香蕉,2.00,,水果\n';
    expect(await importCentralCatalogue(ho.admin, Buffer.from(csv), 'csv')).toEqual({ ok: true, added: 2, updated: 0 });
    const badCsv = 'code,name,price\nB1,,1.00\n';
    const refused = await importCentralCatalogue(ho.admin, Buffer.from(badCsv), 'csv');
    expect(refused).toMatchObject({ ok: false, problems: [{ row: 2, column: 'name' }] });
    await saveCentralCashier(ho.admin, { id: 'c42', name: '王芳', role: 'cashier', pin: '4321' });
    await expect(saveCentralCashier(ho.admin, { id: 'c43', name: 'x', role: 'cashier' })).rejects.toThrow(/is new: give a PIN/);

    const j = ho.journal('S1-T02', 'S1-T02');
    let now = Date.now();
    const p = new Pusher({ journal: j, config: t.config, now: () => now, backoff: { minMs: 50, maxMs: 200 } });
    p.start();
    await waitSynced(() => p.status());
    for (let i = 0; i < 100 && !j.repos.catalogue.byBarcode('6901234567892'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(j.repos.catalogue.byBarcode('6901234567892')).toMatchObject({ code: 'A001', name: '苹果', priceFen: 350, pinyin: 'pg', category: '水果' });
    expect(j.db.prepare(`SELECT name, role FROM cashiers WHERE id = 'c42'`).get()).toEqual({ name: '王芳', role: 'cashier' });

    // A price change at the head office reaches the till at its next pull.
    await ho.admin.query(`UPDATE ho_products SET price_fen = 399 WHERE code = 'A001'`);
    now += PULL_INTERVAL_MS;
    p.kick();
    for (let i = 0; i < 100 && j.repos.catalogue.byCode('A001')!.priceFen !== 399; i++) await new Promise((r) => setTimeout(r, 50));
    expect(j.repos.catalogue.byCode('A001')!.priceFen).toBe(399);
    // The pulled cashier goes back to the head office as the till's row, without its PIN hash.
    await waitSynced(() => p.status());
    const seen = await ho.admin.query<{ data: Record<string, unknown> }>(`SELECT data FROM till_rows WHERE till_id = 'S1-T02' AND tbl = 'cashiers' AND row_key = 'c42'`);
    expect(seen.rows[0]!.data).toMatchObject({ id: 'c42', name: '王芳' });
    expect(Object.keys(seen.rows[0]!.data)).not.toContain('pin_hash');
    expect(JSON.stringify(seen.rows[0]!.data)).not.toContain('scrypt$');
    await p.stop();

    // The head office goes away: the till still sells from its copy.
    await ho.cluster.stop();
    try {
      expect(j.repos.catalogue.byCode('A002')).toMatchObject({ name: '香蕉', priceFen: 200 });
      const gone = new Pusher({ journal: j, config: { ...t.config, timeouts: { connectMs: 500, queryMs: 500 } }, backoff: { minMs: 50, maxMs: 200 } });
      gone.start();
      for (let i = 0; i < 100 && gone.status().state !== 'retrying'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(gone.status()).toMatchObject({ state: 'retrying' });
      expect(gone.status().error).toMatch(/not reachable|refused|ECONNREFUSED/);
      await gone.stop();
    } finally {
      await ho.cluster.start();
      await ho.reconnect();
    }
  }, 120_000);

  it('checks every till\'s audit chain centrally and names the first entry changed at the head office', async () => {
    const before = await verifyCentralAudit(ho.admin);
    expect(before.length).toBeGreaterThan(0);
    for (const a of before) expect(a.check, a.tillId).toMatchObject({ ok: true });
    await ho.admin.query(`UPDATE till_rows SET data = jsonb_set(data, '{subject}', '"tampered"') WHERE till_id = 'S1-T01' AND tbl = 'audit_log' AND row_key = '2'`);
    const after = await verifyCentralAudit(ho.admin);
    expect(after.find((a) => a.tillId === 'S1-T01')!.check).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
