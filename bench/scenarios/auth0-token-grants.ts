import { GRANT } from '../../src/core/oauth/applications.js';
import type { CryptoCeiling } from '../ceiling.js';
import { load } from '../load.js';
import type { Scenario } from './index.js';
import { auth0Result } from './auth0-report.js';
import { AUDIENCE, PASSWORD, REALM, startAuth0Bench, tokenRequest } from './auth0-setup.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const REFRESH_TOKENS = 64;

/**
 * Refresh-token grants per second: non-rotating refresh tokens of 64 users (a regular web app),
 * each grant a new opaque access token and an RS256-signed ID token (SPA needs one on every
 * refresh, §1.4). Aim: ≥ 60 % of the RS256-sign ceiling of both cores.
 */
export const auth0RefreshToken: Scenario = {
  name: 'auth0-refresh-token',
  async run(ceiling: CryptoCeiling) {
    const bench = await startAuth0Bench();
    try {
      const tokens: string[] = [];
      for (let i = 0; i < REFRESH_TOKENS; i++) {
        const got = await tokenRequest(bench.server.url, {
          grant_type: GRANT.passwordRealm,
          client_id: bench.clientId,
          client_secret: bench.clientSecret,
          username: bench.users[i] ?? '',
          password: PASSWORD,
          realm: REALM,
          scope: 'openid profile email offline_access',
        });
        if (typeof got['refresh_token'] !== 'string') throw new Error('no refresh token issued');
        tokens.push(got['refresh_token']);
      }
      // Bodies built once: the load generator shares the two cores, so its per-request work counts against the server.
      const bodies = tokens.map((refresh_token) => new URLSearchParams({ grant_type: GRANT.refreshToken, client_id: bench.clientId, client_secret: bench.clientSecret, refresh_token }).toString());
      let next = 0;
      const options = {
        url: bench.server.url,
        requests: [{ method: 'POST' as const, path: '/oauth/token', headers: FORM, setupRequest: (req: object) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
      };
      await load({ ...options, duration: 3 });
      const result = await load(options);
      return auth0Result({ name: 'auth0-refresh-token', what: 'refresh-token grants', result, ceilingName: 'RS256 signs', ceilingOneCore: ceiling.rs256SignPerSec, aim: 0.6 });
    } finally {
      await bench.stop();
    }
  },
};

/**
 * Client-credentials grants per second for an API with a client grant: each an RS256-signed JWT
 * access token with the grant's scopes (§2.2). Aim: ≥ 60 % of the RS256-sign ceiling of both cores.
 */
export const auth0ClientCredentials: Scenario = {
  name: 'auth0-client-credentials',
  async run(ceiling: CryptoCeiling) {
    const bench = await startAuth0Bench();
    try {
      const body = new URLSearchParams({ grant_type: GRANT.clientCredentials, client_id: bench.clientId, client_secret: bench.clientSecret, audience: AUDIENCE }).toString();
      const check = await tokenRequest(bench.server.url, Object.fromEntries(new URLSearchParams(body)));
      if (check['scope'] !== 'read:things write:things') throw new Error(`unexpected scope ${String(check['scope'])}`);
      const options = { url: bench.server.url, requests: [{ method: 'POST' as const, path: '/oauth/token', headers: FORM, body }] };
      await load({ ...options, duration: 3 });
      const result = await load(options);
      return auth0Result({ name: 'auth0-client-credentials', what: 'client-credentials grants', result, ceilingName: 'RS256 signs', ceilingOneCore: ceiling.rs256SignPerSec, aim: 0.6 });
    } finally {
      await bench.stop();
    }
  },
};
