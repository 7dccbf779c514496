import type { Principal } from '../credentials/principal.js';

/** Condition-key values as the policy engine receives them (keys lower-case). */
export type RequestContextValues = Record<string, string | string[]>;

/** An IAM OpenID Connect provider (aws-apis.md §4.1). */
export interface OidcProviderRecord {
  arn: string;
  /** host[:port][/path] — the Url without its scheme, as GetOpenIDConnectProvider returns it */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: { Key: string; Value: string }[];
  createdAt: number;
}

/** What Cognito Identity and STS need of the OIDC provider registry. */
export interface OidcProviderLookup {
  byArn(arn: string): Promise<OidcProviderRecord | undefined>;
  /** Exact, case-sensitive url match (no scheme), as AWS does not normalise. */
  byUrl(url: string): Promise<OidcProviderRecord | undefined>;
}

/** Decides every request made with credentials, through the IAM policy engine. */
export interface Authorizer {
  /**
   * Root is allowed everything. An assumed-role session is allowed what its role's inline and
   * attached policies allow, intersected with its session policies; an explicit Deny wins.
   * Throws AppError('AccessDenied', 'User: <arn> is not authorized to perform: <action> on resource: <resource>').
   */
  authorize(principal: Principal | undefined, action: string, resource: string, extra?: { sourceIp?: string; context?: RequestContextValues }): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The IAM registry's storage port (roles, inline and managed policies, OIDC providers).

/** An IAM tag; keys are case-insensitively unique per resource. */
export interface IamTag {
  Key: string;
  Value: string;
}

/** A role (aws-apis.md §4.2). */
export interface RoleRecord {
  /** AROA… */
  roleId: string;
  roleName: string;
  /** `/` or `/…/` */
  path: string;
  /** arn:aws:iam::<acct>:role<path><name> */
  arn: string;
  /** Trust policy JSON, as given. */
  assumeRolePolicy: string;
  description?: string;
  /** seconds, 3600…43200 */
  maxSessionDuration: number;
  /** Managed policy ARN used as permissions boundary. */
  permissionsBoundary?: string;
  tags: IamTag[];
  createdAt: number;
}

/** An inline role policy. */
export interface RolePolicyRecord {
  policyName: string;
  document: string;
}

/** A customer managed policy; its documents live in versions. */
export interface ManagedPolicyRecord {
  arn: string;
  /** ANPA… */
  policyId: string;
  policyName: string;
  path: string;
  description?: string;
  defaultVersionId: string;
  /** Number of the next version id to hand out (`v<n>`); version ids are never reused. */
  nextVersion: number;
  tags: IamTag[];
  createdAt: number;
  updatedAt: number;
}

export interface PolicyVersionRecord {
  policyArn: string;
  versionId: string;
  document: string;
  createdAt: number;
}

export interface AttachedPolicyRef {
  policyArn: string;
  policyName: string;
}

export interface ListWindow {
  /** Keyset position: items strictly after this sort key. */
  after?: string;
  limit: number;
}

/**
 * Reads and writes of the IAM registry. Writes that must hold a rule across several
 * statements (quotas, read-modify-write of lists) run inside {@link IamRepository.transaction}
 * after {@link IamStore.lock}ing the keys they depend on.
 */
export interface IamStore {
  /** Serializes writers on `key` until the transaction ends (a no-op outside one). */
  lock(key: string): Promise<void>;

  providerByArn(arn: string): Promise<OidcProviderRecord | undefined>;
  providerByUrl(url: string): Promise<OidcProviderRecord | undefined>;
  listProviders(): Promise<OidcProviderRecord[]>;
  /** false when the ARN or url is taken */
  insertProvider(p: OidcProviderRecord): Promise<boolean>;
  updateProvider(p: OidcProviderRecord): Promise<void>;
  deleteProvider(arn: string): Promise<boolean>;

  /** Case-insensitive: role names are unique regardless of case. */
  roleByName(name: string): Promise<RoleRecord | undefined>;
  roleById(roleId: string): Promise<RoleRecord | undefined>;
  /** Ordered by lower-cased name; `after` is a lower-cased name. */
  listRoles(window: ListWindow & { pathPrefix?: string }): Promise<RoleRecord[]>;
  countRoles(): Promise<number>;
  /** false when the name (any case) is taken */
  insertRole(r: RoleRecord): Promise<boolean>;
  updateRole(r: RoleRecord): Promise<void>;
  deleteRole(roleId: string): Promise<void>;

  /** Ordered by name. */
  rolePolicies(roleId: string): Promise<RolePolicyRecord[]>;
  putRolePolicy(roleId: string, policy: RolePolicyRecord): Promise<void>;
  deleteRolePolicy(roleId: string, policyName: string): Promise<boolean>;

  attachedPolicies(roleId: string): Promise<AttachedPolicyRef[]>;
  attach(roleId: string, policyArn: string): Promise<void>;
  detach(roleId: string, policyArn: string): Promise<boolean>;
  attachmentCount(policyArn: string): Promise<number>;

  policyByArn(arn: string): Promise<ManagedPolicyRecord | undefined>;
  /** Case-insensitive. */
  policyByName(name: string): Promise<ManagedPolicyRecord | undefined>;
  /** Ordered by lower-cased name; `after` is a lower-cased name. */
  listPolicies(window: ListWindow & { pathPrefix?: string; onlyAttached?: boolean }): Promise<ManagedPolicyRecord[]>;
  countPolicies(): Promise<number>;
  /** Inserts the policy with its first version; false when the ARN is taken. */
  insertPolicy(p: ManagedPolicyRecord, first: PolicyVersionRecord): Promise<boolean>;
  updatePolicy(p: ManagedPolicyRecord): Promise<void>;
  /** Deletes the policy and all its versions. */
  deletePolicy(arn: string): Promise<void>;
  policyVersion(arn: string, versionId: string): Promise<PolicyVersionRecord | undefined>;
  /** Oldest first. */
  policyVersions(arn: string): Promise<PolicyVersionRecord[]>;
  insertPolicyVersion(v: PolicyVersionRecord): Promise<void>;
  deletePolicyVersion(arn: string, versionId: string): Promise<void>;
}

export interface IamRepository extends IamStore {
  /** Runs `fn` in one transaction; the store it receives must be the only one used inside. */
  transaction<T>(fn: (tx: IamStore) => Promise<T>): Promise<T>;
}
