/**
 * Row types of every table, shared by the SQLite and PostgreSQL adapters.
 * Conventions (portable across both): timestamps are epoch milliseconds (BIGINT),
 * booleans are 0/1 integers, structured values are JSON text.
 */
import type { Generated } from 'kysely';

export interface KeysTable {
  /** `<purpose>/<n>` */
  id: string;
  purpose: string;
  kid: string;
  /** next | current | previous | revoked */
  status: string;
  /** Key material sealed with the master key (AES-256-GCM), base64url. */
  sealed: string;
  created_at: number;
  rotated_at: number | null;
}

export interface OidcProvidersTable {
  arn: string;
  /** Url without scheme, as GetOpenIDConnectProvider returns it. */
  url: string;
  client_ids: string;
  thumbprints: string;
  tags: string;
  created_at: number;
}

export interface RolesTable {
  role_id: string;
  /** lower-cased name: role names are case-insensitively unique */
  name_key: string;
  role_name: string;
  path: string;
  arn: string;
  assume_role_policy: string;
  description: string | null;
  max_session_duration: number;
  permissions_boundary: string | null;
  tags: string;
  created_at: number;
}

export interface RolePoliciesTable {
  role_id: string;
  policy_name: string;
  document: string;
}

export interface ManagedPoliciesTable {
  arn: string;
  policy_id: string;
  policy_name: string;
  path: string;
  description: string | null;
  default_version_id: string;
  next_version: number;
  tags: string;
  created_at: number;
  updated_at: number;
}

export interface PolicyVersionsTable {
  policy_arn: string;
  version_id: string;
  document: string;
  created_at: number;
}

export interface RoleAttachedPoliciesTable {
  role_id: string;
  policy_arn: string;
}

export interface IdentityPoolsTable {
  id: string;
  name: string;
  /** The IdentityPool configuration (providers, flags, tags), JSON. */
  config: string;
  /** Roles and RoleMappings, JSON. */
  roles: string;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  id: string;
  pool_id: string;
  /** 1 when at least one login was ever linked */
  authenticated: number;
  /** identity id this one was merged into, or null */
  merged_into: string | null;
  created_at: number;
  updated_at: number;
}

export interface IdentityLoginsTable {
  pool_id: string;
  /** provider name as in Logins (e.g. `idp.example.com/realm`, a developer provider name) */
  provider: string;
  /** the stable subject for that provider (token `sub`, developer user identifier) */
  subject: string;
  identity_id: string;
  created_at: number;
}

export interface PrincipalTagMapsTable {
  pool_id: string;
  provider: string;
  use_defaults: number;
  tags: string;
}

/** Auth0 tenant (migration 0005; auth0-api.md §3, §4.3). JSON columns hold Auth0-shaped objects. */
export interface Auth0TenantTable {
  id: string;
  body: string;
  updated_at: number;
}

