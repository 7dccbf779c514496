/**
 * Cognito Identity's domain (aws-apis.md §1): identity pools, identities and the logins
 * linked to them, and the repositories that keep them. No wire names: the surface maps the
 * `IdentityPool` structure onto `PoolConfig` and back.
 */

/** An identity pool's configuration; Update replaces it whole (PUT semantics, §1.3). */
export interface PoolConfig {
  name: string;
  allowUnauthenticated: boolean;
  /** Undefined when never set: classic flow then still works; only an explicit false blocks it (§9.22). */
  allowClassicFlow?: boolean;
  supportedLoginProviders?: Record<string, string>;
  /** Cannot be changed once set (§1.1). */
  developerProviderName?: string;
  openIdConnectProviderArns?: string[];
  cognitoIdentityProviders?: CognitoIdentityProviderRef[];
  samlProviderArns?: string[];
  tags: Record<string, string>;
}

export interface CognitoIdentityProviderRef {
  providerName?: string;
  clientId?: string;
  serverSideTokenCheck?: boolean;
}

export type MatchType = 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';

export interface MappingRule {
  claim: string;
  matchType: MatchType;
  value: string;
  roleArn: string;
}

export interface RoleMapping {
  type: 'Token' | 'Rules';
  ambiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
  rules?: MappingRule[];
}

/** SetIdentityPoolRoles: `roles` keyed `authenticated` / `unauthenticated`; mappings keyed by provider name. */
export interface PoolRoles {
  roles: Record<string, string>;
  roleMappings: Record<string, RoleMapping>;
}

export interface IdentityPoolRecord {
  id: string;
  config: PoolConfig;
  roles: PoolRoles;
  createdAt: number;
  updatedAt: number;
}

export interface PrincipalTagMap {
  useDefaults: boolean;
  /** tag key → token claim name */
  tags: Record<string, string>;
}

export interface IdentityRecord {
  id: string;
  poolId: string;
  /** true once a login was ever linked (§1.3: guests and authenticated identities differ) */
  authenticated: boolean;
  /** the identity this one was merged into (§1.5), or null */
  mergedInto: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One login: a provider name as used in `Logins` and the stable subject it proves. */
export interface LoginKey {
  provider: string;
  subject: string;
}

export interface LinkedLogin extends LoginKey {
  identityId: string;
  createdAt: number;
}

export type UpdateOutcome = 'updated' | 'missing' | 'conflict';

export interface IdentityPoolRepository {
  /** Inserts unless the account already has `maxPools` pools (then returns false). */
  create(pool: IdentityPoolRecord, maxPools: number): Promise<boolean>;
  get(id: string): Promise<IdentityPoolRecord | undefined>;
  /** Pools ordered by id, after `afterId`. */
  list(limit: number, afterId?: string): Promise<{ id: string; name: string }[]>;
  /** Optimistic: applies only if the row still has `expectedUpdatedAt`. */
  updateConfig(id: string, config: PoolConfig, expectedUpdatedAt: number, now: number): Promise<UpdateOutcome>;
  updateRoles(id: string, roles: PoolRoles, expectedUpdatedAt: number, now: number): Promise<UpdateOutcome>;
  /** Deletes the pool with its identities, logins and tag maps. */
  delete(id: string): Promise<boolean>;
  getPrincipalTagMap(poolId: string, provider: string): Promise<PrincipalTagMap | undefined>;
  putPrincipalTagMap(poolId: string, provider: string, map: PrincipalTagMap): Promise<void>;
}

/** Work inside one identity transaction (linking, merging, creating: §1.5). */
export interface IdentityTx {
  /** Rows of these identities, locked for the transaction where the database supports it. */
  identities(ids: string[]): Promise<IdentityRecord[]>;
  findLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[]>;
  loginsOf(identityIds: string[]): Promise<LinkedLogin[]>;
  insertIdentity(identity: IdentityRecord): Promise<void>;
  insertLogins(poolId: string, identityId: string, keys: LoginKey[], now: number): Promise<void>;
  moveLogins(poolId: string, fromIdentityIds: string[], toIdentityId: string): Promise<void>;
  /** Marks identities as merged into `into` (identities merged into them earlier keep pointing at them: a chain). */
  markMerged(ids: string[], into: string, now: number): Promise<void>;
  touch(id: string, now: number, authenticated: boolean): Promise<void>;
  deleteLogins(poolId: string, identityId: string, keys: LoginKey[]): Promise<number>;
}

export interface ListCursor {
  createdAt: number;
  id: string;
}

export interface IdentityRepository {
  insertGuest(identity: IdentityRecord): Promise<void>;
  get(id: string): Promise<IdentityRecord | undefined>;
  /** The identity and its logins (the GetCredentialsForIdentity hot path). */
  getWithLogins(id: string): Promise<{ identity: IdentityRecord; logins: LinkedLogin[] } | undefined>;
  findLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[]>;
  /**
   * `findLogins` as a fast path before `transact`, which may decline (undefined) when a read would
   * only wait behind writes in progress (SQLite's one connection): the caller then goes straight
   * to `transact`, joining the next group commit instead of queueing in front of it.
   */
  peekLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[] | undefined>;
  loginsOf(identityIds: string[]): Promise<LinkedLogin[]>;
  /** Identities of a pool by (createdAt, id), after the cursor. */
  list(poolId: string, limit: number, after: ListCursor | undefined, hideDisabled: boolean): Promise<IdentityRecord[]>;
  delete(id: string): Promise<boolean>;
  /**
   * Runs `fn` in one transaction. When it fails on a unique key (two requests linking the same
   * new login at once) the whole of `fn` is re-run, so it re-reads and joins the winner.
   */
  transact<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T>;
}
