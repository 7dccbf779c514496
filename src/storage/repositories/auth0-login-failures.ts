import type { FailureCounter } from '../../core/identity/brute-force.js';
import type { Storage } from '../database.js';

/** Brute-force counters per (identifier, IP), shared by every worker through the database. */
export class KyselyFailureCounter implements FailureCounter {
  constructor(private readonly storage: Storage) {}

  async get(identifierKey: string, ip: string): Promise<{ count: number; lastFailureAt: number; blockedAt: number | null } | undefined> {
    const row = await this.storage.db
      .selectFrom('auth0_login_failures')
      .select(['count', 'last_failure_at', 'blocked_at'])
      .where('identifier_key', '=', identifierKey)
      .where('ip', '=', ip)
      .executeTakeFirst();
    return row && { count: row.count, lastFailureAt: row.last_failure_at, blockedAt: row.blocked_at };
  }

  async increment(identifierKey: string, ip: string, at: number, threshold: number): Promise<number> {
    return this.storage.transaction(async (trx) => {
      await trx
        .insertInto('auth0_login_failures')
        .values({ identifier_key: identifierKey, ip, count: 1, last_failure_at: at, blocked_at: threshold <= 1 ? at : null })
        .onConflict((oc) =>
          oc.columns(['identifier_key', 'ip']).doUpdateSet((eb) => ({ count: eb('auth0_login_failures.count', '+', 1), last_failure_at: at })),
        )
        .execute();
      const row = await trx
        .selectFrom('auth0_login_failures')
        .select(['count', 'blocked_at'])
        .where('identifier_key', '=', identifierKey)
        .where('ip', '=', ip)
        .executeTakeFirstOrThrow();
      if (row.count >= threshold && row.blocked_at === null) {
        await trx.updateTable('auth0_login_failures').set({ blocked_at: at }).where('identifier_key', '=', identifierKey).where('ip', '=', ip).execute();
      }
      return row.count;
    });
  }

  async reset(identifierKey: string, ip: string): Promise<void> {
    await this.storage.db.deleteFrom('auth0_login_failures').where('identifier_key', '=', identifierKey).where('ip', '=', ip).execute();
  }

  async resetIdentifier(identifierKey: string): Promise<void> {
    await this.storage.db.deleteFrom('auth0_login_failures').where('identifier_key', '=', identifierKey).execute();
  }

  // --- Management API (src/surfaces/management/operations/user-blocks.ts) ---

  /** The blocked (identifier, IP) pairs of an identifier whose last failure is after `since`. */
  async listBlocked(identifierKey: string, since: number): Promise<{ identifierKey: string; ip: string }[]> {
    const rows = await this.storage.db
      .selectFrom('auth0_login_failures')
      .select(['identifier_key', 'ip'])
      .where('identifier_key', '=', identifierKey)
      .where('blocked_at', 'is not', null)
      .where('last_failure_at', '>', since)
      .orderBy('ip')
      .execute();
    return rows.map((r) => ({ identifierKey: r.identifier_key, ip: r.ip }));
  }
}