export interface Auth0ClientsTable {
  client_id: string;
  name: string;
  app_type: string;
  system_role: string | null;
  /** client_secret sealed under the master key (aad `auth0-client-secret:<client_id>`). */
  secret_sealed: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface Auth0ConnectionsTable {
  id: string;
  name: string;
  strategy: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface Auth0UsersTable {
  user_id: string;
  connection_id: string;
  email: string | null;
  email_key: string | null;
  email_verified: number;
  username: string | null;
  password_hash: string | null;
  name: string | null;
  nickname: string | null;
  picture: string | null;
  blocked: number;
  logins_count: number;
  last_login: number | null;
  last_ip: string | null;
  last_password_reset: number | null;
  user_metadata: string;
  app_metadata: string;
  identities: string;
  profile: string;
  created_at: number;
  updated_at: number;
}

export interface Auth0ResourceServersTable {
  id: string;
  identifier: string;
  name: string;
  is_system: number;
  /** The HS256 signing secret, sealed (AAD `auth0-api-signing-secret:<id>`); null for the system API. */
  signing_secret_sealed: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface Auth0ClientGrantsTable {
  id: string;
  client_id: string;
  audience: string;
  /** JSON array of scope strings */
  scope: string;
  created_at: number;
}

export interface Auth0LoginFailuresTable {
  identifier_key: string;
  ip: string;
  count: number;
  last_failure_at: number;
  blocked_at: number | null;
}

export interface Auth0IpAttemptsTable {
  stage: string;
  ip: string;
  used: number;
  at: number;
}

export interface Auth0OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

/** Cognito Sync dataset; `deleted = 1` is a tombstone that keeps `sync_count` (aws-apis.md §7.2). */
export interface SyncDatasetsTable {
  identity_id: string;
  name: string;
  pool_id: string;
  sync_count: number;
  deleted: number;
  deleted_at_count: number | null;
  created_at: number;
  last_modified_at: number;
  last_modified_by: string;
  data_storage: number;
  num_records: number;
  merged_base: string | null;
  merged_from: string | null;
}

/** Cognito Sync record; `value = null` is a removed record. Keyed by hex SHA-256 of `key`. */
export interface SyncRecordsTable {
  identity_id: string;
  dataset_name: string;
  key_hash: string;
  key: string;
  value: string | null;
  sync_count: number;
  last_modified_at: number;
  last_modified_by: string;
  device_last_modified_at: number | null;
}

/** Per-pool Cognito Sync settings (JSON columns). */
export interface SyncPoolConfigTable {
  pool_id: string;
  push_sync: string | null;
  cognito_streams: string | null;
  events: string;
  bulk_publish: string | null;
}

export interface SyncDevicesTable {
  device_id: string;
  pool_id: string;
  identity_id: string;
  platform: string;
  token: string;
  created_at: number;
}

export interface SyncSubscriptionsTable {
  device_id: string;
  dataset_name: string;
  created_at: number;
}

/** Webhook deliveries (Cognito Events / Streams), leased by one deliverer at a time. */
export interface SyncOutboxTable {
  id: string;
  kind: string;
  target: string;
  pool_id: string;
  payload: string;
  /** pending | dead */
  status: string;
  attempts: number;
  available_at: number;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
}

export interface Database {
  keys: KeysTable;
  oidc_providers: OidcProvidersTable;
  roles: RolesTable;
  role_policies: RolePoliciesTable;
  managed_policies: ManagedPoliciesTable;
  policy_versions: PolicyVersionsTable;
  role_attached_policies: RoleAttachedPoliciesTable;
  identity_pools: IdentityPoolsTable;
  identities: IdentitiesTable;
  identity_logins: IdentityLoginsTable;
  principal_tag_maps: PrincipalTagMapsTable;
  auth0_tenant: Auth0TenantTable;
  auth0_clients: Auth0ClientsTable;
  auth0_connections: Auth0ConnectionsTable;
  auth0_users: Auth0UsersTable;
  auth0_resource_servers: Auth0ResourceServersTable;
  auth0_client_grants: Auth0ClientGrantsTable;
  auth0_login_failures: Auth0LoginFailuresTable;
  auth0_ip_attempts: Auth0IpAttemptsTable;
  auth0_oidc_payloads: Auth0OidcPayloadsTable;
  auth0_logs: Auth0LogsTable;
  sync_datasets: SyncDatasetsTable;
  sync_records: SyncRecordsTable;
  sync_pool_config: SyncPoolConfigTable;
  sync_devices: SyncDevicesTable;
  sync_subscriptions: SyncSubscriptionsTable;
  sync_outbox: SyncOutboxTable;
  /** Placeholder so `Generated` stays imported for later tables with serial ids. */
  _generated_unused?: { id: Generated<number> };
}

/** Tenant log events (0006_logs): searchable members as columns, the whole event in `body`. */
export interface Auth0LogsTable {
  log_id: string;
  date: number;
  type: string;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  user_name: string | null;
  connection: string | null;
  connection_id: string | null;
  ip: string | null;
  description: string | null;
  body: string;
}
