import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { SigV4Messages } from './messages.js';
import type { SignedRequest } from './types.js';

/** Hex SHA-256 of the empty string. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The payload-hash placeholder a signer may use instead of hashing the body. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** Lower-case hex SHA-256. */
export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * SigV4: payload hash, the last canonical-request line. When the request carries
 * `x-amz-content-sha256`, signers put that value here (SDK v3 and v2 send it on every
 * service), so we do too — after checking that it is `UNSIGNED-PAYLOAD` or really the
 * body's hash (aws-apis.md §6.2 step 6), otherwise a signature would cover a body it
 * never saw. Without the header, the body is hashed.
 */
export function payloadHash(req: Pick<SignedRequest, 'headers' | 'body'>): string {
  const raw = req.headers['x-amz-content-sha256'];
  const declared = Array.isArray(raw) ? raw.join(',') : raw;
  if (declared === UNSIGNED_PAYLOAD) return declared;
  const actual = req.body.length === 0 ? EMPTY_SHA256 : sha256Hex(req.body);
  if (declared === undefined) return actual;
  if (declared.length !== actual.length || declared.toLowerCase() !== actual) {
    throw new AppError('SignatureDoesNotMatch', SigV4Messages.contentSha256Mismatch);
  }
  return declared;
}
