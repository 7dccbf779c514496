import { AppError, notAuthorized } from '../errors.js';
import type { MappingRule, PoolRoles, RoleMapping } from './ports.js';

export const INVALID_POOL_CONFIGURATION = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';
export const AMBIGUOUS_DENIED = 'The ambiguous role mapping rules denied this request.';

export const invalidPoolConfiguration = (): AppError => new AppError('InvalidIdentityPoolConfiguration', INVALID_POOL_CONFIGURATION);

/** The login a role is chosen for: the names its mapping may be keyed by, and its token's claims. */
export interface RoleSubject {
  /** e.g. `idp.example.com/realm` and its provider ARN; `cognito-idp…/pool:clientId` for user pools (§1.4) */
  mappingKeys: string[];
  claims: Record<string, unknown>;
}

/**
 * Role selection of GetCredentialsForIdentity (aws-apis.md §1.6). A guest gets the
 * unauthenticated role; a login with no mapping gets the authenticated role; Token and Rules
 * mappings choose from the token, falling back on AmbiguousRoleResolution.
 */
export function resolveRole(pool: PoolRoles, login: RoleSubject | undefined, customRoleArn?: string): string {
  if (!login) return pool.roles['unauthenticated'] ?? throwInvalid();
  const mapping = mappingFor(pool, login.mappingKeys);
  if (!mapping) return pool.roles['authenticated'] ?? throwInvalid();
  const chosen = mapping.type === 'Token' ? fromToken(login.claims, customRoleArn) : fromRules(mapping.rules ?? [], login.claims, customRoleArn);
  if (chosen) return chosen;
  if (mapping.ambiguousRoleResolution === 'AuthenticatedRole') return pool.roles['authenticated'] ?? throwInvalid();
  throw notAuthorized(AMBIGUOUS_DENIED);
}

function throwInvalid(): never {
  throw invalidPoolConfiguration();
}

function mappingFor(pool: PoolRoles, keys: string[]): RoleMapping | undefined {
  for (const k of keys) {
    const m = pool.roleMappings[k];
    if (m) return m;
  }
  return undefined;
}

/** Type=Token: CustomRoleArn must be one of `cognito:roles`; else `cognito:preferred_role`. */
function fromToken(claims: Record<string, unknown>, customRoleArn: string | undefined): string | undefined {
  if (customRoleArn !== undefined) {
    if (!valuesOf(claims['cognito:roles'])?.includes(customRoleArn)) throw notAuthorized(AMBIGUOUS_DENIED);
    return customRoleArn;
  }
  const preferred = claims['cognito:preferred_role'];
  return typeof preferred === 'string' && preferred !== '' ? preferred : undefined;
}

/** Type=Rules: first matching rule, unless CustomRoleArn names the role of another matching rule. */
function fromRules(rules: MappingRule[], claims: Record<string, unknown>, customRoleArn: string | undefined): string | undefined {
  const matching = rules.filter((r) => matches(r, valuesOf(claims[r.claim])));
  if (customRoleArn !== undefined && matching.some((r) => r.roleArn === customRoleArn)) return customRoleArn;
  return matching[0]?.roleArn;
}

/** No wildcards; a NotEqual rule on a missing claim does not match (§1.6). */
function matches(rule: MappingRule, values: string[] | undefined): boolean {
  if (values === undefined) return false;
  switch (rule.matchType) {
    case 'Equals':
      return values.includes(rule.value);
    case 'Contains':
      return values.some((v) => v.includes(rule.value));
    case 'StartsWith':
      return values.some((v) => v.startsWith(rule.value));
    case 'NotEqual':
      return !values.includes(rule.value);
  }
}

/** A claim as strings: multi-valued claims (groups, cognito:roles) match on any element. */
function valuesOf(claim: unknown): string[] | undefined {
  if (claim === undefined || claim === null) return undefined;
  if (Array.isArray(claim)) return claim.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return [typeof claim === 'string' ? claim : typeof claim === 'object' ? JSON.stringify(claim) : String(claim)];
}
