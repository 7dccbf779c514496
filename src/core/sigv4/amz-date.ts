import { AppError } from '../errors.js';
import { SigV4Messages } from './messages.js';

/** Default clock-skew window each way (aws-apis.md §6.4: STS and DynamoDB say `15 min.`). */
export const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest presigned-URL lifetime, seconds (7 days). */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

const digitsAt = (s: string, from: number, to: number): number => {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
};

/**
 * Parses ISO-8601 basic format `yyyyMMddTHHmmssZ` (the X-Amz-Date form) to ms since the
 * epoch; `undefined` when malformed or not a real calendar time.
 */
export function parseAmzDate(s: string): number | undefined {
  if (s.length !== 16 || s[8] !== 'T' || s[15] !== 'Z') return undefined;
  const y = digitsAt(s, 0, 4);
  const mo = digitsAt(s, 4, 6);
  const d = digitsAt(s, 6, 8);
  const h = digitsAt(s, 9, 11);
  const mi = digitsAt(s, 11, 13);
  const se = digitsAt(s, 13, 15);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) {
    return undefined;
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  // Rejects 20150231 and the like, which Date.UTC would roll over.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

/** ms since the epoch → `yyyyMMddTHHmmssZ` (seconds truncated). */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2015-08-30T12:36:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/**
 * The request time from a `Date` header, the older alternative to X-Amz-Date (SigV4:
 * handling dates): either already in basic format or an HTTP date (RFC 9110 §5.6.7).
 * Returns the basic-format string the string-to-sign carries.
 */
export function amzDateFromHttpDate(value: string): string | undefined {
  if (parseAmzDate(value) !== undefined) return value;
  if (!value.endsWith('GMT')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}

const windowText = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000} min.` : `${Math.round(ms / 1000)} sec.`;

/**
 * SigV4: the request time must be within `maxSkewMs` of the server clock, both ways,
 * with AWS's texts (`Signature expired: … (… - 15 min.)`, `Signature not yet current: …`).
 */
export function checkSkew(amzDate: string, dateMs: number, now: number, maxSkewMs: number): void {
  if (dateMs < now - maxSkewMs) {
    throw new AppError(
      'SignatureExpired',
      SigV4Messages.expired(amzDate, formatAmzDate(now - maxSkewMs), formatAmzDate(now), windowText(maxSkewMs)),
    );
  }
  if (dateMs > now + maxSkewMs) {
    throw new AppError(
      'SignatureExpired',
      SigV4Messages.notYetCurrent(amzDate, formatAmzDate(now + maxSkewMs), formatAmzDate(now), windowText(maxSkewMs)),
    );
  }
}

/**
 * A presigned URL is valid from X-Amz-Date (less the skew allowance) until X-Amz-Date +
 * X-Amz-Expires.
 */
export function checkPresignedWindow(
  amzDate: string,
  dateMs: number,
  expiresSeconds: number,
  now: number,
  maxSkewMs: number,
): void {
  if (dateMs > now + maxSkewMs) {
    throw new AppError(
      'SignatureExpired',
      SigV4Messages.notYetCurrent(amzDate, formatAmzDate(now + maxSkewMs), formatAmzDate(now), windowText(maxSkewMs)),
    );
  }
  if (now > dateMs + expiresSeconds * 1000) throw new AppError('SignatureExpired', SigV4Messages.requestExpired);
}
