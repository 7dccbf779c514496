import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApplicationWithSecret } from '../../../core/oauth/applications.js';

const digest = (v: string): Buffer => createHash('sha256').update(v, 'utf8').digest();

/** Constant-time secret check (equal-length digests: neither length nor prefix leaks). */
const secretMatches = (stored: string, given: string): boolean => timingSafeEqual(digest(stored), digest(given));

/**
 * Client authentication for the grants Cognate answers itself, in the plain forms only: a
 * confidential client by its secret (client_secret_post, or Basic moved into the body), a public
 * one (`token_endpoint_auth_method: none`) by sending no secret at all; and the client must hold
 * `grantType`. False for everything else — the caller then leaves the request to oidc-provider,
 * which answers it (401 access_denied, 403 unauthorized_client…) and logs it.
 */
export function authenticatedFor(found: ApplicationWithSecret | undefined, secret: string | null, grantType: string, allowPublic: boolean): found is ApplicationWithSecret {
  if (!found || !found.app.grant_types.includes(grantType)) return false;
  if (found.app.token_endpoint_auth_method === 'none') return allowPublic && secret === null;
  return secret !== null && found.secret !== null && secretMatches(found.secret, secret);
}
