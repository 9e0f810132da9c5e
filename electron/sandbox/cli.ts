// npm run sandbox -- --port N --app-id A --secret S --merchant-no M [--time-scale X] [--db FILE]
// Starts the sandbox gateway on 127.0.0.1, prints `gateway_url=…` on a line of its own, then the
// merchant credentials, and stops cleanly on Ctrl-C / SIGTERM. A bad flag: one error line, exit 2.
// Without flags it runs the demo merchant (every channel configured) on DEFAULT_CLI_PORT.
import { checkMerchantId } from '../../shared/merchant-ids.js';
import { startSandbox, LIVE_PROFILE_IDS, DEMO_APP_ID, DEMO_MERCHANT_NO, DEMO_SECRET, type SandboxOptions } from './server.js';

export const DEFAULT_CLI_PORT = 8790;

export interface CliArgs {
  port: number;
  appId: string;
  secret: string;
  merchantNo: string;
  timeScale: number;
  dbPath: string | null;
  verbose: boolean;
  /** --live-profile: the merchant's WeChat ids are required (10005 / 10009 otherwise). */
  liveProfile: boolean;
  subAppId: string;
  subMchId: string;
}

export const USAGE =
  'usage: npm run sandbox -- [--port N] [--app-id A] [--secret S] [--merchant-no M] [--time-scale X] [--db FILE] [--live-profile [--sub-appid wx… --sub-mch-id N]] [--verbose]';

/** Parses argv (without node and script); returns the args or the one-line error. */
export function parseCliArgs(argv: readonly string[]): { ok: true; args: CliArgs } | { ok: false; error: string } {
  const args: CliArgs = { port: DEFAULT_CLI_PORT, appId: DEMO_APP_ID, secret: DEMO_SECRET, merchantNo: DEMO_MERCHANT_NO, timeScale: 1, dbPath: null, verbose: false, liveProfile: false, subAppId: LIVE_PROFILE_IDS.subAppId, subMchId: LIVE_PROFILE_IDS.subMchId };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = eq > 0 && raw.startsWith('--') ? raw.slice(0, eq) : raw;
    if (flag === '--verbose') {
      args.verbose = true;
      continue;
    }
    if (flag === '--live-profile') {
      args.liveProfile = true;
      continue;
    }
    if (!['--port', '--app-id', '--secret', '--merchant-no', '--time-scale', '--db', '--sub-appid', '--sub-mch-id'].includes(flag)) {
      return { ok: false, error: `unknown option ${JSON.stringify(raw)}; ${USAGE}` };
    }
    if (seen.has(flag)) return { ok: false, error: `${flag}: given twice` };
    seen.add(flag);
    const value = eq > 0 && raw.startsWith('--') ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return { ok: false, error: `${flag}: needs a value` };
    switch (flag) {
      case '--port': {
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) return { ok: false, error: `--port: must be a whole number 0–65535, got ${JSON.stringify(value)}` };
        args.port = Number(value);
        break;
      }
      case '--app-id':
        if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) return { ok: false, error: '--app-id: must be 1–32 of [A-Za-z0-9_-]' };
        args.appId = value;
        break;
      case '--secret':
        if (value.length < 8 || value.length > 128 || /\s/.test(value)) return { ok: false, error: '--secret: must be 8–128 characters without spaces' };
        args.secret = value;
        break;
      case '--merchant-no':
        if (!/^[A-Za-z0-9_]{1,20}$/.test(value)) return { ok: false, error: '--merchant-no: must be 1–20 of [A-Za-z0-9_]' };
        args.merchantNo = value;
        break;
      case '--time-scale': {
        const x = Number(value);
        if (!/^\d*\.?\d+(e-?\d+)?$/i.test(value) || !(x > 0) || x > 1000) return { ok: false, error: `--time-scale: must be a number > 0 and ≤ 1000, got ${JSON.stringify(value)}` };
        args.timeScale = x;
        break;
      }
      case '--db':
        args.dbPath = value;
        break;
      case '--sub-appid': {
        const bad = checkMerchantId('wxSubAppId', value);
        if (bad) return { ok: false, error: `--sub-appid: ${bad.replace(/^wxSubAppId: /, '')}` };
        args.subAppId = value;
        break;
      }
      case '--sub-mch-id': {
        const bad = checkMerchantId('wxSubMchId', value);
        if (bad) return { ok: false, error: `--sub-mch-id: ${bad.replace(/^wxSubMchId: /, '')}` };
        args.subMchId = value;
        break;
      }
    }
  }
  if (!args.liveProfile && (seen.has('--sub-appid') || seen.has('--sub-mch-id'))) return { ok: false, error: '--sub-appid / --sub-mch-id: only with --live-profile' };
  return { ok: true, args };
}

async function main(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`sandbox: ${parsed.error}\n`);
    process.exit(2);
  }
  const a = parsed.args;
  const opts: SandboxOptions = {
    port: a.port,
    appId: a.appId,
    secret: a.secret,
    merchantNo: a.merchantNo,
    timeScale: a.timeScale,
    ...(a.dbPath ? { dbPath: a.dbPath } : {}),
    ...(a.liveProfile ? { liveProfile: { subAppId: a.subAppId, subMchId: a.subMchId } } : {}),
    ...(a.verbose ? { log: (line: string) => process.stdout.write(`[sandbox] ${line}\n`) } : {}),
  };
  let sb;
  try {
    sb = await startSandbox(opts);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`sandbox: ${e.code === 'EADDRINUSE' ? `port ${a.port} is in use` : (e.message ?? String(err))}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      `gateway_url=${sb.gatewayUrl}`,
      `app_id=${sb.appId}`,
      `secret=${sb.secret}`,
      `merchant_no=${sb.merchantNo}`,
      `merchant_name=${sb.merchantName}`,
      `sign_type=MD5`,
      ...(sb.liveIds ? [`live_profile=on`, `sub_appid=${sb.liveIds.subAppId}`, `sub_mch_id=${sb.liveIds.subMchId}`] : []),
      `time_scale=${sb.timeScale}`,
      `ledger=${a.dbPath ?? ':memory:'}`,
      'sandbox mode: no real money moves. Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void sb.close().then(() => {
      process.stdout.write(`sandbox stopped (${signal})\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Run only as the entry point (tests import parseCliArgs).
if (process.argv[1] && /sandbox[\\/]cli\.(ts|js)$/.test(process.argv[1])) void main();
