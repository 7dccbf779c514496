import type { AttemptsUsed, IpAttemptStore, ThrottleStage } from '../../core/identity/ip-throttle.js';
import type { Storage } from '../database.js';

/** Suspicious IP throttling buckets, shared by every worker and node through the database. */
export class KyselyIpAttemptStore implements IpAttemptStore {
  constructor(private readonly storage: Storage) {}

  async get(stage: ThrottleStage, ip: string): Promise<AttemptsUsed | undefined> {
    const row = await this.storage.db.selectFrom('auth0_ip_attempts').select(['used', 'at']).where('stage', '=', stage).where('ip', '=', ip).executeTakeFirst();
    return row && { used: Number(row.used), at: Number(row.at) };
  }

  async update(stage: ThrottleStage, ip: string, next: (current: AttemptsUsed | undefined) => AttemptsUsed): Promise<AttemptsUsed> {
    return this.storage.transaction(async (trx) => {
      // The row exists (an empty bucket), then is read under a row lock on PostgreSQL, where another
      // node may count the same IP at once; SQLite's transaction holds the write lock already.
      await trx.insertInto('auth0_ip_attempts').values({ stage, ip, used: 0, at: 0 }).onConflict((oc) => oc.doNothing()).execute();
      const query = trx.selectFrom('auth0_ip_attempts').select(['used', 'at']).where('stage', '=', stage).where('ip', '=', ip);
      const row = await (this.storage.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirstOrThrow();
      const value = next(row.at === 0 ? undefined : { used: Number(row.used), at: Number(row.at) });
      await trx.updateTable('auth0_ip_attempts').set({ used: value.used, at: value.at }).where('stage', '=', stage).where('ip', '=', ip).execute();
      return value;
    });
  }

  async clear(ip: string): Promise<void> {
    await this.storage.db.deleteFrom('auth0_ip_attempts').where('ip', '=', ip).execute();
  }
}
