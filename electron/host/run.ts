// Starts one till under plain Node with the browser host in front: used by `npm run serve`,
// by `npm start` where Electron is missing, and by the end-to-end tests.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type RunningApp, type StartOptions } from '../app/start.js';
import { FileSecretStore } from '../settings/store.js';
import { startHost, type RunningHost } from './server.js';
import { chromiumPdfRenderer } from './pdf.js';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The host's data directory: POS_DATA_DIR, or ~/.counter-pos (Electron uses its userData). */
export function defaultDataDir(): string {
  return process.env.POS_DATA_DIR ?? join(homedir(), '.counter-pos');
}

export interface HostedTill {
  app: RunningApp;
  host: RunningHost;
  close(): Promise<void>;
}

export async function runHostedTill(opts: { dataDir: string; port?: number; log?: (line: string) => void } & Pick<StartOptions, 'sandboxTimeScale' | 'engineConfig'>): Promise<HostedTill> {
  const app = await startApp({
    dataDir: opts.dataDir,
    shell: 'browser-host',
    version: packageVersion(),
    secrets: new FileSecretStore(join(opts.dataDir, 'gateway-secret.txt')),
    log: opts.log,
    sandboxTimeScale: opts.sandboxTimeScale,
    engineConfig: opts.engineConfig,
    renderPdf: chromiumPdfRenderer(),
  });
  const host = await startHost({ app, rendererDir: join(REPO_ROOT, 'dist', 'renderer'), port: opts.port, log: opts.log }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  return {
    app,
    host,
    close: async () => {
      await host.close();
      await app.close();
    },
  };
}
