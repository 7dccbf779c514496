import type { KeyRepository, StoredKey } from '../../core/keys/ports.js';
import type { Storage } from '../database.js';
import type { KeysTable } from '../schema.js';

const toKey = (r: KeysTable): StoredKey => ({
  id: r.id,
  purpose: r.purpose,
  kid: r.kid,
  status: r.status as StoredKey['status'],
  sealed: r.sealed,
  createdAt: r.created_at,
  rotatedAt: r.rotated_at,
});

export class KyselyKeyRepository implements KeyRepository {
  constructor(private readonly storage: Storage) {}

  async listByPurpose(purpose: string): Promise<StoredKey[]> {
    const rows = await this.storage.db.selectFrom('keys').selectAll().where('purpose', '=', purpose).orderBy('created_at').execute();
    return rows.map(toKey);
  }

  async insertIfAbsent(key: StoredKey): Promise<void> {
    await this.storage.db
      .insertInto('keys')
      .values({
        id: key.id,
        purpose: key.purpose,
        kid: key.kid,
        status: key.status,
        sealed: key.sealed,
        created_at: key.createdAt,
        rotated_at: key.rotatedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}
