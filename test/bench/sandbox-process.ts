// Starts test/bench/sandbox-child.ts and waits for its address line.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SandboxOptions } from '../../electron/sandbox/server.js';

/** A sandbox that has not said where it listens within this is broken. */
const STARTUP_LIMIT_MS = 30_000;

export interface SandboxProcess {
  gatewayUrl: string;
  appId: string;
  secret: string;
  merchantNo: string;
  platformPublicKeyPem: string;
  stop(): Promise<void>;
}

export async function startSandboxProcess(opts: SandboxOptions = {}): Promise<SandboxProcess> {
  const here = dirname(fileURLToPath(import.meta.url));
  const tsx = join(here, '..', '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(here, 'sandbox-child.ts'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const info = await new Promise<Omit<SandboxProcess, 'stop'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start within ${STARTUP_LIMIT_MS} ms`)), STARTUP_LIMIT_MS);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(out.slice(0, nl)) as Omit<SandboxProcess, 'stop'>);
      }
    });
    child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
