import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The only algorithm this verifier accepts. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The credential-scope terminator. */
export const TERMINATOR = 'aws4_request';

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * SigV4: derive the signing key.
 * `kDate = HMAC("AWS4" + secret, date)`, `kRegion = HMAC(kDate, region)`,
 * `kService = HMAC(kRegion, service)`, `kSigning = HMAC(kService, "aws4_request")`.
 */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, TERMINATOR);
}

/**
 * A small bounded LRU of derived signing keys, keyed by secret + date + region + service,
 * so a repeat caller costs one HMAC (the signature) instead of five. A key only changes
 * daily, so a few hundred entries cover every active credential.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(readonly maxEntries = 512) {}

  /** The signing key, derived on a miss. */
  get(secretAccessKey: string, date: string, region: string, service: string): Buffer {
    // NUL cannot appear in any of the four parts, so the joined key is unambiguous.
    const id = `${secretAccessKey}\0${date}\0${region}\0${service}`;
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      // Refresh recency: a Map iterates in insertion order, the oldest first.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(id, key);
    return key;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache the verifier uses. */
export const signingKeyCache = new SigningKeyCache();

/**
 * SigV4: string to sign —
 * `AWS4-HMAC-SHA256 \n <amz-date> \n <date>/<region>/<service>/aws4_request \n hex(SHA-256(canonical request))`.
 */
export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

/** The credential scope `<date>/<region>/<service>/aws4_request`. */
export const scopeOf = (date: string, region: string, service: string): string =>
  `${date}/${region}/${service}/${TERMINATOR}`;

/** SigV4: the signature, `hex(HMAC(kSigning, stringToSign))`. */
export function signature(signingKey: Buffer, toSign: string): string {
  return hmac(signingKey, toSign).toString('hex');
}

const isLowerHex64 = (s: string): boolean => {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
};

/**
 * Whether `provided` (64 lower-case hex digits, as AWS requires) is the signature of
 * `toSign`, compared in constant time over equal-length buffers.
 */
export function signatureMatches(signingKey: Buffer, toSign: string, provided: string): boolean {
  const expected = hmac(signingKey, toSign);
  if (!isLowerHex64(provided)) return false;
  return timingSafeEqual(expected, Buffer.from(provided, 'hex'));
}
