// The browser host: the real renderer and the real main-process services, without Electron.
// It serves the built renderer on 127.0.0.1 and carries the `pos` API over a WebSocket, routed
// through the same dispatch() and handler table as Electron's ipcMain. Loopback only; a random
// token per run in the URL; a WebSocket from any other origin, or without the token, is refused.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, extname, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../ipc/dispatch.js';
import type { RunningApp } from '../app/start.js';

/** A message larger than this from a page is refused (the largest payload is a settings save). */
export const MAX_WS_MESSAGE_BYTES = 256 * 1024;
/** Calls one connection may have in flight; more are answered with an error, not queued. */
export const MAX_INFLIGHT_PER_CONNECTION = 32;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface HostOptions {
  app: RunningApp;
  /** The built renderer (vite build output). */
  rendererDir: string;
  port?: number;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const log = opts.log ?? (() => {});
  const token = randomBytes(24).toString('base64url');
  const indexPath = join(opts.rendererDir, 'index.html');
  if (!existsSync(indexPath)) {
    throw new Error(`the renderer is not built: ${indexPath} is missing (run "npm run build:renderer")`);
  }
  let origin = '';

  /** The one Host this serves (DNS rebinding: a page of another name must not reach the till). */
  const hostAllowed = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const server = createServer((req, res) => {
    if (!hostAllowed(req)) {
      log(`host: refused a request for Host ${String(req.headers.host)}`);
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('This till answers only at 127.0.0.1 with its own port.\n');
      return;
    }
    serveStatic(req, res).catch((err: unknown) => {
      log(`host: ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const security = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('Open the URL that "npm run serve" printed: it carries this run\'s token.\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': MIME['.html'], 'Content-Security-Policy': CONTENT_SECURITY_POLICY, ...security });
      res.end(await readFile(indexPath));
      return;
    }
    // Static assets of the build; never outside rendererDir.
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...security }).end('bad request: the path is not valid percent-encoding\n');
      return;
    }
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    const file = join(opts.rendererDir, rel);
    if (!file.startsWith(opts.rendererDir + sep) || !existsSync(file) || rel === '' || rel.endsWith('index.html')) {
      res.writeHead(404, { 'Content-Type': 'text/plain', ...security }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', ...security });
    res.end(await readFile(file));
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (!hostAllowed(req)) {
      log(`host: refused a WebSocket for Host ${String(req.headers.host)}`);
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (url.pathname !== '/ws' || req.headers.origin !== origin || !tokenMatches(token, url.searchParams.get('token'))) {
      log(`host: refused a WebSocket from origin ${String(req.headers.origin)}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  let connections = 0;
  function onConnection(ws: WebSocket): void {
    const caller = `ws#${++connections}`;
    let inflight = 0;
    const unsubscribe = opts.app.runtime.bus.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', event, payload }));
    });
    ws.on('close', unsubscribe);
    // A frame over MAX_WS_MESSAGE_BYTES, a bad frame or a socket error: ws closes this socket
    // (1009 / 1002); without a listener the 'error' event would end the whole process.
    ws.on('error', (err) => log(`host: ${caller} closed: ${err.message}`));
    ws.on('message', (data, isBinary) => {
      type Message = { id?: unknown; channel?: unknown; payload?: unknown };
      let msg: Message | null = null;
      try {
        const parsed: unknown = isBinary ? null : JSON.parse(String(data));
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) msg = parsed as Message;
      } catch {
        msg = null;
      }
      if (!msg) {
        ws.send(JSON.stringify({ type: 'result', id: null, result: { ok: false, error: { code: 'invalid_payload', message: 'message must be a JSON object as text' } } }));
        return;
      }
      const id = typeof msg.id === 'number' ? msg.id : null;
      if (inflight >= MAX_INFLIGHT_PER_CONNECTION) {
        ws.send(JSON.stringify({ type: 'result', id, result: { ok: false, error: { code: 'conflict', message: `more than ${MAX_INFLIGHT_PER_CONNECTION} calls in flight` } } }));
        return;
      }
      inflight++;
      void dispatch(opts.app.handlers, msg.channel, msg.payload, { shell: 'browser-host', caller }, log).then((result) => {
        inflight--;
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, result }));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
