import type { StoredKey } from '../../../core/keys/ports.js';
import { SIGNING_PURPOSE } from '../../auth0/services.js';
import type { Mgmt } from '../context.js';
import { MGMT_RATE } from '../context.js';
import { badRequest, conflict, notFound, tooManyRequests } from '../errors.js';
import type { Operation } from '../router.js';
import { compact, type Json } from '../shapes.js';
import { certificateFor } from '../signing-certs.js';

const ORDER: Record<string, number> = { current: 0, next: 1, previous: 2, revoked: 3 };
/**
 * The worker that rotates rebuilds its oidc-provider at once; every other worker's re-reads the
 * key set at most 60 s apart (surfaces/auth0/mount.ts), so for up to a minute after a rotation
 * some may still sign with the now-previous key. Revoking
 * it before then would invalidate tokens issued after the revocation: refused (409) until then.
 */
export const REVOKE_AFTER_ROTATION_MS = 65_000;
const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

/**
 * A signing key as `GET /api/v2/keys/signing` shows it (auth0-api.md §2.4). `rotated_at` is when
 * the key last changed status: for current keys the start of signing, for previous keys its end,
 * for revoked ones the revocation.
 */
async function keyBody(m: Mgmt, row: StoredKey): Promise<Json> {
  const c = await certificateFor(m.s, row);
  return compact({
    kid: row.kid,
    cert: c.cert,
    pkcs7: c.pkcs7,
    fingerprint: c.fingerprint,
    thumbprint: c.thumbprint,
    current: row.status === 'current',
    next: row.status === 'next',
    previous: row.status === 'previous',
    revoked: row.status === 'revoked',
    current_since: row.status === 'current' ? iso(row.rotatedAt ?? row.createdAt) : undefined,
    current_until: row.status === 'previous' ? iso(row.rotatedAt) : undefined,
    revoked_at: row.status === 'revoked' ? iso(row.rotatedAt) : undefined,
  });
}

async function rows(m: Mgmt): Promise<StoredKey[]> {
  await m.s.signingKeys.current(); // a fresh tenant gets its first keys
  const all = await m.s.signingRepo.listByPurpose(SIGNING_PURPOSE);
  return all.sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || b.createdAt - a.createdAt);
}

async function byKid(m: Mgmt, kid: string): Promise<StoredKey> {
  const row = (await rows(m)).find((r) => r.kid === kid);
  if (!row) throw notFound('The signing key does not exist', 'inexistent_signing_key');
  return row;
}

/** Signing keys: list, get, rotate (next → current → previous), revoke the previous key (§2.4). */
export function keyOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/keys/signing',
      scopes: ['read:signing_keys'],
      description: 'Get all signing keys',
      async handle() {
        return { status: 200, body: await Promise.all((await rows(m)).map((r) => keyBody(m, r))) };
      },
    },
    {
      method: 'GET',
      path: '/keys/signing/:kid',
      scopes: ['read:signing_keys'],
      description: 'Get a signing key',
      async handle({ params }) {
        return { status: 200, body: await keyBody(m, await byKid(m, params['kid'] ?? '')) };
      },
    },
    {
      method: 'POST',
      path: '/keys/signing/rotate',
      scopes: ['create:signing_keys', 'update:signing_keys'],
      description: 'Rotate the Application Signing Key',
      async handle() {
        if (!m.limiter.hit('mgmt:rotate-signing-key', MGMT_RATE.rotate).allowed) throw tooManyRequests('Signing keys can be rotated at most 5 times a day');
        await m.s.signingKeys.current();
        await m.s.signingKeys.rotate();
        // This worker's oidc-provider signs with the new key from the next request; others within 60 s (mount.ts).
        m.s.signingKeysChanged.notify();
        const current = (await rows(m)).find((r) => r.status === 'current');
        if (!current) throw new Error('no current signing key after rotation');
        return { status: 201, body: { cert: (await certificateFor(m.s, current)).cert, kid: current.kid } };
      },
    },
    {
      method: 'PUT',
      path: '/keys/signing/:kid/revoke',
      scopes: ['update:signing_keys'],
      description: 'Revoke an Application Signing Key by its key id',
      async handle({ params }) {
        const row = await byKid(m, params['kid'] ?? '');
        if (row.status === 'revoked') throw badRequest('The signing key is already revoked.', 'key_already_revoked');
        if (row.status !== 'previous') throw badRequest('Only the previous signing key can be revoked.', 'invalid_key_state');
        const wait = (row.rotatedAt ?? 0) + REVOKE_AFTER_ROTATION_MS - m.now();
        if (wait > 0) throw conflict(`The previous signing key may still be signing tokens on some workers; retry in ${Math.ceil(wait / 1000)} seconds.`, 'signing_key_in_use');
        if (!(await m.keyAdmin.revokePrevious(SIGNING_PURPOSE, row.kid, m.now()))) throw badRequest('Only the previous signing key can be revoked.', 'invalid_key_state');
        m.verifier.forgetKey(row.kid);
        m.s.signingKeysChanged.notify(); // unpublished from this worker's JWKS at once
        return { status: 200, body: { cert: (await certificateFor(m.s, row)).cert, kid: row.kid } };
      },
    },
  ];
}
