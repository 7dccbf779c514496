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
  /** Placeholder so `Generated` stays imported for later tables with serial ids. */
  _generated_unused?: { id: Generated<number> };
}
