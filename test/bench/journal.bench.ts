// Journal benchmarks on a file shaped like the app's own after a few years at a busy till:
// 1,000,000 orders (sales, some with lines; scan attempts with their two transitions, closed outbox
// rows, two audit entries each; cash with its tender; declines, closes, reversals and refunds), the
// last 36,000 in the open shift. Written by SQL for speed, in the app's schema, and NOT analysed:
// the statistics are only what the app itself makes (PRAGMA optimize at open). Then what the app
// does, by the functions it calls: open + recovery, the X report of the 36,000-order shift, a
// 日结, history's first page and a search by order number (whole and tail). p50 and p99.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Journal } from '../../electron/journal/journal.js';
import { orderNumberKey } from '../../electron/journal/migrations/006_order_number_suffix.js';
import { ShiftService } from '../../electron/shift/service.js';
import { ManagerPin } from '../../electron/app/manager-pin.js';
import { goodsSection } from '../../electron/goods/report.js';
import { percentile, sorted, type BenchLine } from './harness.js';

const TRANSITIONS = 400;
const ORDERS = 1_000_000;
/** The open shift's orders (the X report's size): a busy day at a big till. */
const OPEN_SHIFT_ORDERS = 36_000;
/** Days the older orders spread over (about 3,200 a day). */
const DAYS = 300;
const OPEN_ATTEMPTS = 200;
const JOURNAL_ID = 'bench001';

const ms = (x: number) => Number(x.toFixed(3));

function goal(name: string, xs: number[], p50Goal: number, p99Goal: number): BenchLine[] {
  const s = sorted(xs);
  const p50 = percentile(s, 50);
  const p99 = percentile(s, 99);
  return [
    { name: `${name}, p50`, value: ms(p50), unit: 'ms', goal: `< ${p50Goal} ms`, met: p50 < p50Goal },
    { name: `${name}, p99`, value: ms(p99), unit: 'ms', goal: `< ${p99Goal} ms`, met: p99 < p99Goal },
  ];
}

async function times(runs: number, fn: () => unknown): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return xs;
}

/** The app-shaped file. Order i (1-based) is attempt i of sale i; the last OPEN_SHIFT_ORDERS are in shift `openShift`. */
function fill(db: Database.Database, openShift: number, today: string): void {
  db.function('order_key', { deterministic: true }, (no: unknown) => orderNumberKey(String(no)));
  const older = ORDERS - OPEN_SHIFT_ORDERS;
  const date = (x: string) => `CASE WHEN ${x} > ${older} THEN '${today}' ELSE date('2025-01-01', '+' || ((${x} * ${DAYS}) / ${older}) || ' days') END`;
  const shift = (x: string) => `CASE WHEN ${x} > ${older} THEN ${openShift} ELSE NULL END`;
  const channel = `CASE x % 20 WHEN 0 THEN 'unionpay' WHEN 1 THEN 'qq' WHEN 2 THEN 'cash' WHEN 3 THEN 'cash' WHEN 4 THEN 'cash' WHEN 5 THEN 'cash' WHEN 6 THEN 'cash' ELSE CASE x % 2 WHEN 0 THEN 'weixin' ELSE 'alipay' END END`;
  db.exec(`
    BEGIN;
    CREATE TEMP TABLE n AS WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < ${ORDERS}) SELECT x FROM s;
    INSERT INTO sales (id, created_at, business_date, shift_id, terminal_id, amount_fen, note)
      SELECT x, ${date('x')} || 'T03:00:00.000Z', ${date('x')}, ${shift('x')}, 'T01', 100 + x % 9900, NULL FROM n;
    INSERT INTO sale_lines (sale_id, line_no, name, barcode, qty, unit_fen)
      SELECT x, 1, '商品 ' || (x % 500), '69' || printf('%011d', x % 500), 1, 100 + x % 9900 FROM n WHERE x % 10 < 3;
    INSERT INTO attempts (id, out_trade_no, out_trade_no_rev, sale_id, kind, channel, method, amount_fen, state, trade_no, masked_auth_code,
        created_at, updated_at, final_at, business_date, shift_id, terminal_id, confirmed_by, confirmed_at)
      SELECT x, 'T01_${JOURNAL_ID}_P' || x, order_key('T01_${JOURNAL_ID}_P' || x), x,
        CASE ch WHEN 'cash' THEN 'cash' WHEN 'weixin' THEN 'scan' WHEN 'alipay' THEN 'scan' ELSE 'qr' END, ch,
        CASE ch WHEN 'cash' THEN 'cash' WHEN 'weixin' THEN 'weixin.scan_qr_code_pay' WHEN 'alipay' THEN 'alipay.scan_qr_code_pay' ELSE ch || '.pay' END,
        100 + x % 9900, st, CASE WHEN ch = 'cash' THEN NULL ELSE 'GW' || x END, CASE WHEN ch IN ('weixin', 'alipay') THEN '1345**********6700' END,
        d || 'T03:00:00.000Z', d || 'T03:00:02.000Z', d || 'T03:00:02.000Z', d, ${shift('x')}, 'T01',
        CASE WHEN ch = 'alipay' AND st = 'paid' THEN 'callback' END, CASE WHEN ch = 'alipay' AND st = 'paid' THEN d || 'T03:00:03.000Z' END
      FROM (SELECT x, ch, d, CASE WHEN ch = 'cash' THEN 'paid' WHEN x % 97 = 0 THEN 'declined' WHEN x % 89 = 0 THEN 'closed' WHEN x % 83 = 0 THEN 'refunded' ELSE 'paid' END AS st
            FROM (SELECT x, ${channel} AS ch, ${date('x')} AS d FROM n));
    COMMIT;
  `);
  const seq0 = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM audit_log').get() as { s: number }).s;
  db.exec(`
    BEGIN;
    INSERT INTO cash_tenders (attempt_id, tendered_fen, change_fen) SELECT id, amount_fen, 0 FROM attempts WHERE channel = 'cash';
    INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source) SELECT id, created_at, NULL, 'created', 'create' FROM attempts WHERE channel <> 'cash';
    INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source)
      SELECT id, updated_at, CASE WHEN channel = 'cash' THEN NULL ELSE 'created' END, state, CASE WHEN channel = 'cash' THEN 'cash' ELSE 'scan' END FROM attempts;
    INSERT INTO outbox (subject, ref, action, due_at_ms, tries, opened_at, closed_at)
      SELECT 'attempt', out_trade_no, 'settle', 0, 0, created_at, updated_at FROM attempts WHERE channel <> 'cash';
    INSERT INTO refunds (out_refund_no, attempt_id, channel, amount_fen, state, reason, answer, created_at, updated_at, business_date, shift_id, terminal_id)
      SELECT 'T01_${JOURNAL_ID}_R' || id, id, channel, 50, 'succeeded', NULL, 'ok', updated_at, updated_at, business_date, shift_id, 'T01' FROM attempts WHERE id % 53 = 0 AND state = 'paid';
    INSERT INTO audit_log (seq, at, kind, subject, data, prev_hash, hash)
      SELECT ${seq0} + id * 2 - 1, created_at, 'attempt.created', out_trade_no, json_object('saleId', sale_id, 'kind', kind, 'channel', channel, 'method', method, 'amountFen', amount_fen, 'state', 'created', 'shiftId', shift_id, 'maskedAuthCode', masked_auth_code),
        lower(hex(randomblob(32))), lower(hex(randomblob(32))) FROM attempts;
    INSERT INTO audit_log (seq, at, kind, subject, data, prev_hash, hash)
      SELECT ${seq0} + id * 2, updated_at, 'attempt.transition', out_trade_no, json_object('from', 'created', 'to', state, 'source', 'scan', 'reason', NULL, 'reasonCode', NULL, 'tradeNo', trade_no, 'amountFen', amount_fen),
        lower(hex(randomblob(32))), lower(hex(randomblob(32))) FROM attempts;
    COMMIT;
  `);
}

