import { describe, expect, it } from 'vitest';
import { JwksCache } from './jwks-cache.js';
import type { FetchedJwks, JwksFetcher } from './jwks-fetcher.js';
import { TransportError, type TransportPolicy } from './transport.js';

const ISS = 'https://idp.example.com';
const policy: TransportPolicy = { thumbprints: [] };
const T0 = 1_700_000_000_000;

/** A fake fetcher answering from a script, counting calls. */
function fakeFetcher(answer: (call: number) => FetchedJwks | Error | Promise<FetchedJwks>) {
  const calls: string[] = [];
  const fetcher: JwksFetcher = async (issuer) => {
    calls.push(issuer);
    const a = await answer(calls.length);
    if (a instanceof Error) throw a;
    return a;
  };
  return { fetcher, calls };
}

const jwks = (kids: string[], maxAgeSeconds?: number): FetchedJwks => ({
  keys: kids.map((kid) => ({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid })),
  maxAgeSeconds,
  jwksUri: `${ISS}/jwks`,
});

describe('JwksCache', () => {
  it('serves from memory until max-age passes, bounded to [60 s, 24 h] with 10 min by default', async () => {
    for (const [maxAge, ttl] of [
      [undefined, 600],
      [5, 60],
      [0, 60],
      [3600, 3600],
      [10 * 86_400, 86_400],
    ] as const) {
      const { fetcher, calls } = fakeFetcher(() => jwks(['a'], maxAge));
      const cache = new JwksCache({ fetcher });
      await cache.get(ISS, policy, T0);
      await cache.get(ISS, policy, T0 + ttl * 1000 - 1);
      expect(calls.length, `max-age ${maxAge}`).toBe(1);
      await cache.get(ISS, policy, T0 + ttl * 1000);
      expect(calls.length, `max-age ${maxAge}`).toBe(2);
    }
  });

  it('shares one in-flight fetch among concurrent callers', async () => {
    let release: (v: FetchedJwks) => void = () => undefined;
    const { fetcher, calls } = fakeFetcher(() => new Promise<FetchedJwks>((r) => (release = r)));
    const cache = new JwksCache({ fetcher });
    const all = Promise.all([1, 2, 3].map(() => cache.get(ISS, policy, T0)));
    await Promise.resolve();
    release(jwks(['a']));
    const sets = await all;
    expect(calls.length).toBe(1);
    expect(new Set(sets).size).toBe(1);
  });

  it('treats issuers with and without a trailing slash as one', async () => {
    const { fetcher, calls } = fakeFetcher(() => jwks(['a']));
    const cache = new JwksCache({ fetcher });
    await cache.get(ISS, policy, T0);
    await cache.get(`${ISS}/`, policy, T0);
    expect(calls.length).toBe(1);
  });

  it('refetches for an unknown kid at most once per 30 s', async () => {
    const { fetcher, calls } = fakeFetcher((n) => jwks(n === 1 ? ['a'] : ['a', 'b']));
    const cache = new JwksCache({ fetcher });
    await cache.get(ISS, policy, T0);
    expect(await cache.refresh(ISS, policy, T0 + 29_999)).toBeUndefined();
    const refreshed = await cache.refresh(ISS, policy, T0 + 30_000);
    expect(refreshed?.entries.map((e) => e.kid)).toEqual(['a', 'b']);
    expect(await cache.refresh(ISS, policy, T0 + 31_000)).toBeUndefined();
    for (let i = 0; i < 50; i++) await cache.refresh(ISS, policy, T0 + 40_000 + i);
    expect(calls.length).toBe(2);
    // The refetched set is what get() serves from now on.
    expect((await cache.get(ISS, policy, T0 + 45_000)).entries).toHaveLength(2);
  });

  it('keeps entries of different thumbprint lists apart, but ignores case and order', async () => {
    const { fetcher, calls } = fakeFetcher(() => jwks(['a']));
    const cache = new JwksCache({ fetcher });
    await cache.get(ISS, { thumbprints: ['AA', 'bb'] }, T0);
    await cache.get(ISS, { thumbprints: ['BB', 'aa'] }, T0);
    expect(calls.length).toBe(1);
    await cache.get(ISS, { thumbprints: ['cc'] }, T0);
    expect(calls.length).toBe(2);
  });

  it('evicts the least recently used issuer beyond its bound', async () => {
    const { fetcher, calls } = fakeFetcher(() => jwks(['a']));
    const cache = new JwksCache({ fetcher, maxIssuers: 2 });
    await cache.get('https://one', policy, T0);
    await cache.get('https://two', policy, T0);
    await cache.get('https://one', policy, T0); // one is now the most recent
    await cache.get('https://three', policy, T0); // evicts two
    expect(cache.size).toBe(2);
    await cache.get('https://one', policy, T0);
    expect(calls).toEqual(['https://one', 'https://two', 'https://three']);
    await cache.get('https://two', policy, T0);
    expect(calls.at(-1)).toBe('https://two');
  });

  it('remembers a failure for 5 s instead of fetching again', async () => {
    const { fetcher, calls } = fakeFetcher((n) => (n === 1 ? new TransportError('invalid', ISS, 'HTTP 404') : jwks(['a'])));
    const cache = new JwksCache({ fetcher });
    await expect(cache.get(ISS, policy, T0)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(cache.get(ISS, policy, T0 + 4_999)).rejects.toMatchObject({ kind: 'invalid' });
    expect(calls.length).toBe(1);
    expect((await cache.get(ISS, policy, T0 + 5_000)).entries).toHaveLength(1);
  });

  it('serves expired keys for up to an hour while the IdP is unreachable, but not after other failures', async () => {
    const outcomes: Array<FetchedJwks | Error> = [
      jwks(['a'], 60),
      new TransportError('unreachable', ISS, 'ECONNREFUSED'),
      new TransportError('unreachable', ISS, 'ECONNREFUSED'),
      new TransportError('invalid', ISS, 'HTTP 404'),
    ];
    const { fetcher } = fakeFetcher((n) => outcomes[n - 1] ?? new Error('unexpected'));
    const cache = new JwksCache({ fetcher });
    const first = await cache.get(ISS, policy, T0);
    expect(await cache.get(ISS, policy, T0 + 61_000)).toBe(first);
    await expect(cache.get(ISS, policy, T0 + 60_000 + 3_600_000)).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(cache.get(ISS, policy, T0 + 120_000 + 3_600_000)).rejects.toMatchObject({ kind: 'invalid' });
  });
});
