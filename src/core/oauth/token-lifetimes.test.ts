import { describe, expect, it } from 'vitest';
import { buildApplication } from './applications.js';
import { refreshTokenLimits, refreshTokenTtl } from './token-lifetimes.js';

describe('refresh-token lifetimes (auth0-api.md §2.3)', () => {
  const limits = { absolute: 2_592_000, idle: 1_296_000 };

  it('a rotating family: each token lives the idle lifetime, never past the absolute one counted from the first', () => {
    expect(refreshTokenTtl(limits, true, 0)).toBe(1_296_000);
    expect(refreshTokenTtl(limits, true, 1_296_000)).toBe(1_296_000);
    expect(refreshTokenTtl(limits, true, 2_000_000)).toBe(592_000);
    expect(refreshTokenTtl(limits, true, 2_591_999)).toBe(1);
    expect(refreshTokenTtl(limits, true, 2_700_000)).toBe(1); // never zero: oidc-provider needs a positive TTL
    expect(refreshTokenTtl({ absolute: null, idle: 60 }, true, 10_000_000)).toBe(60);
    expect(refreshTokenTtl({ absolute: 100, idle: null }, true, 40)).toBe(60);
  });

  it('a non-rotating token is never rewritten: it lives its absolute lifetime, else its idle one', () => {
    expect(refreshTokenTtl(limits, false, 2_000_000)).toBe(2_592_000);
    expect(refreshTokenTtl({ absolute: null, idle: 60 }, false, 0)).toBe(60);
    expect(refreshTokenTtl({ absolute: null, idle: null }, false, 0)).toBe(365 * 24 * 3600);
  });

  it('limits follow the application: SPA defaults expire, non-expiring tokens have none', () => {
    const spa = buildApplication({ name: 'spa', app_type: 'spa' }, 0);
    expect(refreshTokenLimits(spa)).toEqual({ absolute: spa.refresh_token.token_lifetime, idle: spa.refresh_token.idle_token_lifetime });
    const web = buildApplication({ name: 'web', app_type: 'regular_web' }, 0);
    expect(web.refresh_token.expiration_type).toBe('non-expiring');
    expect(refreshTokenLimits(web)).toEqual({ absolute: null, idle: null });
    const infiniteAbsolute = { ...spa, refresh_token: { ...spa.refresh_token, infinite_token_lifetime: true } };
    expect(refreshTokenLimits(infiniteAbsolute)).toEqual({ absolute: null, idle: spa.refresh_token.idle_token_lifetime });
  });
});
