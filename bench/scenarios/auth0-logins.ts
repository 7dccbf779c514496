import { GRANT } from '../../src/core/oauth/applications.js';
import type { CryptoCeiling } from '../ceiling.js';
import { load } from '../load.js';
import type { Scenario } from './index.js';
import { auth0Result } from './auth0-report.js';
import { PASSWORD, REALM, startAuth0Bench } from './auth0-setup.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Password-realm logins per second (auth0-api.md §1.4): each request verifies an argon2id hash
 * (m = 19 MiB, t = 2) and signs an RS256 ID token, for users taken in turn from 1,000. Aim: ≥ 80 %
 * of the argon2id ceiling of both cores — the hash is the cost; everything else should vanish.
 */
export const auth0PasswordRealm: Scenario = {
  name: 'auth0-password-realm',
  async run(ceiling: CryptoCeiling) {
    const bench = await startAuth0Bench();
    try {
      let next = 0;
      const body = (): string =>
        new URLSearchParams({
          grant_type: GRANT.passwordRealm,
          client_id: bench.clientId,
          client_secret: bench.clientSecret,
          username: bench.users[next++ % bench.users.length] ?? '',
          password: PASSWORD,
          realm: REALM,
          scope: 'openid profile email',
        }).toString();
      const options = {
        url: bench.server.url,
        requests: [{ method: 'POST' as const, path: '/oauth/token', headers: FORM, setupRequest: (req: object) => ({ ...req, body: body() }) }],
      };
      await load({ ...options, duration: 3 }); // warm-up: provider built, JIT warm
      const result = await load(options);
      return auth0Result({
        name: 'auth0-password-realm',
        what: 'password-realm logins',
        result,
        ceilingName: 'argon2id hashes',
        ceilingOneCore: ceiling.argon2idHashesPerSec ?? 0,
        aim: 0.8,
      });
    } finally {
      await bench.stop();
    }
  },
};