export default async function (): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-journal-bench-'));
  const lines: BenchLine[] = [];
  try {
    // ---- 1. a durable transition vs a bare insert with the same pragmas (one fsync each)
    const j = Journal.open({ path: join(dir, 'transitions.db'), terminalId: 'T01' });
    const nos: string[] = [];
    for (let i = 0; i < TRANSITIONS; i++) nos.push(j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100 + i, settleDueAtMs: 0 }).outTradeNo);
    const bare = new Database(join(dir, 'bare.db'));
    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, no TEXT NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL) STRICT');
    const ins = bare.prepare('INSERT INTO t (no, state, at) VALUES (?, ?, ?)');
    const tj: number[] = [];
    const tb: number[] = [];
    for (let i = 0; i < TRANSITIONS; i++) {
      let t = performance.now();
      j.transition(nos[i]!, 'paid', { source: 'scan', tradeNo: `GW${i}` });
      tj.push(performance.now() - t);
      t = performance.now();
      ins.run(nos[i]!, 'paid', new Date().toISOString());
      tb.push(performance.now() - t);
    }
    bare.close();
    j.close();
    const ratio = percentile(sorted(tj), 50) / percentile(sorted(tb), 50);
    lines.push({ name: 'durable journal transition / bare insert, same pragmas (p50)', value: ms(ratio), unit: '×', goal: '≤ 1.20×', met: ratio <= 1.2 });
    lines.push({ name: '  durable journal transition, p50', value: ms(percentile(sorted(tj), 50)), unit: 'ms', figure: true });
    lines.push({ name: '  bare insert, p50', value: ms(percentile(sorted(tb), 50)), unit: 'ms', figure: true });

    // ---- 2. the app-shaped 1,000,000-order file
    const path = join(dir, 'big.db');
    const today = new Date().toLocaleDateString('sv-SE');
    let openShift = 0;
    {
      const app = Journal.open({ path, terminalId: 'T01', journalId: JOURNAL_ID });
      const pin = new ManagerPin(dir);
      const shifts = new ShiftService({ journal: app, gateway: null, merchantNo: '', checkManagerPin: (p) => pin.check(p) });
      await shifts.addCashier({ id: 'C01', name: 'bench', pin: '1234' }, '0000');
      await shifts.signIn('C01', '1234');
      openShift = shifts.open(0).shiftId;
      const t0 = performance.now();
      fill(app.db, openShift, today);
      lines.push({ name: `  writing the ${ORDERS}-order file by SQL`, value: Math.round(performance.now() - t0), unit: 'ms', figure: true });
      // A few hundred payments still in the air, as after a crash.
      for (let i = 0; i < OPEN_ATTEMPTS; i++) app.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100 + i, shiftId: openShift, settleDueAtMs: i });
      // The head office's replication log (migration 090) holds only what is not yet sent: a till
      // without a head office empties it at every start, one with a head office once acknowledged.
      lines.push({ name: '  replication log entries the SQL writing left (emptied, as the app does)', value: app.repos.replication.discardUnsent(), unit: 'rows', figure: true });
      app.db.pragma('wal_checkpoint(TRUNCATE)');
      // Closed without the app's close (a power cut): no statistics were ever gathered.
      app.db.close();
    }
    // The only statistics are those the app's own open made of the empty file (PRAGMA optimize):
    // none describes the million rows until the app's next open gathers them.
    const stat = new Database(path, { readonly: true });
    const hasStat = (stat.prepare(`SELECT COUNT(*) AS n FROM sqlite_schema WHERE name = 'sqlite_stat1'`).get() as { n: number }).n > 0;
    const rowsKnown = hasStat ? ((stat.prepare('SELECT COALESCE(MAX(CAST(stat AS INTEGER)), 0) AS n FROM sqlite_stat1').get() as { n: number }).n) : 0;
    stat.close();
    lines.push({ name: 'rows the planner statistics know of before the app opens the file', value: rowsKnown, unit: 'rows', goal: '< 1000 (no ANALYZE of the big file)', met: rowsKnown < 1000 });

    // Open + recovery's reads, the first time (PRAGMA optimize gathers what it needs) and after.
    const recover = () => {
      const r = Journal.open({ path, terminalId: 'T01' });
      const work = r.openWork();
      const open = r.openAttempts();
      if (work.length !== OPEN_ATTEMPTS || open.length !== OPEN_ATTEMPTS) throw new Error(`recovery read ${work.length}/${open.length} rows`);
      r.durability.flush();
      r.db.close();
    };
    const first = await times(1, recover);
    lines.push({ name: `first open + recovery reads of the ${ORDERS}-order file (optimize runs)`, value: ms(first[0]!), unit: 'ms', goal: '< 2000 ms', met: first[0]! < 2000 });
    lines.push(...goal(`open + recovery reads, ${ORDERS} orders`, await times(15, recover), 100, 250));

    const app = Journal.open({ path, terminalId: 'T01' });
    const pin = new ManagerPin(dir);
    const shifts = new ShiftService({ journal: app, gateway: null, merchantNo: '', checkManagerPin: (p) => pin.check(p) });
    await shifts.signIn('C01', '1234');
    const x = shifts.xReport({ managerPin: '0000' });
    const counted = x.channels.reduce((n, c) => n + c.salesCount, 0);
    if (counted < OPEN_SHIFT_ORDERS * 0.9) throw new Error(`X report counted ${counted} sales`);
    lines.push(...goal(`X report of the open shift (${OPEN_SHIFT_ORDERS} orders), ShiftService.xReport`, await times(15, () => shifts.xReport({ managerPin: '0000' })), 200, 400));
    // The goods section's share of it (issue 11: top items and categories from the sale lines).
    const shiftId = x.shiftIds[0]!;
    lines.push(...goal(`goods section of that X report, goodsSection`, await times(15, () => goodsSection(app.db, { shiftId })), 50, 100));
    const pastDay = '2025-06-01';
    lines.push(...goal(`goods section of a past day's 日结, goodsSection`, await times(15, () => goodsSection(app.db, { date: pastDay })), 50, 100));
    lines.push(...goal(`日结 of a past day (~${Math.round((ORDERS - OPEN_SHIFT_ORDERS) / DAYS)} orders), dayReport`, await times(15, () => shifts.dayReport(pastDay, { reconcile: 'none' })), 200, 400));
    lines.push(...goal(`history: first page of all ${ORDERS} orders, journal.search`, await times(30, () => app.search({ limit: 50 })), 50, 100));
    const no = (i: number) => `T01_${JOURNAL_ID}_P${i}`;
    let k = 0;
    lines.push(...goal('history: order number, whole (random orders)', await times(200, () => {
      const r = app.search({ outTradeNo: no(1 + ((k++ * 7919) % ORDERS)) });
      if (r.total !== 1) throw new Error(`whole number found ${r.total}`);
    }), 5, 10));
    lines.push(...goal('history: order number, last 6 characters (as read off a receipt)', await times(200, () => {
      const r = app.search({ outTradeNo: no(100_000 + ((k++ * 7919) % 900_000)).slice(-6) });
      if (r.total < 1) throw new Error('tail found nothing');
    }), 5, 10));
    lines.push(...goal('history: order number, last 3 characters (many matches, first page)', await times(50, () => app.search({ outTradeNo: String(100 + (k++ % 900)) })), 5, 10));
    app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
