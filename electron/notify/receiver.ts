// The callback receiver (wire.md "Callback"): an optional HTTP listener on the till. It verifies
// the gateway's signature, parses the order and amount, hands the notice to the payment engine
// (which checks the order exists and the amount matches, and applies it idempotently), and
// answers exactly `SUCCESS` only after the engine's journal commit. Anything else gets `FAIL`
// and the gateway delivers again later.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireYuanToFen } from '../../shared/money.js';
import type { Signer } from '../gateway/sign.js';
import type { NoticeResult, PaidNotice } from '../checkout/engine.js';

/** A callback is a short form; anything bigger is not one. */
export const MAX_NOTIFY_BODY_BYTES = 16_384;
/** Time a slow sender gets to deliver its body. */
export const NOTIFY_BODY_TIMEOUT_MS = 10_000;
const OUT_TRADE_NO = /^[A-Za-z0-9_]{1,64}$/;

export interface NotifyReceiverOptions {
  /** 127.0.0.1 unless the gateway reaches the till over the LAN. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** e.g. /notify */
  path: string;
  /** Verifies the gateway's signature (same signer as the gateway client's). */
  signer: Signer;
  apply(notice: PaidNotice): Promise<NoticeResult>;
  log?: (line: string) => void;
}

export interface NotifyReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type ParsedNotice = { ok: true; notice: PaidNotice } | { ok: false; status: number; reason: string };

/** Parses and verifies a callback body (form or JSON). Pure apart from the signer. */
export function parseNotice(body: string, contentType: string | undefined, signer: Signer): ParsedNotice {
  let fields: Record<string, string>;
  try {
    if ((contentType ?? '').includes('application/json')) {
      const v: unknown = JSON.parse(body);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, status: 400, reason: 'body is not a JSON object' };
      fields = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
    } else {
      fields = Object.fromEntries(new URLSearchParams(body));
    }
  } catch {
    return { ok: false, status: 400, reason: 'body is not a form or JSON object' };
  }
  if (!fields['sign']) return { ok: false, status: 400, reason: 'sign: missing' };
  if (fields['sign_type'] && fields['sign_type'] !== signer.signType) return { ok: false, status: 400, reason: `sign_type: expected ${signer.signType}` };
  if (!signer.verify(fields, fields['sign'])) return { ok: false, status: 400, reason: 'sign: does not verify' };
  const outTradeNo = fields['out_trade_no'] ?? '';
  if (!OUT_TRADE_NO.test(outTradeNo)) return { ok: false, status: 400, reason: 'out_trade_no: must be 1–64 of [A-Za-z0-9_]' };
  const totalFen = wireYuanToFen(fields['total_amount'] ?? '');
  if (totalFen === null || totalFen < 1) return { ok: false, status: 400, reason: 'total_amount: must be an amount in yuan with at most two decimals' };
  return {
    ok: true,
    notice: {
      outTradeNo,
      tradeNo: fields['trade_no'] || null,
      totalFen,
      tradeStatus: fields['trade_status'] || null,
      payTime: fields['pay_time'] || null,
    },
  };
}

const ANSWER_STATUS: Record<NoticeResult, [number, string]> = {
  applied: [200, 'SUCCESS'],
  duplicate: [200, 'SUCCESS'],
  recorded: [200, 'SUCCESS'],
  unknown_order: [404, 'FAIL: no such order at this till'],
  amount_mismatch: [409, 'FAIL: amount differs from the order'],
};

export async function startNotifyReceiver(opts: NotifyReceiverOptions): Promise<NotifyReceiver> {
  const log = opts.log ?? (() => undefined);
  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = NOTIFY_BODY_TIMEOUT_MS;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== opts.path) return send(res, 404, 'FAIL: not found');
    if (req.method !== 'POST') return send(res, 405, 'FAIL: POST only');
    const body = await readBody(req);
    if (body === null) return send(res, 413, `FAIL: body exceeds ${MAX_NOTIFY_BODY_BYTES} bytes`);
    const parsed = parseNotice(body, req.headers['content-type'], opts.signer);
    if (!parsed.ok) {
      log(`notify refused: ${parsed.reason}`);
      return send(res, parsed.status, `FAIL: ${parsed.reason}`);
    }
    try {
      const result = await opts.apply(parsed.notice);
      log(`notify ${parsed.notice.outTradeNo}: ${result}`);
      const [status, text] = ANSWER_STATUS[result];
      send(res, status, text);
    } catch (e) {
      log(`notify ${parsed.notice.outTradeNo} failed: ${(e as Error).message}`);
      send(res, 500, 'FAIL: not recorded');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}${opts.path}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > MAX_NOTIFY_BODY_BYTES) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function send(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
