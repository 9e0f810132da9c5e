// The server side of the envelope: read a request (form or JSON), find the app, verify the
// signature, and write signed answers (wire.md "Response"). Callbacks are signed the same way.
import { signValueText, type SignValue } from '../../shared/canonical.js';
import { STATUS, statusMessage } from '../../shared/status-codes.js';
import type { Signer } from '../gateway/sign.js';

/** Largest request body the sandbox reads. */
export const MAX_REQUEST_BYTES = 1_048_576;

export type RequestFields = Record<string, SignValue>;

/** form or JSON body → flat fields; null when it is neither. */
export function parseRequestBody(body: string, contentType: string | undefined): RequestFields | null {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('application/json')) {
    try {
      const v: unknown = JSON.parse(body);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
      const out: RequestFields = {};
      for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
        if (val !== null && typeof val === 'object') return null;
        out[k] = val as SignValue;
      }
      return out;
    } catch {
      return null;
    }
  }
  const out: RequestFields = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export interface Answer {
  code: number;
  msg: string;
  /** Business content (already wire form), or null. */
  content: Record<string, unknown> | null;
}

export function answer(code: number, detail?: string, content: Record<string, unknown> | null = null): Answer {
  return { code, msg: detail ? `${statusMessage(code)}: ${detail}` : statusMessage(code), content };
}

/** The JSON text of an answer, signed when a signer is known (all but 10001). */
export function encodeAnswer(a: Answer, signer: Signer | null): string {
  const fields: Record<string, string | number> = { code: a.code, msg: a.msg };
  if (a.content !== null) fields['content'] = JSON.stringify(a.content);
  if (signer) {
    fields['sign_type'] = signer.signType;
    fields['sign'] = signer.sign(fields);
  }
  return JSON.stringify(fields);
}

export const unknownApp = (): Answer => answer(STATUS.INVALID_APP_ID);

/** Callback fields as strings, signed: what goes to notify_url as a form. */
export function signCallback(fields: Record<string, SignValue>, signer: Signer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const t = signValueText(v);
    if (t !== null) out[k] = t;
  }
  out['sign_type'] = signer.signType;
  out['sign'] = signer.sign(out);
  return out;
}
