// The sandbox command line as a real child process: prints gateway_url= and the credentials,
// answers signed requests, stops cleanly on SIGINT / SIGTERM; a bad flag is one line and exit 2.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../electron/gateway/client.js';
import { parseCliArgs } from '../../../electron/sandbox/cli.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'electron', 'sandbox', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(TSX, [CLI, ...args], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function waitFor(get: () => string, re: RegExp, limitMs = 20_000): Promise<RegExpExecArray> {
  const end = Date.now() + limitMs;
  for (;;) {
    const m = re.exec(get());
    if (m) return m;
    if (Date.now() > end) throw new Error(`no ${re} in output: ${get()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('npm run sandbox', () => {
  it('starts, prints gateway_url and credentials, answers, and stops on SIGINT', async () => {
    const db = join(dir, 'cli.sqlite');
    const p = run(['--port', '0', '--app-id', 'cli_app', '--secret', 'cli-secret-123', '--merchant-no', 'M0001', '--time-scale', '0.01', '--db', db]);
    const m = await waitFor(p.out, /^gateway_url=(http:\/\/127\.0\.0\.1:\d+\/gateway)$/m);
    expect(p.out()).toMatch(/^app_id=cli_app$/m);
    expect(p.out()).toMatch(/^secret=cli-secret-123$/m);
    expect(p.out()).toMatch(/^merchant_no=M0001$/m);
    const c = createGatewayClient({ gatewayUrl: m[1]!, appId: 'cli_app', signType: 'MD5', secret: 'cli-secret-123' });
    expect(await c.call('merchant.balance', { merchant_no: 'M0001' })).toEqual({ kind: 'ok', result: { balance: 0, freeze: 0, unliquidated: 0 } });
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
    expect(p.out()).toContain('sandbox stopped (SIGINT)');
    expect(existsSync(db)).toBe(true);
  });

  it('without options runs the demo merchant; SIGTERM stops it', async () => {
    const p = run(['--port', '0']);
    const m = await waitFor(p.out, /^gateway_url=(\S+)$/m);
    const c = createGatewayClient({ gatewayUrl: m[1]!, appId: 'sandbox_app', signType: 'MD5', secret: 'sandbox-secret-0123456789abcdef' });
    expect((await c.call('unionpay.withdraw_balance_query', {})).kind).toBe('ok');
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it('a bad flag: one clear line on stderr, exit 2', async () => {
    const p = run(['--port', 'eighty']);
    expect(await p.exit).toBe(2);
    expect(p.err().trim().split('\n')).toEqual(['sandbox: --port: must be a whole number 0–65535, got "eighty"']);
    expect(p.out()).toBe('');
  });
});

describe('parseCliArgs', () => {
  it.each([
    [['--nope'], /^unknown option "--nope"/],
    [['--port'], /^--port: needs a value$/],
    [['--port', '70000'], /^--port: must be a whole number/],
    [['--time-scale', '0'], /^--time-scale: must be a number > 0/],
    [['--time-scale', 'fast'], /^--time-scale: must be a number > 0/],
    [['--app-id', 'has space'], /^--app-id: must be 1–32/],
    [['--secret', 'short'], /^--secret: must be 8–128/],
    [['--merchant-no', 'M-1'], /^--merchant-no: must be 1–20/],
    [['--port', '1', '--port', '2'], /^--port: given twice$/],
    [['--db', '--port'], /^--db: needs a value$/],
  ])('%j → error', (argv, re) => {
    const r = parseCliArgs(argv);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(re);
  });

  it('reads every flag, with = too', () => {
    expect(parseCliArgs(['--port=9000', '--app-id', 'A', '--secret', 'S2345678', '--merchant-no', 'M', '--time-scale', '0.01', '--db', '/tmp/x.db'])).toEqual({
      ok: true,
      args: { port: 9000, appId: 'A', secret: 'S2345678', merchantNo: 'M', timeScale: 0.01, dbPath: '/tmp/x.db', verbose: false, liveProfile: false, subAppId: 'wx8a3f5c2e9b1d4760', subMchId: '1900012345' },
    });
  });

  it('reads --live-profile with its WeChat ids, and refuses bad or stray ones by name', () => {
    expect(parseCliArgs(['--live-profile', '--sub-appid', 'wx1234567890abcdef', '--sub-mch-id', '1234567'])).toMatchObject({ ok: true, args: { liveProfile: true, subAppId: 'wx1234567890abcdef', subMchId: '1234567' } });
    expect(parseCliArgs(['--live-profile', '--sub-appid', 'wx0000000000000000'])).toMatchObject({ ok: false, error: expect.stringMatching(/^--sub-appid: /) });
    expect(parseCliArgs(['--sub-mch-id', '1234567'])).toMatchObject({ ok: false, error: expect.stringMatching(/only with --live-profile/) });
  });
});
