// The till's connection to the head office's PostgreSQL: settings → a pg client config (its own
// login role and credential, TLS as configured, named timeouts so a cut network is noticed).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { tillRoleName } from './enroll.js';

/** Connecting gives up after this long (a head office that does not answer). */
export const HO_CONNECT_TIMEOUT_MS = 5_000;
/** One statement (a batch) gives up after this long; the connection is then dropped and retried. */
export const HO_QUERY_TIMEOUT_MS = 20_000;
/** TCP keepalive probes start after this much silence (a cut that drops packets silently). */
export const HO_KEEPALIVE_MS = 5_000;

export type HeadOfficeTls = 'off' | 'require' | 'verify';

export interface HeadOfficeConfig {
  /** postgres://host:port/database (no user or password: those are the till's own). */
  url: string;
  tillId: string;
  credential: string;
  tls: HeadOfficeTls;
  /** verify: the CA certificate (PEM) that signed the server's certificate. */
  caPath: string;
  /** Tests: shorter limits than HO_CONNECT_TIMEOUT_MS / HO_QUERY_TIMEOUT_MS. */
  timeouts?: { connectMs: number; queryMs: number };
}

export function clientConfig(c: HeadOfficeConfig): pg.ClientConfig {
  let u: URL;
  try {
    u = new URL(c.url);
  } catch {
    throw new Error(`head office URL "${c.url}": not a URL (postgres://host:port/database)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`head office URL "${c.url}": must start with postgres://`);
  if (u.username || u.password) throw new Error('head office URL: must not carry a user or password (the till signs in with its own credential)');
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`head office URL "${c.url}": names no database (postgres://host:port/database)`);
  let ssl: pg.ClientConfig['ssl'] = false;
  if (c.tls === 'require') ssl = { rejectUnauthorized: false };
  if (c.tls === 'verify') {
    if (!c.caPath) throw new Error('head office TLS verify: give the CA certificate file');
    let ca: string;
    try {
      ca = readFileSync(c.caPath, 'utf8');
    } catch (err) {
      throw new Error(`head office CA certificate ${c.caPath}: ${(err as Error).message}`);
    }
    ssl = { ca, rejectUnauthorized: true };
  }
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database,
    user: tillRoleName(c.tillId),
    password: c.credential,
    ssl,
    connectionTimeoutMillis: c.timeouts?.connectMs ?? HO_CONNECT_TIMEOUT_MS,
    query_timeout: c.timeouts?.queryMs ?? HO_QUERY_TIMEOUT_MS,
    statement_timeout: c.timeouts?.queryMs ?? HO_QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: HO_KEEPALIVE_MS,
    application_name: `counter-pos ${c.tillId}`,
  };
}

export async function connectHeadOffice(c: HeadOfficeConfig): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(c));
  // An error on an idle connection (server gone) must not crash the till: the next query fails.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await closeHeadOffice(client);
    throw err;
  }
  return client;
}

/** A clean goodbye waits this long at most; then the socket is destroyed (a cut network never answers). */
export const HO_CLOSE_TIMEOUT_MS = 1_000;

export async function closeHeadOffice(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => (timer = setTimeout(resolve, HO_CLOSE_TIMEOUT_MS)));
  await Promise.race([client.end().catch(() => undefined), gone]);
  clearTimeout(timer);
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** An error PostgreSQL answered with (the connection is still usable, e.g. for ROLLBACK). */
export function isServerError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57P)/.test(code);
}

/** Words for a PostgreSQL or network error, for the status line. */
export function describePgError(err: unknown): { message: string; permanent: boolean } {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  if (code === '28P01' || code === '28000') return { message: 'the head office refused this till\'s credential (wrong till id or credential, or it was rotated)', permanent: true };
  if (code === '3D000') return { message: `the head office database does not exist (${e.message})`, permanent: true };
  if (code === '42501') return { message: `the head office refused the write (${e.message})`, permanent: true };
  if (code === 'ECONNREFUSED') return { message: 'the head office is not reachable (connection refused)', permanent: false };
  if (code === 'ENOTFOUND') return { message: 'the head office host name is not known', permanent: false };
  if (code === '57P01' || code === '57P02' || code === '57P03') return { message: 'the head office database is restarting', permanent: false };
  return { message: e.message || String(err), permanent: false };
}
