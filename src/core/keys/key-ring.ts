import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { KeyRepository, StoredKey } from './ports.js';
import { Sealer } from './sealer.js';

/**
 * Symmetric server keys (e.g. the STS session-sealing key), generated on first use,
 * stored sealed under the master key and shared by every node through the database.
 * Deterministic ids make concurrent first starts converge on one key.
 */
export class SymmetricKeyRing {
  readonly #cache = new Map<string, { kid: string; key: Buffer }[]>();

  constructor(
    private readonly repo: KeyRepository,
    private readonly master: Sealer,
    private readonly clock: Clock,
  ) {}

  /** Current key for signing/sealing, plus every still-valid key by kid for opening. */
  async keys(purpose: string): Promise<{ kid: string; key: Buffer }[]> {
    const cached = this.#cache.get(purpose);
    if (cached) return cached;
    let rows = await this.repo.listByPurpose(purpose);
    if (rows.length === 0) {
      const row: StoredKey = {
        id: `${purpose}/1`,
        purpose,
        kid: '1',
        status: 'current',
        sealed: this.master.seal(randomBytes(32), `${purpose}/1`),
        createdAt: this.clock.now(),
        rotatedAt: null,
      };
      await this.repo.insertIfAbsent(row);
      rows = await this.repo.listByPurpose(purpose);
    }
    const keys = rows
      .filter((r) => r.status !== 'revoked')
      .sort((a, b) => (a.status === 'current' ? -1 : b.status === 'current' ? 1 : 0))
      .map((r) => {
        const key = this.master.open(r.sealed, r.id);
        if (!key) throw new Error(`key ${r.id} cannot be opened with this master key (is COGNATE_MASTER_KEY the one this database was created with?)`);
        return { kid: r.kid, key };
      });
    this.#cache.set(purpose, keys);
    return keys;
  }
}
