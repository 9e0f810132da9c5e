// What never reaches a log file or a support bundle: a full payment code (masked first 4 + last
// 4, the design's rule), the gateway secret or any other registered secret value, private keys,
// signatures and the browser host's token.
import { maskCode } from '../../shared/paycode.js';

/** A digit run this long is a payment code (WeChat 18, Alipay 16–24) or as sensitive: masked. */
const CODE_RUN = /(?<![0-9])[0-9]{16,24}(?![0-9])/g;
const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const FIELD_NAMES = 'secret|key|sign|password|pin|managerPin|newManagerPin|token|auth_code|authCode';
/** "key":"value" (JSON) or key=value (query strings, signing input) of fields whose value is never logged. */
const SECRET_FIELDS = new RegExp(`("(?:${FIELD_NAMES})"\\s*:\\s*|\\b(?:${FIELD_NAMES})=)("[^"]*"|[^\\s&,;}"]+)`, 'gi');
/** Registered secrets shorter than this are not searched for (they would mask ordinary words). */
export const MIN_SECRET_CHARS = 6;

export function maskLine(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const s of secrets) {
    if (s && s.length >= MIN_SECRET_CHARS) out = out.split(s).join('[secret]');
  }
  out = out.replace(PEM_BLOCK, '[private key]');
  out = out.replace(SECRET_FIELDS, (_m, k: string, v: string) => {
    const quote = v.startsWith('"') ? '"' : '';
    const inner = quote ? v.slice(1, -1) : v;
    // A payment code in an auth_code field keeps its masked form, so a support person can match it.
    const shown = /^[0-9]{16,24}$/.test(inner) ? maskCode(inner) : '***';
    return `${k}${quote}${shown}${quote}`;
  });
  return out.replace(CODE_RUN, (code) => maskCode(code));
}
