import type { Kysely } from 'kysely';

/**
 * The Auth0 tenant (auth0-api.md §3, §4.3): applications, connections, users, resource servers
 * (APIs), client grants, tenant settings, brute-force counters, and oidc-provider's artefacts
 * (sessions, codes, tokens, interactions) in one generic payload table.
 * Structured Auth0 attributes that nothing queries on live in a JSON `body` column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth0_tenant')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth0_clients')
    .addColumn('client_id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('app_type', 'varchar(40)', (c) => c.notNull())
    // 'management' for the bootstrapped Management API client, 'default' for the dev app; unique.
    .addColumn('system_role', 'varchar(40)', (c) => c.unique())
    .addColumn('secret_sealed', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth0_connections')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('strategy', 'varchar(64)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth0_users')
    .addColumn('user_id', 'varchar(320)', (c) => c.primaryKey())
    .addColumn('connection_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)')
    // lower-cased email: unique per connection (§3.3 "Database emails are stored lowercase")
    .addColumn('email_key', 'varchar(320)')
    .addColumn('email_verified', 'integer', (c) => c.notNull())
    .addColumn('username', 'varchar(128)')
    .addColumn('password_hash', 'text')
    .addColumn('name', 'varchar(512)')
    .addColumn('nickname', 'varchar(512)')
    .addColumn('picture', 'text')
    .addColumn('blocked', 'integer', (c) => c.notNull())
    .addColumn('logins_count', 'integer', (c) => c.notNull())
    .addColumn('last_login', 'bigint')
    .addColumn('last_ip', 'varchar(64)')
    .addColumn('last_password_reset', 'bigint')
    .addColumn('user_metadata', 'text', (c) => c.notNull())
    .addColumn('app_metadata', 'text', (c) => c.notNull())
    .addColumn('identities', 'text', (c) => c.notNull())
    // given_name, family_name, phone_number, locale… (JSON object)
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth0_users_email').on('auth0_users').columns(['connection_id', 'email_key']).unique().execute();
  await db.schema.createIndex('auth0_users_username').on('auth0_users').columns(['connection_id', 'username']).unique().execute();
  await db.schema.createIndex('auth0_users_email_any').on('auth0_users').column('email_key').execute();

  await db.schema
    .createTable('auth0_resource_servers')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('identifier', 'varchar(600)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('is_system', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('auth0_client_grants')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('audience', 'varchar(600)', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('auth0_client_grants_pair', ['client_id', 'audience'])
    .execute();
  await db.schema.createIndex('auth0_client_grants_audience').on('auth0_client_grants').column('audience').execute();

  // §5 brute-force protection: failures per (identifier, IP).
  await db.schema
    .createTable('auth0_login_failures')
    .addColumn('identifier_key', 'varchar(400)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
    .addColumn('blocked_at', 'bigint')
    .addPrimaryKeyConstraint('auth0_login_failures_pk', ['identifier_key', 'ip'])
    .execute();

  // oidc-provider's adapter models (Session, AccessToken, AuthorizationCode, RefreshToken, Grant, Interaction, …).
  await db.schema
    .createTable('auth0_oidc_payloads')
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(256)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(256)')
    .addColumn('user_code', 'varchar(256)')
    .addColumn('uid', 'varchar(256)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('auth0_oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('auth0_oidc_payloads_grant').on('auth0_oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('auth0_oidc_payloads_uid').on('auth0_oidc_payloads').columns(['model', 'uid']).execute();
  await db.schema.createIndex('auth0_oidc_payloads_user_code').on('auth0_oidc_payloads').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('auth0_oidc_payloads_expiry').on('auth0_oidc_payloads').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['auth0_oidc_payloads', 'auth0_login_failures', 'auth0_client_grants', 'auth0_resource_servers', 'auth0_users', 'auth0_connections', 'auth0_clients', 'auth0_tenant']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
