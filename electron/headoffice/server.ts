// The head office's page server: GET / (?date=yyyy-MM-dd, default today) is the day report and
// the audit check; GET /report.json the same report as JSON. Read-only, loopback by default.
import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { dayReport, verifyCentralAudit } from './report.js';
import { reportPage } from './page.js';

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

export function localDate(ms = Date.now()): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export async function startPageServer(opts: { adminUrl: string; port?: number; host?: string }): Promise<PageServer> {
  const pool = new pg.Pool({ connectionString: opts.adminUrl, max: 4 });
  pool.on('error', () => undefined);
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const date = u.searchParams.get('date') || localDate();
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(body);
    };
    if (req.method !== 'GET' || (u.pathname !== '/' && u.pathname !== '/report.json')) return send(404, 'text/plain', 'not found');
    void (async () => {
      const client = await pool.connect();
      try {
        const report = await dayReport(client, date);
        if (u.pathname === '/report.json') return send(200, 'application/json', JSON.stringify(report));
        send(200, 'text/html', reportPage(report, await verifyCentralAudit(client)));
      } finally {
        client.release();
      }
    })().catch((err: unknown) => send(/must be yyyy-MM-dd/.test((err as Error).message) ? 400 : 500, 'text/plain', (err as Error).message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
