// Signing: fixed vectors computed outside our code (Python hashlib, openssl), and properties of
// the canonical string: key order does not matter, empty values are dropped, Unicode, values with
// `&` and `=`; RSA sign and verify both ways.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString, compareCodePoints, md5SignInput, type SignValue } from '../../../shared/canonical.js';
import { md5Signer, privateKeyFromPem, publicKeyFromPem, rsaSigner, signMd5, signRsa, verifyMd5, verifyRsa, SignKeyError } from '../../../electron/gateway/sign.js';

const fixtures = new URL('../../fixtures/gateway/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');
const md5Vectors = JSON.parse(read('sign-vectors.json')) as Array<{ name: string; fields: Record<string, SignValue>; secret: string; canonical: string; md5: string }>;
const rsaVectors = JSON.parse(read('rsa-vectors.json')) as Array<{ name: string; fields: Record<string, SignValue>; canonical: string; rsa_sha256_base64: string }>;
const merchantPriv = createPrivateKey(read('merchant-test-private.pem'));
const merchantPub = createPublicKey(read('merchant-test-public.pem'));
const platformPriv = createPrivateKey(read('platform-test-private.pem'));
const platformPub = createPublicKey(read('platform-test-public.pem'));

describe('MD5 vectors (computed independently)', () => {
  it.each(md5Vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(canonicalString(v.fields)).toBe(v.canonical);
    expect(signMd5(v.fields, v.secret)).toBe(v.md5);
    expect(verifyMd5(v.fields, v.secret, v.md5.toUpperCase())).toBe(true); // case-insensitive
    expect(verifyMd5(v.fields, `${v.secret}x`, v.md5)).toBe(false);
  });
});

describe('RSA vectors (openssl)', () => {
  it.each(rsaVectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(canonicalString(v.fields)).toBe(v.canonical);
    expect(signRsa(v.fields, merchantPriv)).toBe(v.rsa_sha256_base64);
    expect(verifyRsa(v.fields, merchantPub, v.rsa_sha256_base64)).toBe(true);
    expect(verifyRsa(v.fields, platformPub, v.rsa_sha256_base64)).toBe(false);
  });

  it('signs and verifies both ways: merchant → gateway, gateway → merchant', () => {
    const merchant = rsaSigner(merchantPriv, platformPub);
    const gateway = rsaSigner(platformPriv, merchantPub);
    const req = { app_id: 'a', method: 'trade.query', version: '1.0', content: '{"out_trade_no":"X1"}' };
    expect(gateway.verify(req, merchant.sign(req))).toBe(true);
    const ans = { code: 0, msg: '成功', content: '{}' };
    expect(merchant.verify(ans, gateway.sign(ans))).toBe(true);
    // Each side refuses its own signature where the peer's is expected.
    expect(merchant.verify(ans, merchant.sign(ans))).toBe(false);
    expect(merchant.verify({ ...ans, code: 1 }, gateway.sign(ans))).toBe(false);
    expect(merchant.verify(ans, 'not base64 !!')).toBe(false);
    expect(merchant.verify(ans, undefined)).toBe(false);
  });

  it('key errors name the field, never the key material', () => {
    const secretPem = '-----BEGIN PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END PRIVATE KEY-----';
    let err: unknown;
    try {
      privateKeyFromPem(secretPem, 'merchantPrivateKeyPem');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SignKeyError);
    expect(String((err as Error).message)).toContain('merchantPrivateKeyPem');
    expect(String((err as Error).message)).not.toContain('TOPSECRET');
    expect(() => publicKeyFromPem('nope')).toThrow(SignKeyError);
  });
});

const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== 'sign' && k !== 'sign_type');
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constantFrom('', 'a&b=c', '==&&', '中文 ☕ 𠀀'));
const fieldsArb = fc.dictionary(key, value, { maxKeys: 10 });

describe('canonical string properties', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const reversed = Object.fromEntries(Object.entries(fields).reverse());
        expect(canonicalString(reversed)).toBe(canonicalString(fields));
      }),
    );
  });

  it('drops empty values exactly', () => {
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom('', null, undefined), key, (fields, empty, k) => {
        const withEmpty: Record<string, SignValue> = { ...fields, [k]: empty };
        const without = { ...fields };
        delete without[k];
        expect(canonicalString(withEmpty)).toBe(canonicalString(without));
      }),
    );
  });

  it('sorts keys in UTF-8 byte order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(Math.sign(compareCodePoints(a, b))).toBe(bytes);
      }),
    );
  });

  it('keeps values raw, including & = and Unicode, and a changed value changes the MD5', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (v) => {
        const f = { a: v, b: 'x' };
        expect(canonicalString(f)).toBe(`a=${v}&b=x`);
        expect(signMd5(f, 'k')).not.toBe(signMd5({ a: `${v}!`, b: 'x' }, 'k'));
      }),
    );
  });

  it('never signs sign or sign_type, and the MD5 input ends with &key=', () => {
    expect(canonicalString({ sign: 'x', sign_type: 'MD5', a: '1' })).toBe('a=1');
    expect(md5SignInput({ a: '1' }, 'S')).toBe('a=1&key=S');
  });

  it('an MD5 signer keeps its secret out of every string form', () => {
    const s = md5Signer('very-secret-value');
    expect(JSON.stringify(s)).not.toContain('very-secret-value');
    expect(String(s)).not.toContain('very-secret-value');
  });
});
