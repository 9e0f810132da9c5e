// The canonical string that the gateway protocol signs (wire.md "Signing"), as a pure function so
// that the client, the sandbox and the tests build it in exactly one way.
//   1. every field except `sign` and `sign_type`
//   2. drop empty values ("", null, undefined)
//   3. sort keys byte-wise ascending (UTF-8 byte order = Unicode code point order)
//   4. join `key=value` with `&`, values raw (not URL-encoded)
// MD5 appends `&key={secret}` (md5SignInput); RSA signs the canonical string as is.
// Hashing itself lives in electron/gateway/sign.ts: shared/ has no node:crypto.

/** A field value as it may appear in a request, a response or a callback. */
export type SignValue = string | number | boolean | null | undefined;

/** Fields never covered by the signature. */
export const UNSIGNED_FIELDS: readonly string[] = ['sign', 'sign_type'];

/** The text a value contributes: numbers as their decimal text, strings raw. */
export function signValueText(value: SignValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') {
    // A non-finite number has no decimal text on the wire (JSON cannot carry it either).
    if (!Number.isFinite(value)) throw new TypeError('cannot sign a non-finite number');
    return String(value);
  }
  return value ? 'true' : 'false';
}

/**
 * Compares two strings by Unicode code point, which is the byte order of their UTF-8 encodings.
 * Plain `<` compares UTF-16 code units, which differs only when a surrogate pair (U+10000 and
 * above) meets a code unit in U+E000–U+FFFF; that case is handled explicitly.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate stands for a code point ≥ U+10000, above every BMP code point, although as a
    // code unit it sorts below U+E000–U+FFFF. Two surrogates (or two BMP units) compare as units.
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The canonical string over every signed, non-empty field. */
export function canonicalString(fields: Readonly<Record<string, SignValue>>): string {
  const parts: Array<[string, string]> = [];
  for (const key of Object.keys(fields)) {
    if (UNSIGNED_FIELDS.includes(key)) continue;
    const text = signValueText(fields[key]);
    if (text === null) continue;
    parts.push([key, text]);
  }
  parts.sort((p, q) => compareCodePoints(p[0], q[0]));
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const [k, v] = parts[i]!;
    out += i === 0 ? `${k}=${v}` : `&${k}=${v}`;
  }
  return out;
}

/** What MD5 hashes: the canonical string plus `&key={secret}`. Never log its result. */
export function md5SignInput(fields: Readonly<Record<string, SignValue>>, secret: string): string {
  return `${canonicalString(fields)}&key=${secret}`;
}
