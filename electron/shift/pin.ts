// Cashier PINs: stored only as salted scrypt hashes, compared in constant time.
// A 4–8 digit PIN is weak against an offline attack on a stolen database whatever the hash; the
// hash keeps it from being read off the disk, and the per-cashier lockout (service.ts) is what
// stops guessing at the till.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

import { PIN_RULE, PIN_RULE_TEXT } from '../../shared/pin.js';

export { PIN_RULE, PIN_RULE_TEXT };
/** scrypt cost: N = 2^14, r = 8, p = 1 (≈ 16 MiB, tens of ms): slow to guess, quick to sign in. */
export const SCRYPT_N = 16_384;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
export const PIN_SALT_BYTES = 16;
export const PIN_HASH_BYTES = 32;
/** The most memory a stored hash may ask scrypt for (refuses a tampered cost parameter). */
const SCRYPT_MAX_MEM_BYTES = 64 * 1024 * 1024;

function scrypt(pin: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(pin, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$saltHex$hashHex` */
export async function hashPin(pin: string): Promise<string> {
  if (!PIN_RULE.test(pin)) throw new Error(`pin: ${PIN_RULE_TEXT}`);
  const salt = randomBytes(PIN_SALT_BYTES);
  const key = await scrypt(pin, salt, PIN_HASH_BYTES, { N: SCRYPT_N, r: SCRYPT_R, p: SCRYPT_P, maxmem: SCRYPT_MAX_MEM_BYTES });
  return ['scrypt', SCRYPT_N, SCRYPT_R, SCRYPT_P, salt.toString('hex'), key.toString('hex')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new Error('stored PIN hash: not in the scrypt$N$r$p$salt$hash form');
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'hex');
  const expected = Buffer.from(parts[5]!, 'hex');
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || expected.length !== PIN_HASH_BYTES) {
    throw new Error('stored PIN hash: bad parameters');
  }
  // Still hash a malformed PIN, so a wrong-format guess takes as long as any other.
  const got = await scrypt(PIN_RULE.test(pin) ? pin : `x${pin}`, salt, expected.length, { N, r, p, maxmem: SCRYPT_MAX_MEM_BYTES });
  return timingSafeEqual(got, expected) && PIN_RULE.test(pin);
}
