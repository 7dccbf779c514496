/**
 * A provider's verification keys, parsed from a JWKS once and imported lazily once per
 * (key, algorithm), so a sign-in costs neither a fetch nor a key import.
 */
import { importJWK, type JWK } from 'jose';

/** The signature algorithms STS accepts for web identity tokens (RSA and ECDSA; never HMAC or `none`). */
export const SUPPORTED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
/** One of {@link SUPPORTED_ALGS}. */
export type SupportedAlg = (typeof SUPPORTED_ALGS)[number];

/** Whether `alg` is one of {@link SUPPORTED_ALGS}. */
export const isSupportedAlg = (alg: unknown): alg is SupportedAlg =>
  typeof alg === 'string' && (SUPPORTED_ALGS as readonly string[]).includes(alg);

const CURVE_OF: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
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
  private readonly imported = new Map<KeyEntry, Map<SupportedAlg, Promise<CryptoKey | Uint8Array>>>();

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

  /** The imported key for `alg`, imported on first use and kept. Rejects when the JWK is unusable. */
  key(entry: KeyEntry, alg: SupportedAlg): Promise<CryptoKey | Uint8Array> {
    let byAlg = this.imported.get(entry);
    if (byAlg === undefined) this.imported.set(entry, (byAlg = new Map()));
    let key = byAlg.get(alg);
    if (key === undefined) byAlg.set(alg, (key = importJWK(entry.jwk, alg)));
    return key;
  }
}
