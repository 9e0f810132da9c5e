// The seeded fault simulation (issue 4 "Proof"): several tills (engine child processes, each with
// its own journal) do seeded checkouts of every scenario against the real sandbox through the
// fault proxy; tills are SIGKILLed at random points and at chosen requests, then started again
// to recover. At the end the proxy calms down, the tills drain their owed work, and the
// invariants are checked against the sandbox ledger. Same seed → same plan and same faults.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../../electron/sandbox/server.js';
import { Journal } from '../../../electron/journal/journal.js';
import type { EngineConfig } from '../../../electron/checkout/engine.js';
import type { ChildConfig } from './child.js';
import { checkInvariants, formatTable, type InvariantRow } from './check.js';
import { Dice } from './prng.js';
import { startFaultProxy, type Fault, type FaultRates } from './proxy.js';

export interface SimOptions {
  seed: number;
  /** Checkouts in all, shared out over the tills. */
  checkouts: number;
  tills: number;
  /** SIGKILLs per till (at requests and at random moments). */
  killsPerTill: number;
  /** Real-time budget for the whole run. */
  limitMs: number;
  rates?: Partial<FaultRates>;
  /** Gateway outages (all requests dropped) during the run. */
  outages?: number;
  /** Outages start within this many ms of the start (default 6 s: a CI run lasts ~20 s). */
  outageWindowMs?: number;
  log?: (line: string) => void;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  rows: InvariantRow[];
  table: string;
  faults: Record<string, number>;
  kills: number;
  elapsedMs: number;
  checkouts: number;
  attempts: number;
  errors: string[];
}

