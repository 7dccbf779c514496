import { describe, expect, it } from 'vitest';
import { KeySet } from './key-set.js';

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
