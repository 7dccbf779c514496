import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { KyselyOidcPayloadRepository } from './auth0-oidc-payloads.js';

/** oidc-provider's store (surfaces/auth0/adapter.ts): writes batched on SQLite, direct on PostgreSQL. */
forEachDialect('auth0 oidc payloads', (storage) => {
  it('concurrent writes all land (one group commit on SQLite); consumeOnce lets exactly one caller consume', async () => {
    let now = 1_000_000;
    const payloads = new KyselyOidcPayloadRepository(storage(), () => now);
    await Promise.all(Array.from({ length: 20 }, (_, i) => payloads.upsert('AccessToken', `at${i}`, { grantId: 'g1', i }, now + 60_000)));
    await payloads.upsert('RefreshToken', 'rt1', { grantId: 'g1', clientId: 'c' }, now + 60_000);
    expect((await payloads.find('AccessToken', 'id', 'at7'))?.payload).toEqual({ grantId: 'g1', i: 7 });

    const outcomes = await Promise.all([payloads.consumeOnce('RefreshToken', 'rt1'), payloads.consumeOnce('RefreshToken', 'rt1'), payloads.consumeOnce('RefreshToken', 'rt1')]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await payloads.find('RefreshToken', 'id', 'rt1')).toMatchObject({ consumedAt: now });
    now += 5;
    expect(await payloads.consumeOnce('RefreshToken', 'rt1')).toBe(false); // the first consumption time stays
    expect(await payloads.find('RefreshToken', 'id', 'rt1')).toMatchObject({ consumedAt: now - 5 });
    expect(await payloads.consumeOnce('RefreshToken', 'missing')).toBe(false);

    await payloads.revokeByGrantId('g1');
    expect(await payloads.find('AccessToken', 'id', 'at7')).toBeUndefined();
    expect(await payloads.find('RefreshToken', 'id', 'rt1')).toBeUndefined();
  });
});
