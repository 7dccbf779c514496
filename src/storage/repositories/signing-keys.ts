import type { StoredKey } from '../../core/keys/ports.js';
import type { SigningKeyRepository } from '../../core/keys/signing-key-ring.js';
import { isUniqueViolation, type Storage } from '../database.js';
import { KyselyKeyRepository } from './keys.js';

/** The `keys` table for asymmetric signing rings: the symmetric repository plus atomic rotation. */
export class KyselySigningKeyRepository implements SigningKeyRepository {
  readonly #base: KyselyKeyRepository;

  constructor(private readonly storage: Storage) {
    this.#base = new KyselyKeyRepository(storage);
  }

  listByPurpose(purpose: string): Promise<StoredKey[]> {
    return this.#base.listByPurpose(purpose);
  }

  insertIfAbsent(key: StoredKey): Promise<void> {
    return this.#base.insertIfAbsent(key);
  }

  async rotate(purpose: string, expect: { currentId: string; nextId: string }, newNext: StoredKey, at: number): Promise<boolean> {
    try {
      return await this.storage.transaction(async (trx) => {
        // PostgreSQL: lock the live rows, so a racing rotation waits and then sees ours.
        // SQLite: BEGIN IMMEDIATE already serialises writers.
        const q = trx.selectFrom('keys').select(['id', 'status']).where('purpose', '=', purpose).where('status', 'in', ['current', 'next']);
        const live = await (this.storage.dialect === 'postgres' ? q.forUpdate() : q).execute();
        const current = live.filter((r) => r.status === 'current').map((r) => r.id);
        const next = live.filter((r) => r.status === 'next').map((r) => r.id);
        if (current.length !== 1 || current[0] !== expect.currentId || next.length !== 1 || next[0] !== expect.nextId) return false;
        await trx.updateTable('keys').set({ status: 'revoked', rotated_at: at }).where('purpose', '=', purpose).where('status', '=', 'previous').execute();
        await trx.updateTable('keys').set({ status: 'previous', rotated_at: at }).where('id', '=', expect.currentId).where('status', '=', 'current').execute();
        await trx.updateTable('keys').set({ status: 'current', rotated_at: at }).where('id', '=', expect.nextId).where('status', '=', 'next').execute();
        await trx
          .insertInto('keys')
          .values({ id: newNext.id, purpose, kid: newNext.kid, status: 'next', sealed: newNext.sealed, created_at: newNext.createdAt, rotated_at: null })
          .execute();
        return true;
      });
    } catch (e) {
      // Another node inserted the same next generation first: it rotated, we did not.
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}
