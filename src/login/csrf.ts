import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Synchronizer CSRF tokens bound to one login transaction: HMAC(key, purpose + interaction uid).
 * The uid is itself bound to the browser by oidc-provider's interaction cookie, so a token is
 * useless to another browser or another transaction.
 */
export function csrfToken(key: Buffer, bindTo: string): string {
  return createHmac('sha256', key).update(`login-csrf:${bindTo}`).digest('base64url');
}

export function checkCsrf(key: Buffer, bindTo: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfToken(key, bindTo));
  const got = Buffer.from(presented);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
