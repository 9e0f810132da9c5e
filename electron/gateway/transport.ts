// POST with a timeout and an abort signal, reading at most MAX_RESPONSE_BYTES. Every failure is a
// reason string (data): the caller turns it into an `unknown` outcome, never a failed payment.

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

export async function postBody(url: string, body: string, opts: PostOptions): Promise<TransportResult> {
  const maxBytes = opts.maxBytes ?? MAX_RESPONSE_BYTES;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
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
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, reason: `answer of ${declared} bytes exceeds ${maxBytes} bytes` };
    }
    const bytes = await readLimited(res, maxBytes);
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
