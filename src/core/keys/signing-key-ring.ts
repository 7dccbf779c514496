import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { KeyRepository, StoredKey } from './ports.js';
import type { Sealer } from './sealer.js';

/** RSA signature algorithms a ring can sign with (the Cognito token uses RS512, OIDC ID tokens RS256). */
export type SigningAlg = 'RS256' | 'RS384' | 'RS512';

/** The store a signing ring needs: the symmetric key port plus one atomic rotation step. */
export interface SigningKeyRepository extends KeyRepository {
  /**
   * In one transaction: `previous` → revoked, `expect.currentId` current → previous,
   * `expect.nextId` next → current, and `newNext` inserted. Returns false (changing nothing)
   * when the current/next keys are no longer those expected — another node rotated first.
   */
  rotate(purpose: string, expect: { currentId: string; nextId: string }, newNext: StoredKey, at: number): Promise<boolean>;
}

export interface SigningKeyRingOptions {
  /** Row purpose in the `keys` table, e.g. `cognito-identity-token`, `oidc-id-token`. */
  purpose: string;
  alg: SigningAlg;
  /** kid of the n-th key generated for this purpose (1-based); stable for the key's life. Default `<purpose>-<n>`. */
  kid?: (generation: number) => string;
  /** How long loaded keys are used before the store is re-read (rotation by another node). Default 60 s. */
  refreshMs?: number;
}

/** A key to sign with. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
}

/** A public key as published in a JWKS (RFC 7517 §4). */
export interface PublicJwk extends JWK {
  kty: string;
  kid: string;
  alg: SigningAlg;
  use: 'sig';
}

interface Loaded {
  at: number;
  current: SigningKey;
  /** next, current and previous keys, by kid */
  verify: Map<string, { jwk: PublicJwk; key: CryptoKey }>;
}

const PUBLIC_RSA_MEMBERS = ['kty', 'n', 'e'] as const;
const generationOf = (id: string): number => Number(id.slice(id.lastIndexOf('/') + 1)) || 0;

/**
 * Asymmetric signing keys for one purpose and algorithm, shared by every node through the
 * `keys` table (private JWK sealed under the master key, bound to its row id). A key is
 * published as `next` one rotation before it signs, signs while `current`, and is still
 * published while `previous` so tokens it signed keep verifying. Row ids `<purpose>/<n>` are
 * deterministic, so nodes starting together converge on the same first keys.
 */
export class SigningKeyRing {
  readonly purpose: string;
  readonly alg: SigningAlg;
  readonly #kid: (n: number) => string;
  readonly #refreshMs: number;
  #loaded: Loaded | undefined;
  #loading: Promise<Loaded> | undefined;
  #lastForcedReload = 0;

  constructor(
    private readonly repo: SigningKeyRepository,
    private readonly master: Sealer,
    private readonly clock: Clock,
    options: SigningKeyRingOptions,
  ) {
    this.purpose = options.purpose;
    this.alg = options.alg;
    this.#kid = options.kid ?? ((n) => `${options.purpose}-${n}`);
    this.#refreshMs = options.refreshMs ?? 60_000;
  }

