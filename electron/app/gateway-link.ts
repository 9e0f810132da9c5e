// The till's link to its payment gateway, built from the settings: the embedded sandbox gateway
// when no gateway URL is set (a new till works at once), otherwise the configured real gateway
// with MD5 (secret) or RSA (key files) signing. Secrets stay in this process and in no message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGatewayClient, signerFor, type GatewayClient } from '../gateway/client.js';
import type { Signer } from '../gateway/sign.js';
import { startSandbox, DEMO_APP_ID, DEMO_MERCHANT_NO, DEMO_SECRET, type RunningSandbox } from '../sandbox/server.js';
import type { Settings } from '../../shared/settings.js';
import { PosError } from '../../shared/ipc/errors.js';

export interface GatewayLink {
  mode: 'sandbox' | 'production';
  gatewayUrl: string;
  merchantNo: string;
  client: GatewayClient;
  /** Verifies callbacks with the same keys as the answers. */
  signer: Signer;
  /** The embedded sandbox, in sandbox mode. */
  sandbox: RunningSandbox | null;
  close(): Promise<void>;
}

export interface LinkOptions {
  dataDir: string;
  settings: Settings;
  secret: string | null;
  /** Sandbox seconds per real second (tests run the scripted customers faster). */
  sandboxTimeScale?: number;
  /** The embedded sandbox with a live-style merchant profile: the settings' WeChat ids are required. */
  sandboxLiveProfile?: boolean | { subAppId?: string; subMchId?: string };
  log?: (line: string) => void;
}

function readPem(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new PosError('invalid_settings', `${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { issues: [{ path: field, message: `${field}: cannot read the file` }] });
  }
}

export async function openGatewayLink(o: LinkOptions): Promise<GatewayLink> {
  const s = o.settings;
  if (s.gatewayUrl === '') {
    // The sandbox keeps its ledger beside the journal, so a restart finds the orders it owes.
    const sandbox = await startSandbox({ dbPath: join(o.dataDir, 'sandbox-ledger.sqlite'), appId: DEMO_APP_ID, secret: DEMO_SECRET, merchantNo: DEMO_MERCHANT_NO, timeScale: o.sandboxTimeScale ?? 1, log: o.log, ...(o.sandboxLiveProfile ? { liveProfile: o.sandboxLiveProfile } : {}) });
    const config = { gatewayUrl: sandbox.gatewayUrl, appId: sandbox.appId, signType: 'MD5' as const, secret: sandbox.secret, timeoutMs: s.requestTimeoutMs };
    return { mode: 'sandbox', gatewayUrl: sandbox.gatewayUrl, merchantNo: sandbox.merchantNo, client: createGatewayClient(config), signer: signerFor(config), sandbox, close: () => sandbox.close() };
  }
  const config =
    s.signType === 'MD5'
      ? { gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'MD5' as const, secret: o.secret ?? undefined, timeoutMs: s.requestTimeoutMs }
      : { gatewayUrl: s.gatewayUrl, appId: s.appId, signType: 'RSA' as const, merchantPrivateKeyPem: readPem(s.merchantPrivateKeyPath, 'merchantPrivateKeyPath'), platformPublicKeyPem: readPem(s.platformPublicKeyPath, 'platformPublicKeyPath'), timeoutMs: s.requestTimeoutMs };
  try {
    return { mode: 'production', gatewayUrl: s.gatewayUrl, merchantNo: s.merchantNo, client: createGatewayClient(config), signer: signerFor(config), sandbox: null, close: async () => {} };
  } catch (err) {
    // GatewayConfigError names the field, never its value.
    const message = (err as Error).message;
    const field = message.split(':')[0] ?? '';
    throw new PosError('invalid_settings', message, { issues: [{ path: field, message }] });
  }
}
