// The pay round trip as the cashier waits for it: PaymentEngine.startScan (journal the order,
// sign, send, verify, journal the answer, build the view) against the least any till must do —
// one durable commit (a WAL insert with synchronous=FULL: one fsync) and a fetch of the same
// signed request to the same gateway. Measured one by one, alternating, so both sides see the
// same disk and the same load; p50 and p99 compared. With MD5 (the request signed beforehand on
// the raw side: signing is microseconds) and with RSA (the raw side signs too: an RSA signature is
// the one thing a till must compute per request, so it is part of the floor).
import Database from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient, type GatewayConfig } from '../../electron/gateway/client.js';
import { prepareRequest } from '../../electron/gateway/request.js';
import { md5Signer, privateKeyFromPem, publicKeyFromPem, rsaSigner, type Signer } from '../../electron/gateway/sign.js';
import { Journal } from '../../electron/journal/journal.js';
import { PaymentEngine } from '../../electron/checkout/engine.js';
import { percentile, sorted, type BenchLine } from './harness.js';
import { BENCH_APP_ID, BENCH_MERCHANT_NO, BENCH_SECRET, startSandboxProcess } from './sandbox-process.js';

/** Payments per side and signing scheme (bounded: a few seconds each). */
const PAYS = { MD5: 600, RSA: 300 } as const;
const WARMUP = 50;
/** The goal of the issue: the engine adds at most 10% to the floor. */
const RATIO_GOAL = 1.1;
/** p99 is noisier (one fsync stall lands on one side): a looser goal, still a goal. */
const P99_RATIO_GOAL = 1.5;

const APP_ID = BENCH_APP_ID;
const SECRET = BENCH_SECRET;
const MERCHANT_NO = BENCH_MERCHANT_NO;

/** An 18-digit WeChat payment code the sandbox pays at once (its last digits are no scenario). */
function payCode(i: number): string {
  return `13${String(i).padStart(14, '0')}88`;
}

async function run(scheme: 'MD5' | 'RSA', dir: string): Promise<BenchLine[]> {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchantPrivatePem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const sb = await startSandboxProcess({
    appId: APP_ID,
    secret: SECRET,
    merchantNo: MERCHANT_NO,
    ...(scheme === 'RSA' ? { merchantPublicKeyPem: merchant.publicKey.export({ type: 'spki', format: 'pem' }) as string } : {}),
  });
  const journal = Journal.open({ path: join(dir, `pay-${scheme}.db`), terminalId: 'T01' });
  const bare = new Database(join(dir, `bare-${scheme}.db`));
  let engine: PaymentEngine | null = null;
  try {
    const cfg: GatewayConfig =
      scheme === 'MD5'
        ? { gatewayUrl: sb.gatewayUrl, appId: APP_ID, signType: 'MD5', secret: SECRET }
        : { gatewayUrl: sb.gatewayUrl, appId: APP_ID, signType: 'RSA', merchantPrivateKeyPem: merchantPrivatePem, platformPublicKeyPem: sb.platformPublicKeyPem };
    const gateway = createGatewayClient(cfg);
    engine = new PaymentEngine({ journal, gateway, merchantNo: MERCHANT_NO, terminalId: 'T01' });
    const signer: Signer = scheme === 'MD5' ? md5Signer(SECRET) : rsaSigner(privateKeyFromPem(merchantPrivatePem), publicKeyFromPem(sb.platformPublicKeyPem));

    bare.pragma('journal_mode = WAL');
    bare.pragma('synchronous = FULL');
    bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, no TEXT NOT NULL, at TEXT NOT NULL) STRICT');
    const ins = bare.prepare('INSERT INTO t (no, at) VALUES (?, ?)');
    const params = (i: number) => ({ merchant_no: MERCHANT_NO, out_trade_no: `RAW_${process.pid}_${scheme}_${i}`, order_name: 'bench', total_amount: 100 + (i % 900), sub_appid: 'wx1', auth_code: payCode(i), spbill_create_ip: '127.0.0.1' });
    const prepare = (i: number) => {
      const p = prepareRequest('weixin.scan_qr_code_pay', params(i), APP_ID, signer);
      if (!p.ok) throw new Error(p.message);
      return p.request.body;
    };
    const total = WARMUP + PAYS[scheme];
    const bodies = scheme === 'MD5' ? Array.from({ length: total }, (_, i) => prepare(i)) : [];
    const rawOnce = async (i: number) => {
      const body = scheme === 'MD5' ? bodies[i]! : prepare(i);
      ins.run(`RAW_${i}`, new Date().toISOString());
      const res = await fetch(sb.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
      const text = await res.text();
      if (!text.includes('"code":0')) throw new Error(`raw pay failed: ${text.slice(0, 120)}`);
    };
    const engineOnce = async (i: number) => {
      const v = await engine!.startScan({ amountFen: 100 + (i % 900), authCode: payCode(100_000 + i) });
      if (v.state !== 'paid') throw new Error(`engine pay ended ${v.state}: ${v.reason}`);
    };
    const raw: number[] = [];
    const eng: number[] = [];
    for (let i = 0; i < total; i++) {
      // Each side takes its turn at going first.
      const order: Array<[(i: number) => Promise<void>, number[]]> = i % 2 === 0 ? [[rawOnce, raw], [engineOnce, eng]] : [[engineOnce, eng], [rawOnce, raw]];
      for (const [once, into] of order) {
        const t = performance.now();
        await once(i);
        if (i >= WARMUP) into.push(performance.now() - t);
      }
    }
    const r = sorted(raw);
    const e = sorted(eng);
    const p50 = percentile(e, 50) / percentile(r, 50);
    const p99 = percentile(e, 99) / percentile(r, 99);
    const floor = scheme === 'MD5' ? 'fetch + 1 fsync' : 'RSA sign + fetch + 1 fsync';
    return [
      { name: `pay through the engine (${scheme}) vs ${floor}, p50`, value: Number(p50.toFixed(3)), unit: '×', goal: `≤ ${RATIO_GOAL.toFixed(2)}×`, met: p50 <= RATIO_GOAL },
      { name: `pay through the engine (${scheme}) vs ${floor}, p99`, value: Number(p99.toFixed(3)), unit: '×', goal: `≤ ${P99_RATIO_GOAL.toFixed(2)}×`, met: p99 <= P99_RATIO_GOAL },
      { name: `  engine pay ${scheme}, p50 / p99`, value: Number(percentile(e, 50).toFixed(3)), unit: `ms / ${percentile(e, 99).toFixed(3)}`, figure: true },
      { name: `  ${floor}, p50 / p99`, value: Number(percentile(r, 50).toFixed(3)), unit: `ms / ${percentile(r, 99).toFixed(3)}`, figure: true },
    ];
  } finally {
    await engine?.stop();
    journal.close();
    bare.close();
    await sb.stop();
  }
}

export default async function (): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-pay-bench-'));
  try {
    return [...(await run('MD5', dir)), ...(await run('RSA', dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
