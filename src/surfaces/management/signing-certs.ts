import { createHash, webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import type { StoredKey } from '../../core/keys/ports.js';
import { x509 } from '../../core/tls/x509.js';
import type { Auth0Services } from '../auth0/services.js';

/** What `GET /api/v2/keys/signing` shows of a key's certificate (auth0-api.md §2.4). */
export interface KeyCertificate {
  cert: string;
  pkcs7: string;
  /** SHA-1 of the DER certificate, colon-separated upper-case hex */
  fingerprint: string;
  /** SHA-1 of the DER certificate, upper-case hex */
  thumbprint: string;
}

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 86_400_000;
const cache = new Map<string, Promise<KeyCertificate>>();

/**
 * A self-signed X.509 certificate for a signing key, as Auth0 publishes one per key. It is
 * derived, not stored: serial from the kid, validity from the key's creation, and RSASSA-PKCS1
 * signatures are deterministic — so every worker derives the same certificate.
 */
export function certificateFor(s: Auth0Services, row: StoredKey): Promise<KeyCertificate> {
  const key = `${row.id}:${row.kid}`;
  let found = cache.get(key);
  if (!found) {
    found = build(s, row);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
    if (cache.size > 64) cache.delete(cache.keys().next().value ?? key);
  }
  return found;
}

async function build(s: Auth0Services, row: StoredKey): Promise<KeyCertificate> {
  const plain = s.ctx.master.open(row.sealed, row.id);
  if (!plain) throw new Error(`signing key ${row.id} cannot be opened with this master key`);
  const jwk = JSON.parse(plain.toString('utf8')) as JWK;
  const privateKey = await webcrypto.subtle.importKey('jwk', jwk as webcrypto.JsonWebKey, ALG, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e } as webcrypto.JsonWebKey, ALG, true, ['verify']);
  const host = new URL(s.issuer()).hostname;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${createHash('sha256').update(row.kid).digest('hex').slice(0, 30)}`,
    name: `CN=${host.replace(/[,+="\\<>;#]/g, '')}`,
    notBefore: new Date(Math.floor(row.createdAt / 1000) * 1000),
    notAfter: new Date(Math.floor((row.createdAt + TEN_YEARS_MS) / 1000) * 1000),
    signingAlgorithm: ALG,
    keys: { privateKey, publicKey },
  });
  const sha1 = createHash('sha1').update(Buffer.from(cert.rawData)).digest('hex').toUpperCase();
  return {
    cert: cert.toString('pem'),
    // RFC 7468 allows either label; Auth0 (and OpenSSL) use the traditional PKCS7 one.
    pkcs7: new x509.X509Certificates([cert]).export('pem').replace(/-----(BEGIN|END) CMS-----/g, '-----$1 PKCS7-----'),
    fingerprint: sha1.match(/../g)?.join(':') ?? sha1,
    thumbprint: sha1,
  };
}
