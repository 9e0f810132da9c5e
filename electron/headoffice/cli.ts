// `npm run headoffice -- <command>`: the head office's admin command.
//
//   trial [--dir D] [--page-port P]     a head office on this PC for a trial: an embedded PostgreSQL
//                                       cluster in D, the schema, the page; Ctrl-C stops it
//   migrate                             sets up or upgrades the schema of a managed PostgreSQL
//   enroll --till ID --shop ID [--shop-name N]   a till's own login; prints its credential once
//   rotate --till ID                    a new credential for a till (the old one stops working)
//   report [--date yyyy-MM-dd] [--json] the day report across tills
//   verify-audit                        every till's audit chain checked again, centrally
//   serve [--page-port P]               the report page
//   catalogue FILE.csv|FILE.xlsx        imports the central catalogue (tills pull it)
//   cashier --id ID --name N --role cashier|manager [--pin 1234] [--inactive]
//
// The admin connection: --admin-url, or HEADOFFICE_ADMIN_URL, or the trial's (its folder's admin-url file).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startCluster, CLUSTER_ADMIN } from './cluster.js';
import { migrateHeadOffice } from './schema.js';
import { enrollTill, rotateCredential } from './enroll.js';
import { dayReport, reportText, verifyCentralAudit } from './report.js';
import { localDate, startPageServer } from './server.js';
import { importCentralCatalogue, saveCentralCashier } from './admin.js';

/** The trial's folder: as root the server runs as the postgres user, which cannot enter /root. */
export function defaultTrialDir(): string {
  return process.env.HEADOFFICE_DIR ?? (process.getuid?.() === 0 ? '/var/tmp/counter-pos-headoffice' : join(homedir(), '.counter-pos-headoffice'));
}
export const DEFAULT_PAGE_PORT = 8730;

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string' }, 'admin-url': { type: 'string' }, 'page-port': { type: 'string' }, till: { type: 'string' }, shop: { type: 'string' },
    'shop-name': { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' }, id: { type: 'string' }, name: { type: 'string' },
    role: { type: 'string' }, pin: { type: 'string' }, inactive: { type: 'boolean' },
  },
});

function adminUrl(): string {
  const file = join(o.dir ?? defaultTrialDir(), 'admin-url');
  const url = o['admin-url'] ?? process.env.HEADOFFICE_ADMIN_URL ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
  if (!url) throw new Error(`no admin connection: give --admin-url postgres://${CLUSTER_ADMIN}:…@host:port/db, set HEADOFFICE_ADMIN_URL, or start "trial" first`);
  return url;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function need(name: 'till' | 'shop' | 'id' | 'name' | 'role'): string {
  const v = o[name];
  if (!v) throw new Error(`--${name} is required`);
  return v;
}

async function main(): Promise<void> {
  const cmd = positionals[0];
  const pagePort = o['page-port'] ? Number(o['page-port']) : DEFAULT_PAGE_PORT;
  switch (cmd) {
    case 'trial': {
      const dir = o.dir ?? defaultTrialDir();
      const cluster = await startCluster({ dir });
      writeFileSync(join(dir, 'admin-url'), cluster.adminUrl, { mode: 0o600 });
      const c = new pg.Client({ connectionString: cluster.adminUrl });
      await c.connect();
      const m = await migrateHeadOffice(c);
      await c.end();
      const page = await startPageServer({ adminUrl: cluster.adminUrl, port: pagePort });
      console.log(`head office (trial) running: PostgreSQL ${cluster.url} (data in ${dir})${m.applied.length ? `, schema ${m.applied.join(', ')}` : ''}`);
      console.log(`report page: ${page.url}`);
      console.log(`enrol a till:  npm run headoffice -- enroll --till S1-T01 --shop S1   (then Settings → 总部 on the till: URL ${cluster.url})`);
      const stop = async () => {
        await page.close();
        await cluster.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      return;
    }
    case 'migrate': {
      const r = await withAdmin((c) => migrateHeadOffice(c));
      console.log(r.applied.length ? `applied ${r.applied.join(', ')}` : `schema is up to date (version ${r.version})`);
      return;
    }
    case 'enroll': {
      const e = await withAdmin((c) => enrollTill(c, { tillId: need('till'), shopId: need('shop'), shopName: o['shop-name'] }));
      console.log(`till ${e.tillId} (shop ${e.shopId}) enrolled as role ${e.role}.\ncredential (shown once; enter it in the till's Settings → 总部): ${e.credential}`);
      return;
    }
    case 'rotate': {
      const e = await withAdmin((c) => rotateCredential(c, need('till')));
      console.log(`new credential for till ${e.tillId} (the old one no longer works): ${e.credential}`);
      return;
    }
    case 'report': {
      const r = await withAdmin((c) => dayReport(c, o.date ?? localDate()));
      process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : reportText(r));
      return;
    }
    case 'verify-audit': {
      const rows = await withAdmin((c) => verifyCentralAudit(c));
      let bad = 0;
      for (const a of rows) {
        if (!a.check.ok) bad++;
        console.log(`${a.tillId}: ${a.check.ok ? `intact, ${a.check.entries} entries` : `BROKEN at entry ${a.check.firstBrokenSeq}: ${a.check.reason}`}`);
      }
      if (bad) process.exitCode = 1;
      return;
    }
    case 'serve': {
      const page = await startPageServer({ adminUrl: adminUrl(), port: pagePort });
      console.log(`report page: ${page.url}`);
      return;
    }
    case 'catalogue': {
      const file = positionals[1];
      if (!file) throw new Error('give the catalogue file: catalogue FILE.csv|FILE.xlsx');
      const format = extname(file).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv';
      const r = await withAdmin((c) => importCentralCatalogue(c, readFileSync(file), format));
      if (!r.ok) {
        for (const p of r.problems) console.error(`row ${p.row}${p.column ? `, column ${p.column}` : ''}: ${p.reason}`);
        throw new Error(`${r.problemCount} problem(s) in ${file}: nothing was imported`);
      }
      console.log(`catalogue: ${r.added} added, ${r.updated} updated; tills take it at their next pull`);
      return;
    }
    case 'cashier': {
      const role = need('role');
      if (role !== 'cashier' && role !== 'manager') throw new Error('--role must be cashier or manager');
      await withAdmin((c) => saveCentralCashier(c, { id: need('id'), name: need('name'), role, pin: o.pin, active: !o.inactive }));
      console.log(`cashier ${o.id} saved; tills take it at their next pull`);
      return;
    }
    default:
      throw new Error(`unknown command "${cmd ?? ''}": trial, migrate, enroll, rotate, report, verify-audit, serve, catalogue, cashier`);
  }
}

main().catch((err: unknown) => {
  console.error(`headoffice: ${(err as Error).message}`);
  process.exit(1);
});
