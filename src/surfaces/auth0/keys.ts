import type { JWK } from 'jose';
import type { Auth0Services } from './services.js';
import { SIGNING_PURPOSE } from './services.js';

const ORDER = { current: 0, next: 1, previous: 2, revoked: 3 } as const;

/**
 * The tenant's RS256 keys as the private JWKS oidc-provider signs with (auth0-api.md §2.4):
 * current first and the only one allowed to sign; next and previous published for verification.
 * Keys come from the signing ring's rows (private JWK sealed under the master key, bound to the
 * row id) — oidc-provider needs the private members, which the ring does not export.
 */
export async function loadSigningJwks(s: Auth0Services): Promise<{ keys: JWK[]; fingerprint: string }> {
  await s.signingKeys.current(); // creates the first current/next keys on a fresh database
  const rows = (await s.signingRepo.listByPurpose(SIGNING_PURPOSE)).filter((r) => r.status !== 'revoked');
  rows.sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const keys = rows.map((row) => {
    const plain = s.ctx.master.open(row.sealed, row.id);
    if (!plain) throw new Error(`signing key ${row.id} cannot be opened with this master key`);
    const jwk = JSON.parse(plain.toString('utf8')) as JWK;
    return { ...jwk, kid: row.kid, alg: 'RS256', use: 'sig', ...(row.status === 'current' ? {} : { key_ops: ['verify'] }) };
  });
  return { keys, fingerprint: rows.map((r) => `${r.kid}:${r.status}`).join(',') };
}
