// Temp-dir journals for the journal tests: real SQLite files, removed after each test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalOptions } from '../../../electron/journal/journal.js';

export function tempDir(prefix = 'pos-journal-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A manual clock: tests move time explicitly. */
export function manualClock(startMs = Date.UTC(2025, 5, 1, 2, 0, 0)) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

export function openTemp(dir: string, name = 'journal.db', extra: Partial<JournalOptions> = {}): Journal {
  return Journal.open({ path: join(dir, name), terminalId: 'T01', journalId: 'abcd1234', ...extra });
}
