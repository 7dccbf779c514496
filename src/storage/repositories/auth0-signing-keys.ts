import type { Storage } from '../database.js';

/**
 * Management of the tenant's signing-key rows beyond what the ring does (auth0-api.md §2.4):
 * revoking the previous key. Rotation itself is `SigningKeyRing.rotate()`.
 */
export class KyselySigningKeyAdmin {
  constructor(private readonly storage: Storage) {}

  /** previous → revoked for `kid`; false when that kid is not the purpose's previous key. */
  async revokePrevious(purpose: string, kid: string, at: number): Promise<boolean> {
    const result = await this.storage.db
      .updateTable('keys')
      .set({ status: 'revoked', rotated_at: at })
      .where('purpose', '=', purpose)
      .where('kid', '=', kid)
      .where('status', '=', 'previous')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
