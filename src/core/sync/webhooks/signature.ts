import { createHmac, timingSafeEqual } from 'node:crypto';

/** Key ring purpose of the per-deployment webhook signing secret (32 random bytes, sealed at rest). */
export const WEBHOOK_KEY_PURPOSE = 'cognito-sync-webhook';

/** Header carrying `sha256=<hex HMAC-SHA256(secret, raw body)>`. */
export const SIGNATURE_HEADER = 'x-cognate-signature';

export function signBody(secret: Buffer, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does: constant-time compare of the header with its own HMAC of the raw body. */
export function verifyBody(secret: Buffer, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
