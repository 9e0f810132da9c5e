// Scan gun latency: the terminator byte written on a real pty (socat) → the ScannerManager's
// 'read' event, i.e. what the app adds between the gun's last byte and the start of a payment.
// Also the framer's throughput, against the fastest line a scan gun uses (115200 baud).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile, type BenchLine } from './harness.js';
import { ScannerManager } from '../../electron/scanner/manager.js';
import { ScanFramer } from '../../electron/scanner/framing.js';
import { killAllSocat, startPtyPair } from '../integration/scanner/socat.js';

/** Codes timed (bounded: the bench must finish in seconds). */
const LATENCY_CODES = 300;
/** Pause after writing a code's body, so it has arrived before the terminator is timed. */
const BODY_SETTLE_MS = 2;
/** Longest wait for one read before the bench gives up (a broken reader must not hang `npm run bench`). */
const READ_TIMEOUT_MS = 2_000;
/** Bytes pushed through the framer for the throughput figure. */
const THROUGHPUT_BYTES = 4 * 1024 * 1024;
/** 115200 baud, 8N1: 10 bits a byte. */
const FASTEST_LINE_BYTES_PER_S = 115200 / 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function latency(): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-scanner-bench-'));
  const manager = new ScannerManager({ log: () => undefined });
  try {
    const pair = await startPtyPair(dir);
    await manager.configure([{ id: 'gun', path: pair.appPath, duplicateWindowMs: 0 }]);
    if (manager.status()[0]?.state !== 'open') throw new Error(`scanner did not open: ${manager.status()[0]?.reason}`);
    let waiting: ((at: number) => void) | null = null;
    manager.on('read', () => waiting?.(performance.now()));
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_CODES; i++) {
      pair.write(`69${String(i).padStart(14, '0')}`); // 16 characters, like a payment code
      await sleep(BODY_SETTLE_MS);
      const read = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no read within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
        waiting = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
      const t0 = performance.now();
      pair.write('\r');
      samples.push((await read) - t0);
      waiting = null;
    }
    return samples.sort((a, b) => a - b);
  } finally {
    await manager.close();
    await killAllSocat();
    rmSync(dir, { recursive: true, force: true });
  }
}

function throughputBytesPerS(): number {
  const line = Uint8Array.from('134567890123456789\r', (c) => c.charCodeAt(0));
  const chunk = new Uint8Array(64 * line.length);
  for (let i = 0; i < 64; i++) chunk.set(line, i * line.length);
  const framer = new ScanFramer({ terminator: 'CR', interByteTimeoutMs: 100 });
  let codes = 0;
  const rounds = Math.ceil(THROUGHPUT_BYTES / chunk.length);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) codes += framer.push(chunk, r).length;
  const s = (performance.now() - t0) / 1000;
  if (codes !== rounds * 64) throw new Error(`framer lost codes: ${codes} of ${rounds * 64}`);
  return (rounds * chunk.length) / s;
}

export default async function (): Promise<BenchLine[]> {
  const samples = await latency();
  const median = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  const bps = throughputBytesPerS();
  const ratio = bps / FASTEST_LINE_BYTES_PER_S;
  return [
    { name: `scanner: terminator on pty → read event, median (${samples.length} codes)`, value: median, unit: 'ms', goal: '< 1 ms', met: median < 1 },
    { name: `scanner: terminator on pty → read event, p99 (${samples.length} codes)`, value: p99, unit: 'ms', goal: '< 10 ms', met: p99 < 10 },
    { name: 'scanner: framer throughput', value: bps / 1e6, unit: 'MB/s', goal: '≥ 100× a 115200-baud line', met: ratio >= 100 },
    { name: 'scanner: framer throughput ÷ 115200-baud line', value: Math.round(ratio), unit: '×', goal: '≥ 100×', met: ratio >= 100 },
  ];
}
