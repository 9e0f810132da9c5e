// The support bundle: one .tar.gz a manager can hand to support. It holds the log files, the
// versions, the journal's checks, the backup and update status and the settings, each passed
// through the log masking again (so a line written before a secret was set is masked too).
// Never the journal itself, the gateway secret, keys or full payment codes.
import { readFileSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { maskLine } from './mask.js';
import { logFiles } from './file-log.js';
import { writeFileAtomic } from '../settings/store.js';

/** The bundle carries at most this much of the logs (the newest files first). */
export const BUNDLE_MAX_LOG_BYTES = 20 * 1024 * 1024;

export interface BundleInput {
  logDir: string;
  outDir: string;
  now?: () => number;
  secrets: readonly string[];
  /** Named JSON documents: versions, journal checks, settings, backups, update… */
  documents: Record<string, unknown>;
}

/** A minimal ustar archive (regular files only): enough for `tar -xzf` and any archive tool. */
export function tarEntries(files: readonly { name: string; data: Buffer; mtimeMs: number }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    if (Buffer.byteLength(f.name) > 99) throw new Error(`tar: name too long: ${f.name}`);
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${f.data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write(`${Math.floor(f.mtimeMs / 1000).toString(8).padStart(11, '0')}\0`, 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\u000000', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function writeSupportBundle(input: BundleInput): { path: string; fileName: string; bytes: number } {
  const now = (input.now ?? Date.now)();
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  const dirName = `counter-pos-support-${stamp}`;
  const mask = (text: string) => text.split('\n').map((l) => maskLine(l, input.secrets)).join('\n');
  const files: { name: string; data: Buffer; mtimeMs: number }[] = [];
  for (const [name, doc] of Object.entries(input.documents)) {
    files.push({ name: `${dirName}/${name}.json`, data: Buffer.from(`${mask(JSON.stringify(doc, null, 2))}\n`), mtimeMs: now });
  }
  let budget = BUNDLE_MAX_LOG_BYTES;
  for (const file of logFiles(input.logDir)) {
    const st = statSync(file);
    if (st.size > budget) break;
    budget -= st.size;
    files.push({ name: `${dirName}/logs/${basename(file)}`, data: Buffer.from(mask(readFileSync(file, 'utf8'))), mtimeMs: st.mtimeMs });
  }
  mkdirSync(input.outDir, { recursive: true });
  const fileName = `${dirName}.tar.gz`;
  const path = join(input.outDir, fileName);
  const data = gzipSync(tarEntries(files));
  writeFileAtomic(path, data, 0o600);
  return { path, fileName, bytes: data.length };
}