  /** The key to sign with now. */
  async current(): Promise<SigningKey> {
    return (await this.#state()).current;
  }

  /** Public JWKs of every key a relying party should accept (next, current, previous), current first. */
  async verificationKeys(): Promise<PublicJwk[]> {
    return [...(await this.#state()).verify.values()].map((v) => v.jwk);
  }

  /** The public key for `kid`; an unknown kid re-reads the store (at most once a second) in case another node rotated. */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const found = (await this.#state()).verify.get(kid);
    if (found) return found.key;
    const now = this.clock.now();
    if (now - this.#lastForcedReload < 1000) return undefined;
    this.#lastForcedReload = now;
    this.#loaded = undefined;
    return (await this.#state()).verify.get(kid)?.key;
  }

  /** next → current, current → previous, previous → revoked, and a fresh next. Idempotent across racing nodes. */
  async rotate(): Promise<void> {
    const rows = await this.#ensureRows();
    const current = pick(rows, 'current');
    const next = pick(rows, 'next');
    if (!current || !next) throw new Error(`signing keys for ${this.purpose} are incomplete`);
    const n = Math.max(...rows.map((r) => generationOf(r.id))) + 1;
    await this.repo.rotate(this.purpose, { currentId: current.id, nextId: next.id }, await this.#generate(n, 'next'), this.clock.now());
    this.#loaded = undefined;
  }

  async #state(): Promise<Loaded> {
    const loaded = this.#loaded;
    if (loaded && this.clock.now() - loaded.at < this.#refreshMs) return loaded;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load(): Promise<Loaded> {
    const rows = await this.#ensureRows();
    const verify = new Map<string, { jwk: PublicJwk; key: CryptoKey }>();
    let current: SigningKey | undefined;
    const live = rows.filter((r) => r.status !== 'revoked').sort((a, b) => rank(a) - rank(b) || generationOf(b.id) - generationOf(a.id));
    for (const row of live) {
      const jwk = this.#open(row);
      const publicJwk = toPublic(jwk, row.kid, this.alg);
      verify.set(row.kid, { jwk: publicJwk, key: (await importJWK(publicJwk, this.alg)) as CryptoKey });
      if (row.status === 'current' && !current) current = { kid: row.kid, alg: this.alg, privateKey: (await importJWK(jwk, this.alg)) as CryptoKey };
    }
    if (!current) throw new Error(`no current signing key for ${this.purpose}`);
    const loaded = { at: this.clock.now(), current, verify };
    this.#loaded = loaded;
    return loaded;
  }

  /** Rows of this purpose, creating the first current (`/1`) and next (`/2`) keys when there are none. */
  async #ensureRows(): Promise<StoredKey[]> {
    let rows = await this.repo.listByPurpose(this.purpose);
    if (!pick(rows, 'current')) {
      // Insert-if-absent on deterministic ids, then re-read: racing first starts keep the winner's keys.
      await this.repo.insertIfAbsent(await this.#generate(1, 'current'));
      await this.repo.insertIfAbsent(await this.#generate(2, 'next'));
      rows = await this.repo.listByPurpose(this.purpose);
    }
    return rows;
  }

  async #generate(n: number, status: StoredKey['status']): Promise<StoredKey> {
    const { privateKey } = await generateKeyPair(this.alg, { extractable: true });
    const id = `${this.purpose}/${n}`;
    const jwk = await exportJWK(privateKey);
    return { id, purpose: this.purpose, kid: this.#kid(n), status, sealed: this.master.seal(JSON.stringify(jwk), id), createdAt: this.clock.now(), rotatedAt: null };
  }

  #open(row: StoredKey): JWK {
    const plain = this.master.open(row.sealed, row.id);
    if (!plain) throw new Error(`key ${row.id} cannot be opened with this master key (is COGNATE_MASTER_KEY the one this database was created with?)`);
    return JSON.parse(plain.toString('utf8')) as JWK;
  }
}

const rank = (r: StoredKey): number => (r.status === 'current' ? 0 : r.status === 'next' ? 1 : 2);

/** The newest row with `status` (several can briefly coexist only if a store lost atomicity). */
function pick(rows: StoredKey[], status: StoredKey['status']): StoredKey | undefined {
  return rows.filter((r) => r.status === status).sort((a, b) => generationOf(b.id) - generationOf(a.id))[0];
}

function toPublic(jwk: JWK, kid: string, alg: SigningAlg): PublicJwk {
  const out: Record<string, unknown> = {};
  for (const m of PUBLIC_RSA_MEMBERS) out[m] = jwk[m];
  return { ...(out as { kty: string }), kid, alg, use: 'sig' };
}
