// npm run dist — packages the app with electron-builder (NSIS, AppImage, deb) into release/.
// It needs Electron's binary and release archives from the network; where they cannot be had it
// stops with a clear message instead of a stack trace.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
function stop(message: string): never {
  console.error(`dist: ${message}`);
  process.exit(1);
}
function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

const electron = ensureElectronBinary();
if (!electron.path) {
  stop(`Electron's binary is not installed (${'reason' in electron ? electron.reason : ''}). Packaging needs it and Electron's release archives: run \`npm run dist\` on a machine with network access.`);
}
if (!existsSync(join(root, 'native', 'electron', 'better_sqlite3.node')) && !run('npx', ['tsx', 'build/native.ts', 'electron'])) {
  stop('better-sqlite3 could not be built for Electron (see above).');
}
if (!run('npx', ['vite', 'build', '--mode', 'electron'])) stop('the app did not build (see above).');
const targets = process.argv.slice(2);
if (!run('npx', ['electron-builder', '--config', 'build/electron-builder.yml', ...(targets.length ? targets : ['--linux', '--win'])])) {
  stop('electron-builder failed (see above); Windows installers built on Linux need wine, or build them on Windows.');
}
console.log('dist: installers written to release/');
