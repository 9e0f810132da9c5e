// TLS to the head office: a cluster with ssl on (a CA and a server certificate made here with
// openssl); a till set to `verify` connects with the right CA and is refused, in words, with
// another; `require` encrypts without checking; the connection really is TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster, type Cluster } from '../../../electron/headoffice/cluster.js';
import { migrateHeadOffice } from '../../../electron/headoffice/schema.js';
import { enrollTill } from '../../../electron/headoffice/enroll.js';
import { connectHeadOffice, describePgError, type HeadOfficeConfig } from '../../../electron/headoffice/link.js';

let dir: string;
let cluster: Cluster;
let base: HeadOfficeConfig;

function ca(dirName: string, cn: string): { cert: string; key: string } {
  const cert = join(dirName, `${cn}.crt`);
  const key = join(dirName, `${cn}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-ho-tls-'));
  chmodSync(dir, 0o711);
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir, { recursive: true });
  const root = ca(dir, 'test-root-ca');
  // The server's certificate for 127.0.0.1, signed by the root.
  const key = join(pgDir, 'server.key');
  const csr = join(dir, 'server.csr');
  const cert = join(pgDir, 'server.crt');
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', csr], { stdio: 'ignore' });
  execFileSync('bash', ['-c', `openssl x509 -req -in ${csr} -CA ${root.cert} -CAkey ${root.key} -CAcreateserial -days 2 -out ${cert} -extfile <(printf 'subjectAltName=IP:127.0.0.1')`], { stdio: 'ignore' });
  chmodSync(key, 0o600);
  cluster = await startCluster({ dir: pgDir, tls: { certPath: cert, keyPath: key } });
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  await migrateHeadOffice(admin);
  const e = await enrollTill(admin, { tillId: 'TLS1', shopId: 'S' });
  await admin.end();
  base = { url: cluster.url, tillId: 'TLS1', credential: e.credential, tls: 'verify', caPath: root.cert };
}, 120_000);
afterAll(async () => {
  await cluster?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function sslOf(c: HeadOfficeConfig): Promise<boolean> {
  const client = await connectHeadOffice(c);
  try {
    return (await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]!.ssl;
  } finally {
    await client.end();
  }
}

describe('TLS to the head office', () => {
  it('verify: connects over TLS with the CA that signed the server certificate', async () => {
    expect(await sslOf(base)).toBe(true);
  });

  it('verify: refuses a server certificate another CA signed, and says why', async () => {
    const other = ca(dir, 'other-ca');
    const err = await connectHeadOffice({ ...base, caPath: other.cert }).then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    expect(describePgError(err).message).toMatch(/certificate/i);
  });

  it('require: encrypted without checking the certificate; off: plain', async () => {
    expect(await sslOf({ ...base, tls: 'require', caPath: '' })).toBe(true);
    expect(await sslOf({ ...base, tls: 'off', caPath: '' })).toBe(false);
  });

  it('verify without a CA file, or a missing one, is refused by name before connecting', async () => {
    await expect(connectHeadOffice({ ...base, caPath: '' })).rejects.toThrow(/TLS verify: give the CA certificate file/);
    await expect(connectHeadOffice({ ...base, caPath: join(dir, 'nope.crt') })).rejects.toThrow(/CA certificate .*nope\.crt/);
  });
});
