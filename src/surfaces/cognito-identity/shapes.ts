import type { IdentityDescription } from '../../core/federation/identity-service.js';
import type { IdentityPoolRecord, MatchType, PoolConfig, PoolRoles, RoleMapping } from '../../core/federation/ports.js';

/** The model's `IdentityPool` structure (aws-apis.md §1.2), as the codec hands it over. */
export interface IdentityPoolShape {
  IdentityPoolId?: string;
  IdentityPoolName: string;
  AllowUnauthenticatedIdentities: boolean;
  AllowClassicFlow?: boolean;
  SupportedLoginProviders?: Record<string, string>;
  DeveloperProviderName?: string;
  OpenIdConnectProviderARNs?: string[];
  CognitoIdentityProviders?: { ProviderName?: string; ClientId?: string; ServerSideTokenCheck?: boolean }[];
  SamlProviderARNs?: string[];
  IdentityPoolTags?: Record<string, string>;
}

export interface RoleMappingShape {
  Type: 'Token' | 'Rules';
  AmbiguousRoleResolution?: 'AuthenticatedRole' | 'Deny';
  RulesConfiguration?: { Rules: { Claim: string; MatchType: MatchType; Value: string; RoleARN: string }[] };
}

export type Logins = Record<string, string>;

export function toPoolConfig(s: IdentityPoolShape): PoolConfig {
  return {
    name: s.IdentityPoolName,
    allowUnauthenticated: s.AllowUnauthenticatedIdentities,
    ...(s.AllowClassicFlow !== undefined ? { allowClassicFlow: s.AllowClassicFlow } : {}),
    ...(s.SupportedLoginProviders ? { supportedLoginProviders: s.SupportedLoginProviders } : {}),
    ...(s.DeveloperProviderName !== undefined ? { developerProviderName: s.DeveloperProviderName } : {}),
    ...(s.OpenIdConnectProviderARNs ? { openIdConnectProviderArns: s.OpenIdConnectProviderARNs } : {}),
    ...(s.CognitoIdentityProviders
      ? {
          cognitoIdentityProviders: s.CognitoIdentityProviders.map((p) => ({
            ...(p.ProviderName !== undefined ? { providerName: p.ProviderName } : {}),
            ...(p.ClientId !== undefined ? { clientId: p.ClientId } : {}),
            ...(p.ServerSideTokenCheck !== undefined ? { serverSideTokenCheck: p.ServerSideTokenCheck } : {}),
          })),
        }
      : {}),
    ...(s.SamlProviderARNs ? { samlProviderArns: s.SamlProviderARNs } : {}),
    tags: s.IdentityPoolTags ?? {},
  };
}

export function fromPool(pool: IdentityPoolRecord): IdentityPoolShape {
  const c = pool.config;
  return {
    IdentityPoolId: pool.id,
    IdentityPoolName: c.name,
    AllowUnauthenticatedIdentities: c.allowUnauthenticated,
    ...(c.allowClassicFlow !== undefined ? { AllowClassicFlow: c.allowClassicFlow } : {}),
    ...(c.supportedLoginProviders ? { SupportedLoginProviders: c.supportedLoginProviders } : {}),
    ...(c.developerProviderName !== undefined ? { DeveloperProviderName: c.developerProviderName } : {}),
    ...(c.openIdConnectProviderArns ? { OpenIdConnectProviderARNs: c.openIdConnectProviderArns } : {}),
    ...(c.cognitoIdentityProviders
      ? {
          CognitoIdentityProviders: c.cognitoIdentityProviders.map((p) => ({
            ...(p.providerName !== undefined ? { ProviderName: p.providerName } : {}),
            ...(p.clientId !== undefined ? { ClientId: p.clientId } : {}),
            ...(p.serverSideTokenCheck !== undefined ? { ServerSideTokenCheck: p.serverSideTokenCheck } : {}),
          })),
        }
      : {}),
    ...(c.samlProviderArns ? { SamlProviderARNs: c.samlProviderArns } : {}),
    IdentityPoolTags: c.tags,
  };
}

export function toRoles(roles: Record<string, string>, mappings: Record<string, RoleMappingShape> | undefined): PoolRoles {
  const roleMappings: Record<string, RoleMapping> = {};
  for (const [key, m] of Object.entries(mappings ?? {})) {
    roleMappings[key] = {
      type: m.Type,
      ...(m.AmbiguousRoleResolution !== undefined ? { ambiguousRoleResolution: m.AmbiguousRoleResolution } : {}),
      ...(m.RulesConfiguration
        ? { rules: m.RulesConfiguration.Rules.map((r) => ({ claim: r.Claim, matchType: r.MatchType, value: r.Value, roleArn: r.RoleARN })) }
        : {}),
    };
  }
  return { roles, roleMappings };
}

export function fromRoles(roles: PoolRoles): { Roles: Record<string, string>; RoleMappings?: Record<string, RoleMappingShape> } {
  const entries = Object.entries(roles.roleMappings);
  if (entries.length === 0) return { Roles: roles.roles };
  const RoleMappings: Record<string, RoleMappingShape> = {};
  for (const [key, m] of entries) {
    RoleMappings[key] = {
      Type: m.type,
      ...(m.ambiguousRoleResolution !== undefined ? { AmbiguousRoleResolution: m.ambiguousRoleResolution } : {}),
      ...(m.rules ? { RulesConfiguration: { Rules: m.rules.map((r) => ({ Claim: r.claim, MatchType: r.matchType, Value: r.value, RoleARN: r.roleArn })) } } : {}),
    };
  }
  return { Roles: roles.roles, RoleMappings };
}

/** `IdentityDescription`: timestamps as `Date`, the codec writes epoch seconds. */
export function fromIdentity(d: IdentityDescription): { IdentityId: string; Logins: string[]; CreationDate: Date; LastModifiedDate: Date } {
  return { IdentityId: d.identity.id, Logins: d.providers, CreationDate: new Date(d.identity.createdAt), LastModifiedDate: new Date(d.identity.updatedAt) };
}
