// Finds Electron's binary without `require('electron')`, which would try to download it and print
// a stack trace when it cannot. When it is missing, one quiet download attempt is made (it works on
// a machine with network access); its output is kept out of the way and summarised in one line.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronDir = join(root, 'node_modules', 'electron');
/** A real download of Electron (~100 MB) on a slow shop line; a refused one fails at once. */
export const ELECTRON_DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export function installedElectronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const full = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(full) ? full : null;
}

/** The binary, downloading it once if needed; or null with the reason. */
export function ensureElectronBinary(): { path: string } | { path: null; reason: string } {
  const found = installedElectronBinary();
  if (found) return { path: found };
  if (!existsSync(join(electronDir, 'install.js'))) return { path: null, reason: 'the electron package is not installed (run npm install)' };
  const res = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: ELECTRON_DOWNLOAD_TIMEOUT_MS });
  const again = installedElectronBinary();
  if (again) return { path: again };
  const firstError = `${res.stderr ?? ''}${res.stdout ?? ''}`.split('\n').find((l) => /error|failed/i.test(l))?.trim();
  return { path: null, reason: `it could not be downloaded${firstError ? ` (${firstError.slice(0, 120)})` : ''}` };
}
