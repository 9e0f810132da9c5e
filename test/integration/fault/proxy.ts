// The fault layer: a tiny HTTP proxy on 127.0.0.1 between the tills (engine child processes)
// and the sandbox gateway. For each request it decides, from the seed and the request's own
// identity (out_trade_no, method, how many times that pair was seen), what goes wrong:
//   drop_request   the request never reaches the gateway (socket closed)
//   drop_response  the gateway acts, the answer is lost (socket closed)
//   delay          the gateway acts, the answer comes after the client's timeout
//   http_5xx       a 503 page, before or after the gateway acted
//   html           the gateway acts, an HTML error page comes back with 200
//   bad_signature  the gateway acts, the answer's signature is altered
//   duplicate      the request is delivered twice; the client gets the second answer
//   late_landing   (trade.reverse of a pending order) the customer pays just before the reverse
//   kill_before / kill_after  the till is SIGKILLed with the request unsent / after the gateway acted
// plus outage windows in which every request is dropped (the gateway is unreachable).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from '../checkout/setup.js';
import { Dice } from './prng.js';

export type Fault =
  | 'none'
  | 'drop_request'
  | 'drop_response'
  | 'delay'
  | 'http_5xx_before'
  | 'http_5xx_after'
  | 'html'
  | 'bad_signature'
  | 'duplicate'
  | 'late_landing'
  | 'kill_before'
  | 'kill_after'
  | 'outage';

export interface FaultRates {
  /** Share of requests that get one of the transport faults. */
  transport: number;
  /** Share of reverses of a still-pending order where the customer pays just before. */
  lateLanding: number;
  /** Share of requests on which the sending till is killed. */
  kill: number;
}

export interface ProxyOptions {
  seed: number;
  sandbox: Sandbox;
  /** The client's request timeout: a delayed answer comes this much + 50 ms later. */
  clientTimeoutMs: number;
  rates: FaultRates;
  /** Kills the till whose orders start with this terminal id; false when it has no kills left. */
  kill(terminalId: string): boolean;
  /** [startMs, endMs) after start during which the gateway is unreachable. */
  outages: ReadonlyArray<readonly [number, number]>;
}

export interface FaultProxy {
  url: string;
  counts: Map<Fault, number>;
  /** No more faults (to let the tills drain their owed work). */
  calm(): void;
  close(): Promise<void>;
}

const TRANSPORT: ReadonlyArray<readonly [Fault, number]> = [
  ['drop_request', 14],
  ['drop_response', 16],
  ['delay', 12],
  ['http_5xx_before', 6],
  ['http_5xx_after', 8],
  ['html', 10],
  ['bad_signature', 14],
  ['duplicate', 20],
];

export async function startFaultProxy(o: ProxyOptions): Promise<FaultProxy> {
  const seen = new Map<string, number>();
  const counts = new Map<Fault, number>();
  const started = Date.now();
  let calm = false;
  const target = o.sandbox.gatewayUrl;

  const decide = (method: string, outTradeNo: string, terminalId: string | null): Fault => {
    if (calm) return 'none';
    const t = Date.now() - started;
    if (o.outages.some(([a, b]) => t >= a && t < b)) return 'outage';
    const key = `${outTradeNo}|${method}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const d = new Dice(o.seed, `fault|${key}|${n}`);
    if (terminalId && d.chance(o.rates.kill)) return d.chance(0.5) ? 'kill_before' : 'kill_after';
    if (method === 'trade.reverse' && d.chance(o.rates.lateLanding)) return 'late_landing';
    if (d.chance(o.rates.transport)) return d.weighted(TRANSPORT);
    return 'none';
  };

  const forward = async (body: string, type: string): Promise<string> => {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': type }, body });
    return res.text();
  };

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const type = req.headers['content-type'] ?? 'application/x-www-form-urlencoded';
    const form = new URLSearchParams(body);
    const method = form.get('method') ?? '';
    let outTradeNo = '';
    try {
      outTradeNo = String((JSON.parse(form.get('content') ?? '{}') as Record<string, unknown>)['out_trade_no'] ?? '');
    } catch {
      /* not our business: forwarded as is */
    }
    const terminalId = /^(T\d+)_/.exec(outTradeNo)?.[1] ?? null;
    const fault = decide(method, outTradeNo, terminalId);
    counts.set(fault, (counts.get(fault) ?? 0) + 1);
    const reply = (status: number, ctype: string, text: string) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': ctype, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      switch (fault) {
        case 'outage':
        case 'drop_request':
          req.socket.destroy();
          return;
        case 'kill_before':
          if (!o.kill(terminalId!)) return reply(200, 'application/json', await forward(body, type));
          req.socket.destroy();
          return;
        case 'kill_after': {
          const text = await forward(body, type);
          if (!o.kill(terminalId!)) return reply(200, 'application/json', text);
          req.socket.destroy();
          return;
        }
        case 'drop_response':
          await forward(body, type);
          req.socket.destroy();
          return;
        case 'delay': {
          const text = await forward(body, type);
          await new Promise((r) => setTimeout(r, o.clientTimeoutMs + 50));
          return reply(200, 'application/json', text);
        }
        case 'http_5xx_before':
          return reply(503, 'text/html', '<html><body>503 Service Unavailable</body></html>');
        case 'http_5xx_after':
          await forward(body, type);
          return reply(502, 'text/html', '<html><body>502 Bad Gateway</body></html>');
        case 'html':
          await forward(body, type);
          return reply(200, 'text/html', '<html><head><title>Error</title></head><body>upstream error</body></html>');
        case 'bad_signature': {
          const text = await forward(body, type);
          const env = JSON.parse(text) as Record<string, unknown>;
          if (typeof env['sign'] === 'string') env['sign'] = (env['sign'] as string).replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
          return reply(200, 'application/json', JSON.stringify(env));
        }
        case 'duplicate': {
          await forward(body, type);
          return reply(200, 'application/json', await forward(body, type));
        }
        case 'late_landing': {
          // The customer confirms on the phone right now, just before the reverse arrives.
          const order = o.sandbox.ledger.order(outTradeNo);
          if (order && order.state === 'pending') {
            if (order.token) o.sandbox.customer.pay(outTradeNo);
            else o.sandbox.ledger.markPaid(outTradeNo);
          }
          return reply(200, 'application/json', await forward(body, type));
        }
        default:
          return reply(200, 'application/json', await forward(body, type));
      }
    } catch (e) {
      reply(502, 'text/plain', `proxy: ${(e as Error).message}`);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/gateway`,
    counts,
    calm: () => {
      calm = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
