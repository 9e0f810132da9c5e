// A PostgreSQL cluster of our own in a folder: the head office's embedded default for a trial
// (`npm run headoffice -- trial`), and the throwaway cluster of tests and benches. It uses the
// server binaries of the machine's PostgreSQL package (initdb, pg_ctl); as root it runs them as
// the `postgres` OS user, since PostgreSQL refuses to run as root. Loopback only, password
// (scram-sha-256) for everyone, TLS when asked for.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How long pg_ctl waits for the server to start or stop. */
export const CLUSTER_START_TIMEOUT_S = 60;
/** The cluster's superuser: the head office's administrator, owner of the schema. */
export const CLUSTER_ADMIN = 'ho_admin';
export const CLUSTER_DATABASE = 'headoffice';

export interface ClusterOptions {
  /** The cluster's folder (data/, the log, the admin password); created if missing. */
  dir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** TLS on, with this certificate and key (PEM files); clients may then use sslmode require/verify. */
  tls?: { certPath: string; keyPath: string };
}

export interface Cluster {
  readonly dir: string;
  readonly port: number;
  /** postgres://ho_admin:…@127.0.0.1:port/headoffice */
  readonly adminUrl: string;
  /** A URL for the database without credentials (what tills are given). */
  readonly url: string;
  start(): Promise<void>;
  /** A clean shutdown. */
  stop(): Promise<void>;
  /** A crash: the server is stopped at once (pg_ctl -m immediate) and recovers at the next start. */
  crash(): Promise<void>;
}

export function postgresBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql, or set PG_BIN');
  return join(root, versions[0]!, 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = () => process.getuid?.() === 0;

async function pg(bin: string, args: string[]): Promise<string> {
  const [cmd, full] = asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    const { stdout } = await run(cmd, full, { timeout: (CLUSTER_START_TIMEOUT_S + 10) * 1000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const hint = asRoot() && /Permission denied/.test(e.stderr ?? '') ? ' (as root the server runs as the postgres OS user: every folder above the cluster\'s must let it pass, e.g. chmod 711)' : '';
    throw new Error(`${bin.split('/').pop()} ${args[0] ?? ''}: ${(e.stderr || e.message).trim()}${hint}`);
  }
}

/** Opens the cluster in `dir`, creating it on first use; it is started. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const bin = postgresBinDir();
  const dir = opts.dir;
  const data = join(dir, 'data');
  const pwFile = join(dir, 'admin-password');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owner = () => {
    if (asRoot()) {
      const { uid, gid } = postgresUser();
      chownSync(dir, uid, gid);
      for (const f of [pwFile, opts.tls?.certPath, opts.tls?.keyPath]) if (f && existsSync(f) && f.startsWith(dir)) chownSync(f, uid, gid);
    }
  };
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  const port = opts.port || (fresh ? await freePort() : Number(/^port = (\d+)/m.exec(readFileSync(join(data, 'postgresql.auto.conf'), 'utf8'))?.[1] ?? (await freePort())));
  if (fresh) {
    writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
    owner();
    await pg(join(bin, 'initdb'), ['-D', data, '-U', CLUSTER_ADMIN, '--pwfile', pwFile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n');
    appendFileSync(join(data, 'postgresql.auto.conf'), [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dir}'`,
      `max_connections = 60`,
      ...(opts.tls ? [`ssl = on`, `ssl_cert_file = '${opts.tls.certPath}'`, `ssl_key_file = '${opts.tls.keyPath}'`] : []),
      '',
    ].join('\n'));
  }
  owner();
  const password = readFileSync(pwFile, 'utf8').trim();
  const ctl = (args: string[]) => pg(join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const cluster: Cluster = {
    dir,
    port,
    adminUrl: `postgres://${CLUSTER_ADMIN}:${encodeURIComponent(password)}@127.0.0.1:${port}/${CLUSTER_DATABASE}`,
    url: `postgres://127.0.0.1:${port}/${CLUSTER_DATABASE}`,
    start: async () => {
      await ctl(['-l', join(dir, 'server.log'), '-w', '-t', String(CLUSTER_START_TIMEOUT_S), 'start']);
    },
    stop: async () => {
      await ctl(['-w', '-t', String(CLUSTER_START_TIMEOUT_S), '-m', 'fast', 'stop']);
    },
    crash: async () => {
      await ctl(['-w', '-m', 'immediate', 'stop']);
    },
  };
  await cluster.start();
  if (fresh) {
    const { Client } = (await import('pg')).default;
    const c = new Client({ connectionString: cluster.adminUrl.replace(`/${CLUSTER_DATABASE}`, '/postgres') });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${CLUSTER_DATABASE}`);
    } finally {
      await c.end();
    }
  }
  return cluster;
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root needs the postgres OS user (from the postgresql package) to run the server');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
