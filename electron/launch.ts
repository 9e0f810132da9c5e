// npm start: build and launch the Electron app. Where Electron's binary is missing (it could not
// be downloaded), say so in one plain line and start the browser host instead, printing its URL.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultDataDir, REPO_ROOT, runHostedTill } from './host/run.js';
import { ensureElectronBinary } from '../build/electron-binary.js';

function run(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

async function main(): Promise<void> {
  const found = ensureElectronBinary();
  const electron = found.path;
  if (!electron) {
    console.log(`Electron's binary is not installed on this machine (${'reason' in found ? found.reason : ''}), so the till opens in your browser instead.`);
    if (!run('npx', ['vite', 'build', '--logLevel', 'warn'])) throw new Error('the renderer did not build (see above)');
    const dataDir = defaultDataDir();
    const till = await runHostedTill({ dataDir, log: (line) => console.log(line) });
    console.log(`open: ${till.host.url}`);
    const stop = () => void till.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  if (!existsSync(join(REPO_ROOT, 'native', 'electron', 'better_sqlite3.node'))) {
    if (!run('npx', ['tsx', 'build/native.ts', 'electron'])) throw new Error('better-sqlite3 could not be built for Electron (see above)');
  }
  if (!run('npx', ['vite', 'build', '--mode', 'electron', '--logLevel', 'warn'])) throw new Error('the app did not build (see above)');
  const child = spawn(electron, ['.'], { cwd: REPO_ROOT, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(`npm start: ${(err as Error).message}`);
  process.exit(1);
});
