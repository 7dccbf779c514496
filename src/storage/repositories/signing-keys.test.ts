import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { systemClock } from '../../core/clock.js';
import { Sealer } from '../../core/keys/sealer.js';
import { SigningKeyRing } from '../../core/keys/signing-key-ring.js';
import { KyselySigningKeyRepository } from './signing-keys.js';

const master = new Sealer(Buffer.alloc(32, 11));

forEachDialect('signing keys in the keys table', (storage, env) => {
  const ring = (s = storage(), purpose = 'ring-test') => new SigningKeyRing(new KyselySigningKeyRepository(s), master, systemClock, { purpose, alg: 'RS256' });

  it('nodes starting at once (two connections) converge on the same keys', async () => {
    const other = await env.database().open();
    const [a, b] = await Promise.all([ring(storage(), 'race').current(), ring(other, 'race').current()]);
    expect(a.kid).toBe(b.kid);
    expect(await ring(other, 'race').verificationKeys()).toEqual(await ring(storage(), 'race').verificationKeys());
  });

  it('rotates atomically; the losing node of a race changes nothing', async () => {
    const a = ring();
    const key = await a.current();
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    await Promise.all([a.rotate(), ring().rotate()]);
    const rows = await storage().db.selectFrom('keys').select(['id', 'status']).where('purpose', '=', 'ring-test').orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'ring-test/1', status: 'previous' },
      { id: 'ring-test/2', status: 'current' },
      { id: 'ring-test/3', status: 'next' },
    ]);
    const fresh = ring();
    expect((await fresh.current()).kid).toBe('ring-test-2');
    await expect(jwtVerify(token, createLocalJWKSet({ keys: await fresh.verificationKeys() }))).resolves.toBeDefined();
  });
});
