// POST with a timeout and an abort signal, reading at most MAX_RESPONSE_BYTES. Every failure is a
// reason string (data): the caller turns it into an `unknown` outcome, never a failed payment.
//
// Two transports with the same contract: node:http(s) with a keep-alive agent (the default: the
// main process is Node, and it costs a fraction of fetch's CPU per call), or a `fetchImpl` when the
// caller supplies one (tests use it to damage requests on the way).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Default wait for one gateway answer. Shorter than the sandbox's 30 s slow-answer scenario. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The biggest answer we read; anything bigger is not a gateway answer (and could exhaust memory). */
export const MAX_RESPONSE_BYTES = 1_048_576;

export type TransportResult = { ok: true; text: string } | { ok: false; reason: string };

export interface PostOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  maxBytes?: number;
  fetchImpl?: typeof fetch;
  contentType?: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Connections kept open to the gateway at most (a till makes one call at a time, plus the reconciler). */
export const MAX_GATEWAY_SOCKETS = 8;
/**
 * An idle keep-alive connection is closed after this long: shorter than common server keep-alive
 * timeouts (Node 5 s, nginx 75 s), so we do not send a payment on a socket the server is closing.
 */
export const IDLE_SOCKET_MS = 4_000;
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_GATEWAY_SOCKETS, timeout: IDLE_SOCKET_MS });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: MAX_GATEWAY_SOCKETS, timeout: IDLE_SOCKET_MS });

/** POST over node:http(s). */
export function postNode(url: string, body: string, opts: PostOptions): Promise<TransportResult> {
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ ok: false, reason: 'transport error: the gateway URL is not a URL' });
    }
    const https = target.protocol === 'https:';
    let settled = false;
    let cause: 'timeout' | 'abort' | 'limit' | null = null;
    const finish = (r: TransportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const failure = (err: unknown): TransportResult => {
      if (cause === 'timeout') return { ok: false, reason: `no answer within ${opts.timeoutMs} ms` };
      if (cause === 'abort') return { ok: false, reason: 'aborted by the caller' };
      const e = err as { code?: string; message?: string };
      return { ok: false, reason: `transport error: ${e?.code ?? e?.message ?? String(err)}` };
    };
    const req = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: https ? httpsAgent : httpAgent,
        headers: { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          return finish({ ok: false, reason: `HTTP ${res.statusCode} from the gateway` });
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          cause = 'limit';
          req.destroy();
          return finish({ ok: false, reason: `answer of ${declared} bytes exceeds ${maxBytes} bytes` });
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (c: Buffer) => {
          total += c.length;
          if (total > maxBytes) {
            cause = 'limit';
            req.destroy();
            return finish({ ok: false, reason: `answer exceeds ${maxBytes} bytes` });
          }
          chunks.push(c);
        });
        res.on('end', () => {
          try {
            finish({ ok: true, text: decoder.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total)) });
          } catch {
            finish({ ok: false, reason: 'answer is not valid UTF-8' });
          }
        });
        res.on('error', (err) => finish(failure(err)));
        res.on('close', () => {
          if (!res.complete) finish(failure(new Error('connection closed before the answer was complete')));
        });
      },
    );
    req.on('error', (err) => finish(failure(err)));
    const timer = setTimeout(() => {
      cause = 'timeout';
      req.destroy(new Error('timeout'));
      finish(failure(null));
    }, opts.timeoutMs);
    const onAbort = () => {
      cause = 'abort';
      req.destroy(new Error('aborted'));
      finish(failure(null));
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/** POST with the configured transport: fetchImpl when given, node:http(s) otherwise. */
export function postBody(url: string, body: string, opts: PostOptions): Promise<TransportResult> {
  return opts.fetchImpl ? postFetch(url, body, opts) : postNode(url, body, opts);
}

/** POST over fetch (global or supplied). */
export async function postFetch(url: string, body: string, opts: PostOptions): Promise<TransportResult> {
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  // A plain controller and timer, cleared as soon as the answer is read (cheaper than
  // AbortSignal.timeout, whose timer outlives the call).
  const timeoutCtl = new AbortController();
  const timer = setTimeout(() => timeoutCtl.abort(), opts.timeoutMs);
  const timeout = timeoutCtl.signal;
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    return await exchange(url, body, opts, signal, timeout, maxBytes);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(url: string, body: string, opts: PostOptions, signal: AbortSignal, timeout: AbortSignal, maxBytes: number): Promise<TransportResult> {
  const doFetch = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': opts.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
      signal,
    });
  } catch (err) {
    return { ok: false, reason: abortReason(timeout, opts.signal, opts.timeoutMs) ?? `transport error: ${errorText(err)}` };
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    return { ok: false, reason: `HTTP ${res.status} from the gateway` };
  }
  try {
    const declaredText = res.headers.get('content-length');
    const declared = declaredText === null ? NaN : Number(declaredText);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `answer of ${declared} bytes exceeds ${maxBytes} bytes` };
    }
    // With a declared length within the limit the HTTP framing bounds the body, and reading it
    // whole is much cheaper than a chunk loop; without one (chunked) we count as we read.
    const bytes = Number.isFinite(declared) ? new Uint8Array(await res.arrayBuffer()) : await readLimited(res, maxBytes);
    if (bytes === null) return { ok: false, reason: `answer exceeds ${maxBytes} bytes` };
    try {
      return { ok: true, text: decoder.decode(bytes) };
    } catch {
      return { ok: false, reason: 'answer is not valid UTF-8' };
    }
  } catch (err) {
    return { ok: false, reason: abortReason(timeout, opts.signal, opts.timeoutMs) ?? `transport error while reading the answer: ${errorText(err)}` };
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function abortReason(timeout: AbortSignal, caller: AbortSignal | undefined, timeoutMs: number): string | null {
  if (timeout.aborted) return `no answer within ${timeoutMs} ms`;
  if (caller?.aborted) return 'aborted by the caller';
  return null;
}

function errorText(err: unknown): string {
  // undici wraps the socket error in `cause`; its code (ECONNREFUSED…) is the useful part.
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? 'fetch failed'} (${cause})` : (e?.message ?? String(err));
}
