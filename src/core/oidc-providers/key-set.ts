/**
 * A provider's verification keys, parsed from a JWKS once and imported lazily once per key
 * (as a node:crypto KeyObject), so a sign-in costs neither a fetch nor a key import. Signatures
 * are checked with node:crypto directly: several times cheaper than WebCrypto for RSA.
 */
import { constants, createPublicKey, verify as cryptoVerify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/** The signature algorithms STS accepts for web identity tokens (RSA and ECDSA; never HMAC or `none`). */
export const SUPPORTED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
/** One of {@link SUPPORTED_ALGS}. */
export type SupportedAlg = (typeof SUPPORTED_ALGS)[number];

/** Whether `alg` is one of {@link SUPPORTED_ALGS}. */
export const isSupportedAlg = (alg: unknown): alg is SupportedAlg =>
  typeof alg === 'string' && (SUPPORTED_ALGS as readonly string[]).includes(alg);

const CURVE_OF: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
/** node:crypto's names of the JWK curves. */
const NODE_CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
/** r ‖ s, each the curve's byte length (RFC 7518 §3.4). */
const EC_SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };
const HASH_OF: Record<SupportedAlg, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
/** RFC 7518 §3.3: RSA keys of 2048 bits or larger (jose enforces the same). */
export const MIN_RSA_BITS = 2048;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** A usable public verification key of a JWKS. */
export interface KeyEntry {
  readonly kid: string | undefined;
  /** The JWK's `alg`, when it declares one. */
  readonly alg: string | undefined;
  /** Only the public members, as handed to the importer. */
  readonly jwk: JWK;
}

/** Result of {@link KeySet.find}: candidate keys, or why there are none. */
export type KeyLookup =
  | { status: 'found'; keys: KeyEntry[] }
  /** No key with that kid (or, without a kid, not exactly one key fitting the algorithm). */
  | { status: 'unknownKid' }
  /** Keys with that kid exist, but none can verify this algorithm. */
  | { status: 'incompatible' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Keeps signature-capable RSA/EC public keys; drops everything else a JWKS may hold. */
function toEntry(raw: unknown): KeyEntry | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const k = raw as Record<string, unknown>;
  if (k['use'] !== undefined && k['use'] !== 'sig') return undefined;
  if (k['key_ops'] !== undefined && !(Array.isArray(k['key_ops']) && k['key_ops'].includes('verify'))) return undefined;
  if (PRIVATE_MEMBERS.some((m) => k[m] !== undefined)) return undefined; // never import private keys
  const kid = k['kid'] === undefined ? undefined : str(k['kid']);
  if (k['kid'] !== undefined && kid === undefined) return undefined;
  const alg = k['alg'] === undefined ? undefined : str(k['alg']);
  if (k['kty'] === 'RSA') {
    const n = str(k['n']);
    const e = str(k['e']);
    return n && e ? { kid, alg, jwk: { kty: 'RSA', n, e } } : undefined;
  }
  if (k['kty'] === 'EC') {
    const crv = str(k['crv']);
    const x = str(k['x']);
    const y = str(k['y']);
    const known = crv !== undefined && Object.values(CURVE_OF).includes(crv);
    return known && x && y ? { kid, alg, jwk: { kty: 'EC', crv, x, y } } : undefined;
  }
  return undefined;
}

/** Whether `entry` can verify `alg` (key type, curve, and the key's own `alg` if it declares one). */
const fits = (entry: KeyEntry, alg: SupportedAlg): boolean =>
  (entry.alg === undefined || entry.alg === alg) &&
  (alg.startsWith('RS') ? entry.jwk.kty === 'RSA' : entry.jwk.kty === 'EC' && entry.jwk.crv === CURVE_OF[alg]);

/** The usable keys of one JWKS. */
export class KeySet {
  readonly entries: readonly KeyEntry[];
  /** The imported key of each entry, or why it cannot be imported (remembered too: a bad JWK stays bad). */
  private readonly imported = new Map<KeyEntry, KeyObject | Error>();

  /** Parses the raw `keys` of a JWKS, ignoring members that are not RSA/EC public signing keys. */
  constructor(rawKeys: readonly unknown[]) {
    this.entries = rawKeys.map(toEntry).filter((e): e is KeyEntry => e !== undefined);
  }

  /**
   * The keys that may have signed a token with this header: those with the `kid`; without a
   * `kid`, the one key fitting `alg` if there is exactly one.
   */
  find(kid: string | undefined, alg: SupportedAlg): KeyLookup {
    if (kid === undefined) {
      const fitting = this.entries.filter((e) => fits(e, alg));
      return fitting.length === 1 ? { status: 'found', keys: fitting } : { status: 'unknownKid' };
    }
    const named = this.entries.filter((e) => e.kid === kid);
    if (named.length === 0) return { status: 'unknownKid' };
    const fitting = named.filter((e) => fits(e, alg));
    return fitting.length === 0 ? { status: 'incompatible' } : { status: 'found', keys: fitting };
  }

  /** The imported public key, imported on first use and kept. Throws when the JWK is unusable. */
  publicKey(entry: KeyEntry): KeyObject {
    let key = this.imported.get(entry);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: entry.jwk as JsonWebKey, format: 'jwk' });
      } catch (e) {
        key = e instanceof Error ? e : new Error('unusable JWK');
      }
      this.imported.set(entry, key);
    }
    if (key instanceof Error) throw key;
    return key;
  }

  /**
   * Whether `signature` over `signingInput` (the ASCII `header.payload` of a compact JWS) is
   * `entry`'s signature with `alg`. The algorithm is pinned to the key: an RSA key verifies only
   * RS* (PKCS#1 v1.5), an EC key only the ES* of its curve (IEEE P1363 r ‖ s); anything else
   * (HS*, `none`, PS*, another curve) is false. Throws when the key is unusable (bad JWK, RSA
   * modulus under 2048 bits).
   */
  verify(entry: KeyEntry, alg: SupportedAlg, signingInput: Uint8Array, signature: Uint8Array): boolean {
    if (!isSupportedAlg(alg) || !fits(entry, alg)) return false;
    const key = this.publicKey(entry);
    const details = key.asymmetricKeyDetails;
    if (alg.startsWith('RS')) {
      if (key.asymmetricKeyType !== 'rsa') return false;
      if ((details?.modulusLength ?? 0) < MIN_RSA_BITS) throw new Error(`${alg} requires key modulusLength to be ${MIN_RSA_BITS} bits or larger`);
      return cryptoVerify(HASH_OF[alg], signingInput, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
    if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== NODE_CURVE[alg]) return false;
    if (signature.length !== EC_SIGNATURE_BYTES[alg]) return false;
    return cryptoVerify(HASH_OF[alg], signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
}
