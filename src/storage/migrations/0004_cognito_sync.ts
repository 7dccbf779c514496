import type { Kysely } from 'kysely';

/**
 * Cognito Sync (aws-apis.md §7): datasets (tombstones keep the SyncCount across deletion),
 * records (removed ones kept without value), per-pool settings, push devices, and the webhook
 * outbox written in the same transaction as the change it reports.
 *
 * Record keys may be 1024 characters of any script — too long for a PostgreSQL btree entry —
 * so rows are keyed by `key_hash` (hex SHA-256 of the key) and the key itself is plain text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_datasets')
    .addColumn('identity_id', 'varchar(64)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('sync_count', 'bigint', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('deleted_at_count', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_by', 'varchar(1024)', (c) => c.notNull())
    .addColumn('data_storage', 'bigint', (c) => c.notNull())
    .addColumn('num_records', 'integer', (c) => c.notNull())
    .addColumn('merged_base', 'varchar(256)')
    .addColumn('merged_from', 'varchar(64)')
    .addPrimaryKeyConstraint('sync_datasets_pk', ['identity_id', 'name'])
    .execute();
  await db.schema.createIndex('sync_datasets_pool').on('sync_datasets').columns(['pool_id', 'identity_id', 'name']).execute();

  await db.schema
    .createTable('sync_records')
    .addColumn('identity_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('dataset_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('key_hash', 'char(64)', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('sync_count', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified_by', 'varchar(1024)', (c) => c.notNull())
    .addColumn('device_last_modified_at', 'bigint')
    .addPrimaryKeyConstraint('sync_records_pk', ['identity_id', 'dataset_name', 'key_hash'])
    .addForeignKeyConstraint('sync_records_dataset', ['identity_id', 'dataset_name'], 'sync_datasets', ['identity_id', 'name'], (fk) =>
      fk.onDelete('cascade').onUpdate('cascade'),
    )
    .execute();
  await db.schema.createIndex('sync_records_since').on('sync_records').columns(['identity_id', 'dataset_name', 'sync_count', 'key_hash']).execute();

  await db.schema
    .createTable('sync_pool_config')
    .addColumn('pool_id', 'varchar(64)', (c) => c.primaryKey().references('identity_pools.id').onDelete('cascade'))
    .addColumn('push_sync', 'text')
    .addColumn('cognito_streams', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('bulk_publish', 'text')
    .execute();

  await db.schema
    .createTable('sync_devices')
    .addColumn('device_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('identity_id', 'varchar(64)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('platform', 'varchar(20)', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_devices_identity').on('sync_devices').columns(['identity_id', 'platform']).execute();

  await db.schema
    .createTable('sync_subscriptions')
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull().references('sync_devices.device_id').onDelete('cascade'))
    .addColumn('dataset_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_subscriptions_pk', ['device_id', 'dataset_name'])
    .execute();

  await db.schema
    .createTable('sync_outbox')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('target', 'varchar(2048)', (c) => c.notNull())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(10)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('available_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'varchar(64)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sync_outbox_due').on('sync_outbox').columns(['status', 'available_at']).execute();

  // Merged identities' datasets are looked up by survivor on every Cognito Sync request (§7.5).
  await db.schema.createIndex('identities_merged_into').ifNotExists().on('identities').column('merged_into').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('identities_merged_into').ifExists().execute();
  for (const t of ['sync_outbox', 'sync_subscriptions', 'sync_devices', 'sync_pool_config', 'sync_records', 'sync_datasets']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
