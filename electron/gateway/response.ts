// Reading an answer (wire.md "Response"): parse the JSON envelope → verify its signature → map the
// code → parse `content` into the typed result. Anything that is not a well-formed, correctly
// signed envelope is `unknown`: the call may or may not have happened at the gateway.
import type { SignValue } from '../../shared/canonical.js';
import { fromWireResult, issuesMessage, type MethodName, type VariantSpec } from '../../shared/methods.js';
import { STATUS, statusMessage } from '../../shared/status-codes.js';
import { ok, rejected, unknown, type GatewayOutcome } from './outcome.js';
import type { Signer } from './sign.js';

/** How much of a bad answer a reason may quote (enough to recognise an HTML page). */
export const MAX_REASON_QUOTE_CHARS = 80;

export interface Envelope {
  code: number;
  msg: string;
  signType: unknown;
  sign: unknown;
  /** The raw content string ('' when absent). */
  content: string;
  /** Every top-level field as received, for the signature. */
  fields: Record<string, SignValue>;
}

export type EnvelopeParse = { ok: true; envelope: Envelope } | { ok: false; reason: string };

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_QUOTE_CHARS ? `${flat.slice(0, MAX_REASON_QUOTE_CHARS)}…` : flat;
}

/** Step: text → envelope, or why it is not one. */
export function parseEnvelope(text: string): EnvelopeParse {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, reason: `answer is not JSON: "${quote(text)}"` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, reason: 'answer is not a JSON object' };
  const obj = data as Record<string, unknown>;
  const fields: Record<string, SignValue> = {};
  for (const k in obj) {
    const v = obj[k];
    if (v !== null && typeof v === 'object') return { ok: false, reason: `answer field ${k} is not a plain value` };
    fields[k] = v as SignValue;
  }
  const rawCode = obj['code'];
  const code = typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' && /^\d{1,9}$/.test(rawCode) ? Number(rawCode) : NaN;
  if (!Number.isSafeInteger(code)) return { ok: false, reason: 'answer has no numeric code' };
  const content = obj['content'];
  if (content !== undefined && content !== null && typeof content !== 'string') return { ok: false, reason: 'answer content is not a JSON string' };
  const msg = typeof obj['msg'] === 'string' ? obj['msg'] : '';
  return { ok: true, envelope: { code, msg, signType: obj['sign_type'], sign: obj['sign'], content: content ?? '', fields } };
}

/** Step: is the envelope signed by the peer we expect? */
export function verifyEnvelope(env: Envelope, signer: Signer): { ok: true } | { ok: false; reason: string } {
  if (env.sign === undefined || env.sign === null || env.sign === '') return { ok: false, reason: `unsigned answer (code ${env.code})` };
  if (env.signType !== undefined && env.signType !== signer.signType) {
    return { ok: false, reason: `answer signed with ${String(env.signType)}, expected ${signer.signType} (code ${env.code})` };
  }
  if (!signer.verify(env.fields, env.sign)) return { ok: false, reason: `answer signature does not verify (code ${env.code})` };
  return { ok: true };
}

function parseContentObject(content: string): Record<string, unknown> | null {
  if (content === '') return null;
  try {
    const v: unknown = JSON.parse(content);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The whole read: text → outcome. */
export function readAnswer<T>(text: string, signer: Signer, method: MethodName, variant: VariantSpec): GatewayOutcome<T> {
  const parsed = parseEnvelope(text);
  if (!parsed.ok) return unknown(parsed.reason);
  const env = parsed.envelope;
  const verified = verifyEnvelope(env, signer);
  if (!verified.ok) {
    const hint = env.code === STATUS.INVALID_APP_ID ? ` — ${statusMessage(env.code, 'en')}: check the app id` : '';
    return unknown(`${verified.reason}${hint}`, env.code === 0 ? undefined : env.code);
  }
  if (env.code !== 0) {
    return rejected(env.code, env.msg !== '' ? env.msg : statusMessage(env.code), parseContentObject(env.content));
  }
  const content = parseContentObject(env.content);
  if (content === null) return unknown('code 0 answer without a JSON object in content');
  const result = fromWireResult(method, variant, content);
  if (!result.ok) return unknown(`code 0 answer with bad content: ${issuesMessage(result.issues)}`);
  return ok(result.value as T);
}
