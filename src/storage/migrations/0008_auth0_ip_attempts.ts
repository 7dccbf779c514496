import type { Kysely } from 'kysely';

/**
 * Suspicious IP throttling buckets (core/identity/ip-throttle.ts): per stage and IP, the attempts
 * used as of `at` (ms); attempts regained since are subtracted when read, so nothing sweeps.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth0_ip_attempts')
    .addColumn('stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('used', 'double precision', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth0_ip_attempts_pk', ['stage', 'ip'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth0_ip_attempts').ifExists().execute();
}
