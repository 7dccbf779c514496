import type { Kysely } from 'kysely';

/**
 * An API's HS256 signing secret (auth0-api.md §2.2, §4.3 `signing_secret`), sealed under the
 * master key with the API's id as associated data, like client secrets. Null for the system API.
 * Rows from before this column get their secret at the next start (bootstrap.ts calls
 * `ensureSigningSecrets`): sealing needs the master key, which migrations do not have.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('auth0_resource_servers').addColumn('signing_secret_sealed', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('auth0_resource_servers').dropColumn('signing_secret_sealed').execute();
}
