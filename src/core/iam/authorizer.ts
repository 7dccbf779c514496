/**
 * Authorization of every signed request (aws-apis.md §5.1): root may do anything; a role
 * session may do what its role's identity policies allow, intersected with its session
 * policies and its role's permissions boundary; an explicit Deny anywhere wins.
 */
import type { Clock } from '../clock.js';
import type { AssumedRolePrincipal, Principal } from '../credentials/principal.js';
import { AppError } from '../errors.js';
import { evaluate, type NamedPolicy, type PolicySet, type RequestContext } from '../policy/index.js';
import type { ParsedPolicyCache } from './policy-cache.js';
import type { Authorizer, RequestContextValues } from './ports.js';
import { requestContext } from './request-context.js';
import { sourcePolicyId, type RolePolicyLoader } from './role-policy-loader.js';

/** aws-apis.md §5.5 */
export const accessDenied = (who: string, action: string, resource: string): AppError =>
  new AppError('AccessDenied', `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`);

const NO_CONTEXT: RequestContext = Object.freeze({});

/** A role's identity policies (the loader's cached array) → whether any of them reads the request context. */
const contextReaders = new WeakMap<readonly NamedPolicy[], boolean>();

/** Whether a statement's outcome can depend on the request context: a Condition, or a `${…}` policy variable in a resource. */
const readsContextIn = (policies: readonly NamedPolicy[]): boolean =>
  policies.some(({ doc }) => doc.statements.some((s) => s.conditions.length > 0 || [...(s.resource ?? []), ...(s.notResource ?? [])].some((r) => r.includes('${'))));

/** Conservative: session, boundary and resource policies always get the full context. */
function readsContext(policies: PolicySet): boolean {
  if (policies.session !== undefined || policies.boundary !== undefined || policies.resource !== undefined) return true;
  let reads = contextReaders.get(policies.identity);
  if (reads === undefined) {
    reads = readsContextIn(policies.identity);
    contextReaders.set(policies.identity, reads);
  }
  return reads;
}

export class PolicyAuthorizer implements Authorizer {
  constructor(
    private readonly loader: RolePolicyLoader,
    private readonly parsed: ParsedPolicyCache,
    private readonly clock: Clock,
  ) {}

  async authorize(
    principal: Principal | undefined,
    action: string,
    resource: string,
    extra: { sourceIp?: string; context?: RequestContextValues } = {},
  ): Promise<void> {
    if (!principal) throw accessDenied('anonymous', action, resource);
    if (principal.kind === 'root') return;
    const policies = await this.policySet(principal);
    // Most role policies read nothing from the request context: then it is not built at all.
    const context = readsContext(policies) ? requestContext(principal, this.clock.now(), extra.sourceIp, extra.context) : NO_CONTEXT;
    const result = evaluate(policies, { action, resource, context });
    if (result.decision !== 'allowed') throw accessDenied(principal.arn, action, resource);
  }

  /** Everything that applies to one session: role policies, boundary, session policies. */
  async policySet(principal: AssumedRolePrincipal): Promise<PolicySet> {
    const role = await this.loader.forRole(principal.roleId);
    const session = await this.sessionPolicies(principal);
    return {
      identity: role.identity,
      ...(role.boundary ? { boundary: role.boundary } : {}),
      ...(session.length > 0 ? { session } : {}),
    };
  }

  private async sessionPolicies(principal: AssumedRolePrincipal): Promise<NamedPolicy[]> {
    const out: NamedPolicy[] = [];
    if (principal.sessionPolicy !== undefined) {
      out.push({ id: sourcePolicyId('none', 'SessionPolicy'), doc: this.parsed.parse(principal.sessionPolicy, 'session') });
    }
    for (const arn of principal.sessionPolicyArns ?? []) {
      // A session policy that no longer exists still counts as a session policy that allows nothing.
      out.push((await this.loader.managed(arn)) ?? { id: sourcePolicyId('user-managed', arn), doc: { version: '2012-10-17', statements: [] } });
    }
    return out;
  }
}
