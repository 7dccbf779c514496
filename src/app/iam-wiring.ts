// PLACEHOLDER — replaced by the IAM/STS implementation.
import type { Authorizer, OidcProviderLookup } from '../core/iam/ports.js';
import type { RoleAssumer } from '../core/credentials/ports.js';
import type { BaseContext } from './context.js';

export function wireIam(_base: BaseContext): { oidcProviders: OidcProviderLookup; authorizer: Authorizer; roleAssumer: RoleAssumer } {
  throw new Error('IAM wiring not implemented yet');
}
