/**
 * The IAM composition root: one repository, one parsed-policy cache and one set of services per
 * storage, shared by the IAM surface, STS, and the authorizer every other surface uses — so a
 * policy change made through this process's IAM surface reaches its authorizer at once.
 */
import type { RoleAssumer } from '../core/credentials/ports.js';
import { WebIdentityRoleAssumer } from '../core/credentials/assume-role.js';
import { PolicyAuthorizer } from '../core/iam/authorizer.js';
import { OidcProviderService } from '../core/iam/oidc-provider-service.js';
import { ParsedPolicyCache } from '../core/iam/policy-cache.js';
import { ManagedPolicyService } from '../core/iam/policy-service.js';
import type { Authorizer, IamRepository, OidcProviderLookup } from '../core/iam/ports.js';
import { RolePolicyLoader } from '../core/iam/role-policy-loader.js';
import { RolePolicyService } from '../core/iam/role-policy-service.js';
import { RoleService, type IamServiceOptions } from '../core/iam/role-service.js';
import { SimulationService } from '../core/iam/simulation-service.js';
import { thumbprintOf } from '../core/tls/thumbprint.js';
import { KyselyIamRepository } from '../storage/repositories/iam.js';
import type { BaseContext } from './context.js';

export interface IamServices {
  repository: IamRepository;
  providers: OidcProviderService;
  roles: RoleService;
  rolePolicies: RolePolicyService;
  policies: ManagedPolicyService;
  simulation: SimulationService;
  authorizer: PolicyAuthorizer;
  roleAssumer: RoleAssumer;
}

const byStorage = new WeakMap<object, IamServices>();

/** The IAM services of a context (built once per storage). */
export function iamServices(base: BaseContext): IamServices {
  const existing = byStorage.get(base.storage);
  if (existing) return existing;
  const { accountId } = base.config;
  const repository = new KyselyIamRepository(base.storage);
  const parsed = new ParsedPolicyCache();
  const loader = new RolePolicyLoader(repository, base.clock, parsed);
  const options: IamServiceOptions = { accountId, clock: base.clock, parsed, onChange: () => loader.invalidate() };
  const services: IamServices = {
    repository,
    providers: new OidcProviderService(repository, { accountId, clock: base.clock, fetchThumbprint: (url) => thumbprintOf(url) }),
    roles: new RoleService(repository, options),
    rolePolicies: new RolePolicyService(repository, options),
    policies: new ManagedPolicyService(repository, options),
    simulation: new SimulationService(repository, parsed, accountId),
    authorizer: new PolicyAuthorizer(loader, parsed, base.clock),
    roleAssumer: new WebIdentityRoleAssumer({ accountId, clock: base.clock, store: repository, sessions: base.sessions, parsed }),
  };
  byStorage.set(base.storage, services);
  return services;
}

export function wireIam(base: BaseContext): { oidcProviders: OidcProviderLookup; authorizer: Authorizer; roleAssumer: RoleAssumer } {
  const s = iamServices(base);
  return { oidcProviders: s.providers, authorizer: s.authorizer, roleAssumer: s.roleAssumer };
}
