import { constants, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeySet, type SupportedAlg } from './key-set.js';

const rsa = { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
const p256 = { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ' };

describe('KeySet', () => {
  it('keeps only public RSA/EC signing keys', () => {
    const set = new KeySet([
      { ...rsa, kid: 'ok' },
      { ...rsa, kid: 'enc', use: 'enc' },
      { ...rsa, kid: 'ops', key_ops: ['encrypt'] },
      { ...rsa, kid: 'private', d: 'AQAB' },
      { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      { kty: 'OKP', crv: 'Ed25519', x: 'eA', kid: 'ed' },
      { ...p256, crv: 'secp256k1', kid: 'k1' },
      { ...p256, kid: 'ec' },
      'junk',
      null,
    ]);
    expect(set.entries.map((e) => e.kid)).toEqual(['ok', 'ec']);
    expect(set.entries[0]?.jwk).toEqual(rsa); // only the public members are kept
  });

  it('finds keys by kid and algorithm', () => {
    const set = new KeySet([
      { ...rsa, kid: 'r' },
      { ...p256, kid: 'e' },
      { ...rsa, kid: 'r384', alg: 'RS384' },
    ]);
    expect(set.find('r', 'RS512')).toMatchObject({ status: 'found' });
    expect(set.find('e', 'ES256')).toMatchObject({ status: 'found' });
    expect(set.find('e', 'ES384')).toEqual({ status: 'incompatible' });
    expect(set.find('e', 'RS256')).toEqual({ status: 'incompatible' });
    expect(set.find('r384', 'RS256')).toEqual({ status: 'incompatible' });
    expect(set.find('missing', 'RS256')).toEqual({ status: 'unknownKid' });
    // Without a kid: exactly one fitting key, or nothing.
    expect(set.find(undefined, 'ES256')).toMatchObject({ status: 'found', keys: [{ kid: 'e' }] });
    expect(set.find(undefined, 'RS256')).toMatchObject({ status: 'found', keys: [{ kid: 'r' }] });
    expect(set.find(undefined, 'RS384')).toEqual({ status: 'unknownKid' }); // r and r384 both fit
  });
});

describe('KeySet.verify (node:crypto)', () => {
  const rsaPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ecPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ec384Pair = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwkOf = (k: KeyObject, kid: string) => ({ ...k.export({ format: 'jwk' }), kid });
  const set = new KeySet([jwkOf(rsaPair.publicKey, 'rsa'), jwkOf(ecPair.publicKey, 'ec'), jwkOf(ec384Pair.publicKey, 'ec384'), jwkOf(smallRsa.publicKey, 'small')]);
  const entry = (kid: string) => set.entries.find((e) => e.kid === kid)!;
  const input = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0');
  const rs256 = sign('sha256', input, rsaPair.privateKey);
  const es256 = sign('sha256', input, { key: ecPair.privateKey, dsaEncoding: 'ieee-p1363' });

  it('verifies RS256 (PKCS#1 v1.5) and ES256 (r ‖ s) signatures of the right key', () => {
    expect(set.verify(entry('rsa'), 'RS256', input, rs256)).toBe(true);
    expect(set.verify(entry('ec'), 'ES256', input, es256)).toBe(true);
    expect(set.verify(entry('rsa'), 'RS256', Buffer.from(`${input.toString()}x`), rs256)).toBe(false);
  });

  it('pins the algorithm to the key: no other hash, family, curve, HMAC or none', () => {
    expect(set.verify(entry('rsa'), 'RS384', input, rs256)).toBe(false);
    expect(set.verify(entry('rsa'), 'ES256', input, es256)).toBe(false);
    expect(set.verify(entry('ec'), 'RS256', input, rs256)).toBe(false);
    expect(set.verify(entry('ec384'), 'ES256', input, es256)).toBe(false);
    // HS256 keyed with the public key's text (the classic confusion) and `none` are not algorithms here.
    const pem = rsaPair.publicKey.export({ format: 'pem', type: 'spki' });
    const hs = createHmac('sha256', pem).update(input).digest();
    expect(set.verify(entry('rsa'), 'HS256' as SupportedAlg, input, hs)).toBe(false);
    expect(set.verify(entry('rsa'), 'none' as SupportedAlg, input, Buffer.alloc(0))).toBe(false);
    // An RSA-PSS signature by the right key is not PKCS#1 v1.5.
    const pss = sign('sha256', input, { key: rsaPair.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING });
    expect(set.verify(entry('rsa'), 'RS256', input, pss)).toBe(false);
    // A DER-encoded ECDSA signature is not the JWS encoding.
    const der = sign('sha256', input, ecPair.privateKey);
    expect(set.verify(entry('ec'), 'ES256', input, der)).toBe(false);
  });

  it('refuses RSA keys under 2048 bits and unusable JWKs', () => {
    const small = sign('sha256', input, smallRsa.privateKey);
    expect(() => set.verify(entry('small'), 'RS256', input, small)).toThrow(/2048/);
    const bad = new KeySet([{ ...p256, kid: 'e' }]);
    expect(() => bad.verify(bad.entries[0]!, 'ES256', input, es256)).toThrow();
  });
});
