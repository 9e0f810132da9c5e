// Real serial devices for tests: a pty pair from socat. The app opens one end through a stable
// symlink (`<dir>/scanner`), the test plays the scan gun by writing to the other (`<dir>/gun`).
// Killing socat is pulling the gun's cable; starting it again with the same links plugs it back in
// (the /dev/pts numbers may change, the links do not).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Longest wait for socat to report its two ptys. */
export const SOCAT_START_TIMEOUT_MS = 5_000;
/** Longest wait for socat to exit after SIGTERM before SIGKILL. */
export const SOCAT_STOP_TIMEOUT_MS = 2_000;

const running = new Set<ChildProcess>();
// Safety net: a test process that dies without its afterAll still takes its socats with it.
process.once('exit', () => {
  for (const proc of running) proc.kill('SIGKILL');
});

export interface PtyPair {
  /** The end the app opens (a symlink to /dev/pts/N). */
  appPath: string;
  /** The end the test writes to, as the gun. */
  gunPath: string;
  /** The /dev/pts paths socat printed. */
  pts: [string, string];
  /** Writes bytes as the gun would (the fd stays open until stop()). */
  write(data: string | Uint8Array): void;
  /** Pulls the cable: socat is killed; resolves when it has exited. */
  stop(): Promise<void>;
}

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const appPath = join(dir, 'scanner');
  const gunPath = join(dir, 'gun');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${gunPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  const pts = await new Promise<[string, string]>((resolve, reject) => {
    let err = '';
    const found: string[] = [];
    const timer = setTimeout(() => reject(new Error(`socat did not start within ${SOCAT_START_TIMEOUT_MS} ms: ${err}`)), SOCAT_START_TIMEOUT_MS);
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      err += chunk;
      for (const m of chunk.matchAll(/PTY is (\/dev\/pts\/\d+)/g)) found.push(m[1]!);
      // The links exist once socat enters its transfer loop.
      if (found.length >= 2 && err.includes('starting data transfer loop')) {
        clearTimeout(timer);
        resolve([found[0]!, found[1]!]);
      }
    });
    proc.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}) before its ptys were ready: ${err}`));
    });
  });
  let fd: number | null = openSync(gunPath, 'w');
  return {
    appPath,
    gunPath,
    pts,
    write(data) {
      if (fd === null) throw new Error('the pty pair is stopped');
      const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    },
    async stop() {
      if (fd !== null) closeSync(fd);
      fd = null;
      await kill(proc);
    },
  };
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), SOCAT_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** For afterEach/afterAll: every socat this process started and that still runs is killed. */
export async function killAllSocat(): Promise<void> {
  await Promise.all([...running].map(kill));
}
