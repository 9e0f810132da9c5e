// Signing and verifying (wire.md "Signing"): MD5 over the canonical string + `&key={secret}`,
// or SHA256withRSA (PKCS#1 v1.5, base64) over the canonical string. The canonical string itself
// is built by shared/canonical.ts. Secrets and keys are held in closures and never printed:
// every error raised here is our own text, never the key material or the input that carried it.
import { createHash, createPrivateKey, hash as oneShotHash, createPublicKey, createSign, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import { canonicalString, md5SignInput, type SignValue } from '../../shared/canonical.js';

export type SignType = 'MD5' | 'RSA';
export type SignFields = Readonly<Record<string, SignValue>>;

export class SignKeyError extends Error {
  override name = 'SignKeyError';
}

// crypto.hash (Node ≥ 20.12) hashes in one call, without a Hash object per signature.
const hasOneShot = typeof oneShotHash === 'function';

export function md5Hex(text: string): string {
  return hasOneShot ? oneShotHash('md5', text, 'hex') : createHash('md5').update(text, 'utf8').digest('hex');
}

export function signMd5(fields: SignFields, secret: string): string {
  return md5Hex(md5SignInput(fields, secret));
}

/** Case-insensitive, constant-time comparison of a received MD5 signature. */
export function verifyMd5(fields: SignFields, secret: string, sign: unknown): boolean {
  if (typeof sign !== 'string' || sign.length !== 32) return false;
  const expected = Buffer.from(signMd5(fields, secret), 'latin1');
  const given = Buffer.from(sign.toLowerCase(), 'latin1');
  return given.length === 32 && timingSafeEqual(expected, given);
}

/** Parses a PEM private key once; the error never quotes the PEM. */
export function privateKeyFromPem(pem: string, what = 'private key'): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new SignKeyError(`${what}: not a readable PEM private key`);
  }
}

export function publicKeyFromPem(pem: string, what = 'public key'): KeyObject {
  try {
    return createPublicKey(pem);
  } catch {
    throw new SignKeyError(`${what}: not a readable PEM public key`);
  }
}

export function signRsa(fields: SignFields, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(canonicalString(fields), 'utf8').sign(privateKey, 'base64');
}

export function verifyRsa(fields: SignFields, publicKey: KeyObject, sign: unknown): boolean {
  if (typeof sign !== 'string' || sign === '' || !/^[A-Za-z0-9+/=\s]+$/.test(sign)) return false;
  try {
    return createVerify('RSA-SHA256').update(canonicalString(fields), 'utf8').verify(publicKey, sign, 'base64');
  } catch {
    return false;
  }
}

/** One side's signing identity: how it signs what it sends and verifies what it receives. */
export interface Signer {
  readonly signType: SignType;
  sign(fields: SignFields): string;
  verify(fields: SignFields, sign: unknown): boolean;
}

/** MD5: both directions use the shared secret. */
export function md5Signer(secret: string): Signer {
  if (typeof secret !== 'string' || secret === '') throw new SignKeyError('secret: is required for MD5 signing');
  return {
    signType: 'MD5',
    sign: (fields) => signMd5(fields, secret),
    verify: (fields, sign) => verifyMd5(fields, secret, sign),
    // No toJSON/inspect of the secret: it lives only in these closures.
  };
}

/** RSA: sign with our private key, verify with the peer's public key. */
export function rsaSigner(ownPrivateKey: KeyObject, peerPublicKey: KeyObject): Signer {
  return {
    signType: 'RSA',
    sign: (fields) => signRsa(fields, ownPrivateKey),
    verify: (fields, sign) => verifyRsa(fields, peerPublicKey, sign),
  };
}
