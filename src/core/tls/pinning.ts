/**
 * Trust by thumbprint: a presented chain is accepted when its last certificate's SHA-1 is pinned
 * and every link below it is cryptographically sound. Checking only the thumbprint would be
 * worthless, since CA certificates are public: anyone could present a pinned intermediate after a
 * leaf of their own. The TLS handshake itself proves possession of the leaf's key.
 */
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate } from 'node:tls';
import { normalizeThumbprint, sha1Thumbprint } from './thumbprint.js';

/** Outcome of {@link checkPinnedChain}. */
export type PinCheck = { ok: true; thumbprint: string } | { ok: false; thumbprint: string | undefined; reason: string };

/** Options of {@link checkPinnedChain}. */
export interface PinCheckOptions {
  /** Milliseconds since the epoch, for the validity periods. */
  now: number;
  /** When set, the leaf must be valid for this DNS name or IP address (RFC 6125 rules of node). */
  hostname?: string;
}

/**
 * Checks a presented chain (leaf first, as from `presentedChain`) against pinned thumbprints (any
 * case, colons allowed): the last certificate must be pinned, each certificate must be issued and
 * signed by the next one, which must be a CA, and all must be within their validity period.
 */
export function checkPinnedChain(
  chain: readonly DetailedPeerCertificate[],
  thumbprints: readonly string[],
  options: PinCheckOptions,
): PinCheck {
  const last = chain.at(-1);
  if (last === undefined) return { ok: false, thumbprint: undefined, reason: 'no certificate presented' };
  const thumbprint = sha1Thumbprint(last.raw);
  const fail = (reason: string): PinCheck => ({ ok: false, thumbprint, reason });
  if (!thumbprints.some((t) => normalizeThumbprint(t) === thumbprint)) {
    return fail(`thumbprint ${thumbprint} of the last presented certificate is not configured`);
  }
  const certs = chain.map((c) => new X509Certificate(c.raw));
  for (const [i, cert] of certs.entries()) {
    if (options.now < Date.parse(cert.validFrom) || options.now > Date.parse(cert.validTo)) {
      return fail(`certificate ${i} (${cert.subject.replace(/\n/g, ', ')}) is outside its validity period`);
    }
    const issuer = certs[i + 1];
    if (issuer === undefined) break;
    if (!issuer.ca) return fail(`certificate ${i + 1} is not a CA`);
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) {
      return fail(`certificate ${i} is not signed by certificate ${i + 1}`);
    }
  }
  const leaf = chain[0];
  if (options.hostname !== undefined && leaf !== undefined) {
    const mismatch = checkServerIdentity(options.hostname, leaf);
    if (mismatch !== undefined) return fail(mismatch.message);
  }
  return { ok: true, thumbprint };
}
