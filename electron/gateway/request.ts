// Building a request (wire.md "Request"): validate → business params to the wire (fen → yuan) →
// the `content` string, built ONCE → the public fields → sign → form body. Pure apart from the
// signer, so each step is testable alone.
import {
  issuesMessage,
  methodSpec,
  toWireParams,
  validateParams,
  type FieldIssue,
  type MethodName,
  type VariantSpec,
} from '../../shared/methods.js';
import type { Signer } from './sign.js';

export const PROTOCOL_VERSION = '1.0';

export interface PreparedRequest {
  method: MethodName;
  variant: VariantSpec;
  /** The JSON string that is signed and sent, byte for byte. */
  content: string;
  /** The public fields including `sign` and `sign_type`. */
  fields: Record<string, string>;
  /** application/x-www-form-urlencoded body. */
  body: string;
}

export type Prepared = { ok: true; request: PreparedRequest } | { ok: false; issues: FieldIssue[]; message: string };

/** Step 1–2: validated app params → the content string. */
export function buildContent(method: MethodName, params: unknown): { ok: true; variant: VariantSpec; content: string } | { ok: false; issues: FieldIssue[] } {
  const v = validateParams(method, params, { unknownKeys: 'refuse' });
  if (!v.ok) return { ok: false, issues: v.issues };
  const wire = toWireParams(v.variant, params as Record<string, unknown>);
  return { ok: true, variant: v.variant, content: JSON.stringify(wire) };
}

/** Step 3: the public fields around a content string, signed. */
export function signEnvelope(appId: string, method: string, content: string, signer: Signer): Record<string, string> {
  const fields: Record<string, string> = { app_id: appId, method, version: PROTOCOL_VERSION, sign_type: signer.signType, content };
  fields['sign'] = signer.sign(fields);
  return fields;
}

/** application/x-www-form-urlencoded, UTF-8 (what URLSearchParams writes, without its cost). */
export function formBody(fields: Readonly<Record<string, string>>): string {
  let out = '';
  for (const k of Object.keys(fields)) {
    out += `${out === '' ? '' : '&'}${encodeURIComponent(k)}=${encodeURIComponent(fields[k]!)}`;
  }
  return out;
}

export function prepareRequest(method: MethodName, params: unknown, appId: string, signer: Signer): Prepared {
  methodSpec(method); // asserts the name is in the table (typed callers always pass one)
  const built = buildContent(method, params);
  if (!built.ok) return { ok: false, issues: built.issues, message: issuesMessage(built.issues) };
  const fields = signEnvelope(appId, method, built.content, signer);
  return { ok: true, request: { method, variant: built.variant, content: built.content, fields, body: formBody(fields) } };
}