/** Sandbox second = 10 real ms: confirm/cancel after 100 ms, the slow answer after 300 ms. */
export const SIM_TIME_SCALE = 0.01;
export const SIM_ENGINE: Partial<EngineConfig> = {
  requestTimeoutMs: 150,
  queryIntervalMs: 30,
  payDeadlineMs: 450,
  qrDeadlineMs: 350,
  reverseBackoff: { firstMs: 20, factor: 2, maxMs: 250 },
  refundBackoff: { firstMs: 20, factor: 2, maxMs: 250 },
  reconcileIntervalMs: 100,
  offlineAfterFailures: 3,
  probeIntervalMs: 60,
  tickMs: 0,
  // 300 sandbox seconds, the default's 5 min at this time scale: past the 07 landing (60 s).
  notFoundHorizonMs: 3_000,
};
const DEFAULT_RATES: FaultRates = { transport: 0.18, lateLanding: 0.35, kill: 0.006 };
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const STDERR_TAIL_CHARS = 4000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const log = o.log ?? (() => undefined);
  const t0 = Date.now();
  const dice = new Dice(o.seed, 'sim');
  const dir = mkdtempSync(join(tmpdir(), 'pos-fault-'));
  const sandbox = await startSandbox({ timeScale: SIM_TIME_SCALE });
  const errors: string[] = [];
  const tills = Array.from({ length: o.tills }, (_, k) => ({
    k,
    terminalId: `T${k + 1}`,
    journalPath: join(dir, `till${k + 1}.db`),
    journalId: `S${(o.seed >>> 0).toString(36).padStart(6, '0').slice(-6)}${k}`,
    checkouts: Math.floor(o.checkouts / o.tills) + (k < o.checkouts % o.tills ? 1 : 0),
    killsLeft: o.killsPerTill,
    child: null as ChildProcess | null,
    planDone: false,
    drained: false,
    exited: null as Promise<void> | null,
    notifyPort: 0,
    runs: 0,
  }));
  let calm = false;
  let kills = 0;
  const outages: Array<[number, number]> = [];
  for (let i = 0; i < (o.outages ?? 1); i++) {
    const start = dice.int(500, o.outageWindowMs ?? 6_000);
    outages.push([start, start + dice.int(200, 900)]);
  }

  const killTill = (terminalId: string): boolean => {
    const t = tills.find((x) => x.terminalId === terminalId);
    if (!t || calm || t.killsLeft <= 0 || !t.child || t.child.exitCode !== null) return false;
    t.killsLeft--;
    kills++;
    log(`kill ${terminalId} (run ${t.runs})`);
    t.child.kill('SIGKILL');
    return true;
  };

  const proxy = await startFaultProxy({
    seed: o.seed,
    sandbox,
    clientTimeoutMs: SIM_ENGINE.requestTimeoutMs!,
    rates: { ...DEFAULT_RATES, ...o.rates },
    kill: killTill,
    outages,
  });

  const allDone = new Promise<void>((resolveAll, rejectAll) => {
    const check = () => {
      if (!calm && tills.every((t) => t.planDone)) {
        calm = true;
        proxy.calm();
        log('every till finished its plan: faults off, draining');
      }
      if (tills.every((t) => t.drained)) resolveAll();
    };
    const spawnTill = (t: (typeof tills)[number]) => {
      t.runs++;
      const cfg: ChildConfig = {
        seed: o.seed,
        till: t.k,
        terminalId: t.terminalId,
        journalPath: t.journalPath,
        journalId: t.journalId,
        gatewayUrl: proxy.url,
        appId: sandbox.appId,
        secret: sandbox.secret,
        merchantNo: sandbox.merchantNo,
        notifyPort: t.notifyPort,
        checkouts: t.checkouts,
        config: SIM_ENGINE,
      };
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, SIM_CHILD: JSON.stringify(cfg) }, stdio: ['ignore', 'pipe', 'pipe'] });
      t.child = child;
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-STDERR_TAIL_CHARS)));
      child.stdout!.on('data', (c: Buffer) => {
        const text = c.toString();
        if (text.includes('PLAN_DONE')) t.planDone = true;
        if (text.includes('DRAINED')) t.drained = true;
        check();
      });
      // A kill at a random moment of this run (start-up, mid-transaction, mid-request…).
      const d = new Dice(o.seed, `randomkill|${t.k}|${t.runs}`);
      if (d.chance(0.5)) {
        const timer = setTimeout(() => killTill(t.terminalId), d.int(300, 4_000));
        child.once('exit', () => clearTimeout(timer));
      }
      child.once('exit', (code, signal) => {
        if (signal === 'SIGKILL') {
          t.planDone = false;
          setTimeout(() => spawnTill(t), 20); // restart: it recovers and goes on
          return;
        }
        if (code !== 0) {
          errors.push(`${t.terminalId} exited with ${code}: ${stderr.trim().slice(-1500)}`);
          rejectAll(new Error(errors.at(-1)));
          return;
        }
        t.drained = true;
        check();
      });
    };
    void (async () => {
      for (const t of tills) t.notifyPort = await freePort();
      for (const t of tills) spawnTill(t);
    })();
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      allDone,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`simulation did not finish within ${o.limitMs} ms`)), o.limitMs);
      }),
    ]);
  } catch (e) {
    if (!errors.includes((e as Error).message)) errors.push((e as Error).message);
  } finally {
    clearTimeout(timer);
    calm = true;
    for (const t of tills) if (t.child && t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
  }

  // Give late callbacks and the sandbox's own timers a moment, then judge.
  await new Promise((r) => setTimeout(r, 100));
  const journals = tills.map((t) => Journal.open({ path: t.journalPath, terminalId: t.terminalId }));
  const rows = checkInvariants(journals, sandbox.ledger.orders(), tills.map((t) => t.terminalId));
  const attempts = journals.reduce((n, j) => n + (j.db.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n, 0);
  for (const j of journals) j.close();
  await proxy.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });

  const faults: Record<string, number> = {};
  for (const [k, v] of proxy.counts as Map<Fault, number>) faults[k] = v;
  const ok = errors.length === 0 && rows.every((r) => r.failures === 0);
  return { seed: o.seed, ok, rows, table: formatTable(rows), faults, kills, elapsedMs: Date.now() - t0, checkouts: o.checkouts, attempts, errors };
}

export function report(r: SimResult): string {
  const faults = Object.entries(r.faults)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return [
    `fault simulation seed=${r.seed}: ${r.checkouts} checkouts, ${r.attempts} attempts, ${r.kills} kills, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `requests by fault: ${faults}`,
    r.table,
    ...r.errors.map((e) => `ERROR ${e}`),
    r.ok ? 'all invariants hold' : `FAILED — replay with: FAULT_SEED=${r.seed} (npm run soak -- --seed ${r.seed} --checkouts ${r.checkouts})`,
  ].join('\n');
}
