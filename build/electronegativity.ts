// npm run security — Electronegativity over the main process, the preload and the page's CSP.
// Fails on any HIGH or MEDIUM finding, except the ones reviewed by hand and listed with the
// reason in build/electronegativity-reviewed.json (matched by check and file). Runs offline: it
// is told the Electron version instead of fetching the release list.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Electronegativity over ~150 files takes seconds; a hang is cut off here. */
export const ELECTRONEGATIVITY_TIMEOUT_MS = 5 * 60_000;

export interface Finding {
  check: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  description: string;
}

export interface Reviewed {
  check: string;
  file: string;
  reason: string;
}

export function electronVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Tries of one run. Electronegativity writes its CSV header and its rows with two concurrent
 * async writes (util/file.js: 'w' then 'a'), so on a loaded machine the file can come out torn
 * or with the header only. Any app has some findings (manual-review items at least): a report that
 * does not parse, or has none, is that race, and the tool is run again.
 */
export const ELECTRONEGATIVITY_TRIES = 3;

/** Runs the tool over `inputDir`; every finding it reports (all severities). */
export function runElectronegativity(inputDir: string): Finding[] {
  let problem = '';
  for (let attempt = 1; attempt <= ELECTRONEGATIVITY_TRIES; attempt++) {
    const out = mkdtempSync(join(tmpdir(), 'pos-eneg-'));
    try {
      const csv = join(out, 'findings.csv');
      const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electronegativity.cmd' : 'electronegativity');
      const r = spawnSync(bin, ['-i', inputDir, '-e', electronVersion(), '-r', '-v', 'false', '-o', csv], { encoding: 'utf8', timeout: ELECTRONEGATIVITY_TIMEOUT_MS, shell: process.platform === 'win32' });
      if (!existsSync(csv)) throw new Error(`electronegativity wrote no report (exit ${r.status}): ${(r.stderr || r.stdout || '').slice(0, 500)}`);
      try {
        const rows = parse(readFileSync(csv, 'utf8'), { columns: true, trim: true, skip_empty_lines: true, relax_quotes: true }) as Record<string, string>[];
        if (rows.length > 0) return rows.map((row) => ({ check: row.issue!, severity: row.severity!, confidence: row.confidence!, file: row.filename!, location: row.location!, description: row.description! }));
        problem = 'the report has no findings at all';
      } catch (e) {
        problem = `the report does not parse: ${(e as Error).message}`;
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  throw new Error(`electronegativity: ${problem} after ${ELECTRONEGATIVITY_TRIES} runs (its report write races with itself)`);
}

/** The app as the tool should see it: the main side and the page that carries the CSP. */
export function stageApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pos-eneg-app-'));
  cpSync(join(root, 'electron'), join(dir, 'electron'), { recursive: true });
  mkdirSync(join(dir, 'renderer'));
  cpSync(join(root, 'renderer', 'index.html'), join(dir, 'renderer', 'index.html'));
  return dir;
}

export function blocking(findings: readonly Finding[], reviewed: readonly Reviewed[]): Finding[] {
  return findings.filter((f) => (f.severity === 'HIGH' || f.severity === 'MEDIUM') && !reviewed.some((r) => r.check === f.check && r.file === f.file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const reviewed = JSON.parse(readFileSync(join(root, 'build', 'electronegativity-reviewed.json'), 'utf8')) as Reviewed[];
  const dir = stageApp();
  try {
    const findings = runElectronegativity(dir);
    const bad = blocking(findings, reviewed);
    for (const f of findings) console.log(`${bad.includes(f) ? 'FAIL' : 'ok  '} ${f.severity} ${f.check} ${f.file}:${f.location}${reviewed.some((r) => r.check === f.check && r.file === f.file) ? ' (reviewed)' : ''}`);
    if (bad.length > 0) {
      console.error(`electronegativity: ${bad.length} high/medium finding(s) not reviewed (see above)`);
      process.exit(1);
    }
    console.log(`electronegativity: ${findings.length} finding(s), none high/medium unreviewed (Electron ${electronVersion()})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
