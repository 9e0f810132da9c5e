// Starts test/bench/sandbox-child.ts and waits for its address line.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxOptions } from '../../electron/sandbox/server.js';

/** The benches' merchant at their sandbox (not a real credential). */
export const BENCH_APP_ID = 'bench_app';
export const BENCH_SECRET = 'bench-secret-0123456789';
export const BENCH_MERCHANT_NO = 'BENCH0001';

/** A sandbox that has not said where it listens within this is broken. */
const STARTUP_LIMIT_MS = 30_000;

export interface SandboxProcess {
  gatewayUrl: string;
  appId: string;
  secret: string;
  merchantNo: string;
  platformPublicKeyPem: string;
  /** Puts orders straight into the sandbox's ledger (bench set-up), resolved when done. */
  inject(orders: ReadonlyArray<{ outTradeNo: string; amountFen: number; method?: string; state?: string }>): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandboxProcess(opts: SandboxOptions = {}): Promise<SandboxProcess> {
  const here = dirname(fileURLToPath(import.meta.url));
  const tsx = join(here, '..', '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(here, 'sandbox-child.ts'), JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const info = await new Promise<Omit<SandboxProcess, 'stop' | 'inject'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within ${STARTUP_LIMIT_MS} ms`)), STARTUP_LIMIT_MS);
    const onFirst = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.stdout.off('data', onFirst);
        resolve(JSON.parse(out.slice(0, nl)) as Omit<SandboxProcess, 'stop' | 'inject'>);
        out = out.slice(nl + 1);
      }
    };
    child.stdout.on('data', onFirst);
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    ...info,
    inject: (orders) =>
      new Promise<void>((resolve) => {
        const onData = (c: Buffer) => {
          out += c.toString();
          if (!out.includes('\n')) return;
          out = out.slice(out.indexOf('\n') + 1);
          child.stdout.off('data', onData);
          resolve();
        };
        child.stdout.on('data', onData);
        child.stdin.write(`${JSON.stringify({ inject: orders })}\n`);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
