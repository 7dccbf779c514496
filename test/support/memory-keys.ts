import type { KeyRepository, StoredKey } from '../../src/core/keys/ports.js';
import type { SigningKeyRepository } from '../../src/core/keys/signing-key-ring.js';

/** The keys table in memory, for unit tests of the key rings and what they seal or sign. */
export class MemoryKeys implements KeyRepository {
  rows: StoredKey[] = [];
  async listByPurpose(purpose: string) {
    return this.rows.filter((r) => r.purpose === purpose);
  }
  async insertIfAbsent(key: StoredKey) {
    if (!this.rows.some((r) => r.id === key.id)) this.rows.push(key);
  }
}

/** The same for a signing-key ring that is never rotated (a rotation finds nothing to change). */
export class UnrotatedSigningKeys extends MemoryKeys implements SigningKeyRepository {
  async rotate() {
    return false;
  }
}
