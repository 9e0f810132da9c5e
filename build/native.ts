// npm run native:electron — builds better-sqlite3 for Electron's ABI into native/electron/, beside
// (not instead of) the Node build in node_modules, so `npm test` keeps working after `npm start`.
// The app loads it through better-sqlite3's `nativeBinding` option (electron/app/native.ts).
// It needs Electron's headers from the network; where they cannot be fetched it says so and stops.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = process.argv[2];
if (target !== 'electron') {
  console.error('usage: tsx build/native.ts electron');
  process.exit(2);
}
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'pos-native-'));
try {
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(work, 'better-sqlite3'), { recursive: true });
  rmSync(join(work, 'better-sqlite3', 'build'), { recursive: true, force: true });
  const nodeGyp = join(root, 'node_modules', '.bin', 'node-gyp');
  const gyp = spawnSync(process.platform === 'win32' ? 'npx' : nodeGyp, [...(process.platform === 'win32' ? ['node-gyp'] : []), 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], {
    cwd: join(work, 'better-sqlite3'),
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (gyp.status !== 0) {
    console.error(`native: better-sqlite3 could not be built for Electron ${electronVersion}: its headers must be downloaded from electronjs.org, which this machine cannot reach.`);
    process.exit(1);
  }
  mkdirSync(join(root, 'native', 'electron'), { recursive: true });
  copyFileSync(join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(root, 'native', 'electron', 'better_sqlite3.node'));
  console.log(`native: better-sqlite3 built for Electron ${electronVersion} → native/electron/better_sqlite3.node`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
