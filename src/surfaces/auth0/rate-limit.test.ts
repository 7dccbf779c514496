import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/load.js';
import { RateLimiter, rateRules } from './rate-limit.js';

describe('Auth0 rate limits', () => {
  it('come from the config schema: defaults, env vars and flags', () => {
    expect(loadServeConfig({}, {}).auth0RateLimits).toEqual({ global: 0, signup: 10_000, changePassword: 10 });
    const env = { COGNATE_AUTH0_RATE_LIMIT: '0', COGNATE_AUTH0_SIGNUP_RATE_LIMIT: '50' };
    expect(loadServeConfig({ 'auth0-change-password-rate-limit': '3' }, env).auth0RateLimits).toEqual({ global: 0, signup: 50, changePassword: 3 });
    expect(() => loadServeConfig({}, { COGNATE_AUTH0_SIGNUP_RATE_LIMIT: '-1' })).toThrow(/non-negative integer/);
  });

  it('count per key in fixed windows; a limit of 0 never refuses', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    const rules = rateRules({ global: 0, signup: 2, changePassword: 1 });
    expect([1, 2, 3].map(() => limiter.hit('signup:ip', rules.signup).allowed)).toEqual([true, true, false]);
    expect(limiter.hit('signup:other', rules.signup)).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    for (let i = 0; i < 1000; i++) expect(limiter.hit('global:ip', rules.global).allowed).toBe(true);
    now += 60_000;
    expect(limiter.hit('signup:ip', rules.signup).allowed).toBe(true);
  });
});
