// One simulated till: the real engine, journal and callback receiver in a child process, doing
// its share of the seeded checkouts through the fault proxy. The parent may SIGKILL it at any
// moment; started again, it recovers (engine.recover) and goes on with the next checkout.
// Protocol on stdout: `PLAN_DONE` when every checkout was started, `DRAINED` when nothing is owed.
import { Journal } from '../../../electron/journal/journal.js';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { md5Signer } from '../../../electron/gateway/sign.js';
import { PaymentEngine, type EngineConfig } from '../../../electron/checkout/engine.js';
import { startNotifyReceiver } from '../../../electron/notify/receiver.js';
import { PosError } from '../../../shared/ipc/errors.js';
import { checkoutOf, codeFor } from './plan.js';

export interface ChildConfig {
  seed: number;
  till: number;
  terminalId: string;
  journalPath: string;
  journalId: string;
  gatewayUrl: string;
  appId: string;
  secret: string;
  merchantNo: string;
  notifyPort: number;
  checkouts: number;
  config: Partial<EngineConfig>;
}

/** A till that cannot drain its owed work in this long has a bug (or the gateway never calms). */
const DRAIN_LIMIT_MS = 60_000;
/** After a refusal for being offline, the next customer comes when the gateway answers again (or after this). */
const OFFLINE_PAUSE_MS = 2_000;
const POLL_MS = 10;

const cfg = JSON.parse(process.env['SIM_CHILD'] ?? '{}') as ChildConfig;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const journal = Journal.open({ path: cfg.journalPath, terminalId: cfg.terminalId, journalId: cfg.journalId });
  const gateway = createGatewayClient({ gatewayUrl: cfg.gatewayUrl, appId: cfg.appId, signType: 'MD5', secret: cfg.secret });
  let engine: PaymentEngine | null = null;
  const receiver = await startNotifyReceiver({
    port: cfg.notifyPort,
    path: '/notify',
    signer: md5Signer(cfg.secret),
    apply: (n) => (engine ? engine.applyPaidNotice(n) : Promise.resolve('unknown_order' as const)),
  });
  engine = new PaymentEngine({ journal, gateway, merchantNo: cfg.merchantNo, terminalId: cfg.terminalId, notifyUrl: receiver.url, config: cfg.config });
  await engine.recover();
  engine.startReconciler();

  // Checkouts already started before a crash carry their index in the sale note.
  const notes = journal.db.prepare(`SELECT note FROM sales WHERE note LIKE 'sim:%'`).all() as { note: string }[];
  const start = notes.reduce((m, r) => Math.max(m, Number(/^sim:(\d+)/.exec(r.note)?.[1] ?? -1)), -1) + 1;

  for (let i = start; i < cfg.checkouts; i++) await checkout(engine, journal, i);
  process.stdout.write('PLAN_DONE\n');

  const limit = Date.now() + DRAIN_LIMIT_MS;
  while (journal.openWork().length > 0) {
    if (Date.now() > limit) throw new Error(`${cfg.terminalId}: still owes ${journal.openWork().length} call(s) after ${DRAIN_LIMIT_MS} ms`);
    await sleep(POLL_MS * 5);
  }
  process.stdout.write('DRAINED\n');
  await engine.stop();
  await receiver.close();
  journal.close();
}

async function checkout(engine: PaymentEngine, journal: Journal, i: number): Promise<void> {
  const c = checkoutOf(cfg.seed, cfg.till, i);
  const note = `sim:${i}`;
  try {
    if (c.kind === 'cash') {
      const cash = engine.cash({ amountFen: c.amountFen, tenderedFen: c.tenderedFen, note });
      if (c.refund !== 'none') await engine.refund({ outTradeNo: cash.outTradeNo, ...(c.refund === 'partial' ? { amountFen: Math.max(1, Math.floor(c.amountFen / 3)) } : {}) });
      return;
    }
    const v =
      c.kind === 'scan'
        ? await engine.startScan({ amountFen: c.amountFen, authCode: codeFor(c.channel, c.suffix, cfg.seed, cfg.till, i), note })
        : await engine.startQr({ amountFen: c.amountFen, method: c.method, note });
    const waiting = () => {
      const a = journal.attempt(v.outTradeNo)!;
      return (a.state === 'created' || a.state === 'pending') && (a.deadlineAtMs === null || a.deadlineAtMs > Date.now());
    };
    if (c.kind === 'qr' && v.qrUrl && c.customer !== 'none') {
      const url = v.qrUrl;
      const action = c.customer;
      setTimeout(() => void fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `action=${action}` }).catch(() => undefined), c.actAfterMs);
    }
    if (c.cancelAfterMs !== null) {
      await sleep(c.cancelAfterMs);
      if (waiting()) await engine.cancel(v.outTradeNo).catch((e: unknown) => ignoreExpected(e));
    }
    while (waiting()) await sleep(POLL_MS);
    if (c.refund !== 'none' && journal.attempt(v.outTradeNo)!.state === 'paid') {
      await engine.refund({ outTradeNo: v.outTradeNo, ...(c.refund === 'partial' ? { amountFen: Math.max(1, Math.floor(c.amountFen / 3)) } : {}) }).catch((e: unknown) => ignoreExpected(e));
    }
  } catch (e) {
    // Offline: the cashier takes cash instead (cash goes on while the gateway is unreachable).
    if (e instanceof PosError && e.code === 'offline' && c.kind !== 'cash') {
      engine.cash({ amountFen: c.amountFen, tenderedFen: c.amountFen, note: `${note}:cash` });
      const until = Date.now() + OFFLINE_PAUSE_MS;
      while (!engine.isOnline().online && Date.now() < until) await sleep(POLL_MS * 5);
      return;
    }
    throw e;
  }
}

function ignoreExpected(e: unknown): void {
  // offline: the refund or cancel is refused while the gateway is unreachable; conflict: the
  // payment ended (or a reverse is owed) between the look and the action. Both are fine here.
  if (e instanceof PosError && (e.code === 'offline' || e.code === 'conflict')) return;
  throw e;
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${cfg.terminalId} failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
