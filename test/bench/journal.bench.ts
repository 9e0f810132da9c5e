// Journal benchmarks (issue 4). Figures only; nothing here fails a test run.
//  1. A durable journal transition (state change + transition log + outbox + audit entry, one
//     transaction, WAL + synchronous=FULL) vs a bare better-sqlite3 INSERT with the same pragmas,
//     in the same run, on the same disk. Goal ≤ 1.2×.
//  2. Recovery at start with 1,000,000 journal rows: open (migration check) + read the open work
//     and the non-final attempts. Goal < 100 ms.
//  3. Per-shift totals per channel over 1,000,000 rows: a typical shift (1,000 shifts in the
//     journal) and the worst case (one shift holding every row). Goal < 200 ms.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Journal } from '../../electron/journal/journal.js';
import type { BenchLine } from './harness.js';

const TRANSITIONS = 400;
const BIG_ROWS = 1_000_000;
const SHIFTS = 1_000;
const OPEN_ATTEMPTS = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => void, runs: number): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

/** Fills a journal with `rows` sales and paid attempts (one transition each) by SQL, quickly. */
function fill(j: Journal, rows: number, shiftOf: (i: string) => string): void {
  const channels = `CASE x % 3 WHEN 0 THEN 'weixin' WHEN 1 THEN 'alipay' ELSE 'cash' END`;
  j.db.exec(`
    BEGIN;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${rows})
    INSERT INTO sales (id, created_at, business_date, shift_id, terminal_id, amount_fen)
      SELECT x, '2025-06-01T00:00:00.000Z', printf('2025-%02d-%02d', 1 + (x / 100000) % 12, 1 + (x / 4000) % 28), ${shiftOf('x')}, 'T01', 100 + x % 9900 FROM n;
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${rows})
    INSERT INTO attempts (id, out_trade_no, sale_id, kind, channel, method, amount_fen, state, created_at, updated_at, final_at, business_date, shift_id, terminal_id)
      SELECT x, 'T01_bench_P' || x, x, CASE x % 3 WHEN 2 THEN 'cash' ELSE 'scan' END, ${channels}, 'm', 100 + x % 9900,
        CASE WHEN x % 50 = 0 THEN 'refunded' WHEN x % 20 = 0 THEN 'closed' ELSE 'paid' END,
        '2025-06-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z',
        printf('2025-%02d-%02d', 1 + (x / 100000) % 12, 1 + (x / 4000) % 28), ${shiftOf('x')}, 'T01' FROM n;
    INSERT INTO attempt_transitions (attempt_id, at, from_state, to_state, source) SELECT id, created_at, NULL, state, 'scan' FROM attempts;
    COMMIT;
  `);
  // A few hundred attempts still open, with their owed work, as after a crash.
  for (let i = 0; i < OPEN_ATTEMPTS; i++) {
    j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100 + i, shiftId: 1, settleDueAtMs: i });
  }
  j.db.pragma('wal_checkpoint(TRUNCATE)');
  j.db.exec('ANALYZE');
}

export default async function (): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-journal-bench-'));
  const lines: BenchLine[] = [];
  try {
    // ---- 1. durable transition vs bare insert
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
    // Interleaved, so both see the same disk weather.
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
    const mj = median(tj);
    const mb = median(tb);
    const ratio = mj / mb;
    lines.push({ name: 'durable journal transition (median)', value: mj, unit: 'ms', goal: 'figure', met: true });
    lines.push({ name: 'bare insert, same pragmas (median)', value: mb, unit: 'ms', goal: 'figure', met: true });
    lines.push({ name: 'journal transition / bare insert', value: ratio, unit: '×', goal: '≤ 1.20×', met: ratio <= 1.2 });

    // ---- 2 + 3a. 1,000,000 rows over 1,000 shifts
    const bigPath = join(dir, 'big.db');
    const big = Journal.open({ path: bigPath, terminalId: 'T01' });
    fill(big, BIG_ROWS, (x) => `1 + ${x} % ${SHIFTS}`);
    big.close();
    const recoverMs = timeIt(() => {
      const r = Journal.open({ path: bigPath, terminalId: 'T01' });
      const work = r.openWork();
      const open = r.openAttempts();
      if (work.length !== OPEN_ATTEMPTS || open.length !== OPEN_ATTEMPTS) throw new Error(`recovery read ${work.length}/${open.length} rows`);
      r.close();
    }, 7);
    lines.push({ name: `recovery at start (open + owed work), ${BIG_ROWS} rows`, value: recoverMs, unit: 'ms', goal: '< 100 ms', met: recoverMs < 100 });

    const jb = Journal.open({ path: bigPath, terminalId: 'T01' });
    const shiftMs = timeIt(() => void jb.channelTotals({ shiftId: 500 }), 9);
    lines.push({ name: `per-shift totals, ${BIG_ROWS} rows in ${SHIFTS} shifts`, value: shiftMs, unit: 'ms', goal: '< 200 ms', met: shiftMs < 200 });
    const dayMs = timeIt(() => void jb.channelTotals({ businessDate: '2025-03-05' }), 9);
    lines.push({ name: `per-day totals, ${BIG_ROWS} rows`, value: dayMs, unit: 'ms', goal: '< 200 ms', met: dayMs < 200 });
    jb.close();

    // ---- 3b. worst case: one shift holding all 1,000,000 rows
    const onePath = join(dir, 'one-shift.db');
    const one = Journal.open({ path: onePath, terminalId: 'T01' });
    fill(one, BIG_ROWS, () => '1');
    const oneMs = timeIt(() => void one.channelTotals({ shiftId: 1 }), 5);
    lines.push({ name: `per-shift totals, one shift of ${BIG_ROWS} rows`, value: oneMs, unit: 'ms', goal: '< 200 ms', met: oneMs < 200 });
    one.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
