// The till's log files: one line per event, masked (mask.ts) before it is written, rotated by
// size with a named count of old files. Written synchronously: the line is on disk before the
// till goes on, and a crash right after still shows what happened.
import { appendFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { maskLine } from './mask.js';

/** One log file grows to this before it is rotated. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
/** Rotated files kept besides the current one (till.1.log … till.N.log). */
export const LOG_KEEP_FILES = 5;
/** Longest line written; longer ones (a stack, a big answer) are cut. */
export const LOG_MAX_LINE_CHARS = 8_000;

export const LOG_BASE = 'till';

export interface FileLogOptions {
  dir: string;
  maxBytes?: number;
  keep?: number;
  /** Secret values to keep out (the gateway secret of the moment…), read at each line. */
  secrets?: () => readonly string[];
  now?: () => number;
  /** Also print to the console (development). */
  echo?: (line: string) => void;
}

export interface FileLog {
  (line: string): void;
  readonly dir: string;
  files(): string[];
}

export function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const re = new RegExp(`^${LOG_BASE}(\\.(\\d+))?\\.log$`);
  return readdirSync(dir)
    .filter((n) => re.test(n))
    .sort((a, b) => Number(re.exec(a)![2] ?? 0) - Number(re.exec(b)![2] ?? 0))
    .map((n) => join(dir, n));
}

export function createFileLog(o: FileLogOptions): FileLog {
  const maxBytes = o.maxBytes ?? LOG_MAX_BYTES;
  const keep = o.keep ?? LOG_KEEP_FILES;
  const now = o.now ?? Date.now;
  mkdirSync(o.dir, { recursive: true });
  const current = join(o.dir, `${LOG_BASE}.log`);
  let size = existsSync(current) ? statSync(current).size : 0;

  function rotate(): void {
    rmSync(join(o.dir, `${LOG_BASE}.${keep}.log`), { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = join(o.dir, `${LOG_BASE}.${i}.log`);
      if (existsSync(from)) renameSync(from, join(o.dir, `${LOG_BASE}.${i + 1}.log`));
    }
    if (existsSync(current)) renameSync(current, join(o.dir, `${LOG_BASE}.1.log`));
    size = 0;
  }

  const log = ((line: string) => {
    const clipped = line.length > LOG_MAX_LINE_CHARS ? `${line.slice(0, LOG_MAX_LINE_CHARS)}…` : line;
    const text = `${new Date(now()).toISOString()} ${maskLine(clipped, o.secrets?.() ?? []).replace(/\r?\n/g, '\n    ')}\n`;
    const bytes = Buffer.byteLength(text);
    if (size > 0 && size + bytes > maxBytes) rotate();
    try {
      appendFileSync(current, text, { mode: 0o600 });
      size += bytes;
    } catch {
      // A full or missing disk must not stop a sale: the line is lost, the till goes on.
    }
    o.echo?.(maskLine(clipped, o.secrets?.() ?? []));
  }) as FileLog;
  Object.defineProperty(log, 'dir', { value: o.dir });
  log.files = () => logFiles(o.dir);
  return log;
}
