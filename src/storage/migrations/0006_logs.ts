import type { Kysely } from 'kysely';

/**
 * Tenant log events (auth0-api.md §4.3 "Logs", §5 "Logs"): the searchable members as columns,
 * the whole event as JSON in `body`. `log_id` sorts by time (checkpoint paging, §4.2).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth0_logs')
    .addColumn('log_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('date', 'bigint', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(128)')
    .addColumn('client_name', 'varchar(256)')
    .addColumn('user_id', 'varchar(320)')
    .addColumn('user_name', 'varchar(320)')
    .addColumn('connection', 'varchar(128)')
    .addColumn('connection_id', 'varchar(40)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('description', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth0_logs_date').on('auth0_logs').column('date').execute();
  await db.schema.createIndex('auth0_logs_type').on('auth0_logs').columns(['type', 'date']).execute();
  await db.schema.createIndex('auth0_logs_user').on('auth0_logs').columns(['user_id', 'date']).execute();
  await db.schema.createIndex('auth0_logs_client').on('auth0_logs').columns(['client_id', 'date']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth0_logs').ifExists().execute();
}
