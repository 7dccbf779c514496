import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { KyselyIpAttemptStore } from './auth0-ip-attempts.js';

const take = (current: { used: number; at: number } | undefined) => ({ used: (current?.used ?? 0) + 1, at: 5_000 });

forEachDialect('suspicious IP throttling buckets', (storage, env) => {
  it('keeps a bucket per stage and IP, and clears every stage of an IP', async () => {
    const store = new KyselyIpAttemptStore(storage());
    expect(await store.get('pre-login', '192.0.2.1')).toBeUndefined();
    expect(await store.update('pre-login', '192.0.2.1', () => ({ used: 1.5, at: 1_000 }))).toEqual({ used: 1.5, at: 1_000 });
    await store.update('pre-user-registration', '192.0.2.1', take);
    await store.update('pre-login', '192.0.2.2', take);
    expect(await store.get('pre-login', '192.0.2.1')).toEqual({ used: 1.5, at: 1_000 });
    expect(await store.get('pre-user-registration', '192.0.2.1')).toEqual({ used: 1, at: 5_000 });
    await store.clear('192.0.2.1');
    expect(await store.get('pre-login', '192.0.2.1')).toBeUndefined();
    expect(await store.get('pre-user-registration', '192.0.2.1')).toBeUndefined();
    expect(await store.get('pre-login', '192.0.2.2')).toEqual({ used: 1, at: 5_000 });
  });

  it('concurrent attempts for one IP are all counted, also from another node of the same database', async () => {
    const stores = [new KyselyIpAttemptStore(storage())];
    // Another process's connection: on PostgreSQL another pool (another node); SQLite serialises one process's writers.
    if (env.dialect === 'postgres') stores.push(new KyselyIpAttemptStore(await env.database().open()));
    await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % stores.length]!.update('pre-login', '198.51.100.7', take)));
    expect(await stores[0]!.get('pre-login', '198.51.100.7')).toEqual({ used: 24, at: 5_000 });
  });
});
