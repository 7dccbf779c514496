import type { Kysely } from 'kysely';

/** Foundation: key material, IAM (OIDC providers, roles, policies), Cognito Identity. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('keys')
    .addColumn('id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(100)', (c) => c.notNull())
    .addColumn('kid', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .execute();
  await db.schema.createIndex('keys_purpose').on('keys').columns(['purpose', 'status']).execute();

  await db.schema
    .createTable('oidc_providers')
    .addColumn('arn', 'varchar(2048)', (c) => c.primaryKey())
    .addColumn('url', 'varchar(512)', (c) => c.notNull().unique())
    .addColumn('client_ids', 'text', (c) => c.notNull())
    .addColumn('thumbprints', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('roles')
    .addColumn('role_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name_key', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('role_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('path', 'varchar(512)', (c) => c.notNull())
    .addColumn('arn', 'varchar(2048)', (c) => c.notNull())
    .addColumn('assume_role_policy', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('max_session_duration', 'integer', (c) => c.notNull())
    .addColumn('permissions_boundary', 'varchar(2048)')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_policies')
    .addColumn('role_id', 'varchar(32)', (c) => c.notNull().references('roles.role_id').onDelete('cascade'))
    .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_policies_pk', ['role_id', 'policy_name'])
    .execute();

  await db.schema
    .createTable('managed_policies')
    .addColumn('arn', 'varchar(2048)', (c) => c.primaryKey())
    .addColumn('policy_id', 'varchar(32)', (c) => c.notNull().unique())
    .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('path', 'varchar(512)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('default_version_id', 'varchar(20)', (c) => c.notNull())
    .addColumn('next_version', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('policy_arn', 'varchar(2048)', (c) => c.notNull().references('managed_policies.arn').onDelete('cascade'))
    .addColumn('version_id', 'varchar(20)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_versions_pk', ['policy_arn', 'version_id'])
    .execute();

  await db.schema
    .createTable('role_attached_policies')
    .addColumn('role_id', 'varchar(32)', (c) => c.notNull().references('roles.role_id').onDelete('cascade'))
    .addColumn('policy_arn', 'varchar(2048)', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_attached_policies_pk', ['role_id', 'policy_arn'])
    .execute();

  await db.schema
    .createTable('identity_pools')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
    .addColumn('authenticated', 'integer', (c) => c.notNull())
    .addColumn('merged_into', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identities_pool').on('identities').columns(['pool_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('identity_logins')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
    .addColumn('provider', 'varchar(2048)', (c) => c.notNull())
    .addColumn('subject', 'varchar(2048)', (c) => c.notNull())
    .addColumn('identity_id', 'varchar(64)', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_logins_pk', ['pool_id', 'provider', 'subject'])
    .execute();
  await db.schema.createIndex('identity_logins_identity').on('identity_logins').column('identity_id').execute();

  await db.schema
    .createTable('principal_tag_maps')
    .addColumn('pool_id', 'varchar(64)', (c) => c.notNull().references('identity_pools.id').onDelete('cascade'))
    .addColumn('provider', 'varchar(2048)', (c) => c.notNull())
    .addColumn('use_defaults', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('principal_tag_maps_pk', ['pool_id', 'provider'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'principal_tag_maps', 'identity_logins', 'identities', 'identity_pools', 'role_attached_policies',
    'policy_versions', 'managed_policies', 'role_policies', 'roles', 'oidc_providers', 'keys',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
