/**
 * The authorization decision.
 *
 * IAM User Guide, "Policy evaluation logic" (same-account requests):
 * 1. every request starts as an implicit deny;
 * 2. an explicit `Deny` in any applicable policy — identity, session, boundary or
 *    resource-based — is final;
 * 3. otherwise the request is allowed only when an identity-based policy or a resource-based
 *    policy allows it, *and* (if session policies were passed) a session policy allows it,
 *    *and* (if the role has a permissions boundary) the boundary allows it — the effective
 *    permissions are the intersection;
 * 4. anything else is an implicit deny.
 * A role's trust policy is evaluated on its own for `sts:AssumeRole*` (see {@link evaluateTrust}).
 */
import { compiled, type CompiledStatement, type ResourcePattern } from './compile.js';
import { evaluateCondition, type ConditionEnv } from './conditions.js';
import type {
  AuthzRequest,
  ContextValue,
  Decision,
  EvaluationResult,
  MatchedStatement,
  NamedPolicy,
  PolicyDocument,
  PolicyKind,
  PolicySet,
  RequestContext,
} from './types.js';
import { resolveTemplate } from './variables.js';
import { compileGlob } from './wildcard.js';

/** Which elements a statement is matched on. */
type Mode = 'identity' | 'resource' | 'trust';

/** The per-request state: the normalized context and the missing keys seen so far. */
class Env implements ConditionEnv {
  private readonly ctx = new Map<string, ContextValue>();
  readonly missingKeys = new Set<string>();

  constructor(context: RequestContext) {
    // Condition key names are case-insensitive.
    for (const [k, v] of Object.entries(context)) if (v !== undefined) this.ctx.set(k.toLowerCase(), v);
  }

  values(key: string): string[] | undefined {
    const v = this.ctx.get(key);
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : [String(v)];
  }

  variable(key: string): string | undefined {
    const v = this.ctx.get(key);
    // A multi-valued key cannot be a policy variable.
    return v === undefined || Array.isArray(v) ? undefined : String(v);
  }

  missing(key: string): void {
    this.missingKeys.add(key);
  }
}

function resourceMatches(p: ResourcePattern, resource: string, env: Env): boolean {
  if ('matcher' in p) return p.matcher(resource);
  const r = resolveTemplate(p.template, (k) => env.variable(k));
  if (r.ok) return compileGlob(r.glob)(resource);
  for (const k of r.missing) env.missing(k);
  return false;
}

function applies(cs: CompiledStatement, action: string, request: AuthzRequest, env: Env, mode: Mode): boolean {
  if (cs.actions && !cs.actions.some((m) => m(action))) return false;
  if (cs.notActions && cs.notActions.some((m) => m(action))) return false;
  if (mode !== 'trust') {
    const { resource } = request;
    if (cs.resources && !cs.resources.some((p) => resourceMatches(p, resource, env))) return false;
    if (cs.notResources && cs.notResources.some((p) => resourceMatches(p, resource, env))) return false;
  }
  if (mode !== 'identity') {
    if (cs.principal && !cs.principal(request.principal)) return false;
    if (cs.notPrincipal && cs.notPrincipal(request.principal)) return false;
  }
  // Every clause is evaluated (no short cut) so that all missing keys are reported.
  let holds = true;
  for (const c of cs.conditions) if (!evaluateCondition(c, env)) holds = false;
  return holds;
}

interface Tally {
  allow: boolean;
  deny: boolean;
}

function run(
  policies: readonly NamedPolicy[],
  kind: PolicyKind,
  mode: Mode,
  request: AuthzRequest,
  action: string,
  env: Env,
  matched: MatchedStatement[],
): Tally {
  const tally: Tally = { allow: false, deny: false };
  for (const { id, doc } of policies) {
    doc.statements.forEach((statement, statementIndex) => {
      if (!applies(compiled(statement, doc.version), action, request, env, mode)) return;
      const m: MatchedStatement = { policyId: id, policyKind: kind, statementIndex, effect: statement.effect };
      if (statement.sid !== undefined) m.sid = statement.sid;
      matched.push(m);
      if (statement.effect === 'Deny') tally.deny = true;
      else tally.allow = true;
    });
  }
  return tally;
}

/**
 * Decides a request against every applicable policy, by AWS's same-account logic: any
 * matching Deny → `explicitDeny`; else `allowed` iff (an identity or resource-policy Allow)
 * and (no session policies, or a session Allow) and (no boundary, or a boundary Allow);
 * else `implicitDeny`. Resource-based statements must also match `request.principal`.
 */
export function evaluate(policies: PolicySet, request: AuthzRequest): EvaluationResult {
  const env = new Env(request.context);
  const action = request.action.toLowerCase();
  const matched: MatchedStatement[] = [];
  const identity = run(policies.identity, 'identity', 'identity', request, action, env, matched);
  const sessions = policies.session ?? [];
  const session = run(sessions, 'session', 'identity', request, action, env, matched);
  const boundaries = policies.boundary === undefined ? [] : [policies.boundary];
  const boundary = run(boundaries, 'boundary', 'identity', request, action, env, matched);
  const resource = run(policies.resource ?? [], 'resource', 'resource', request, action, env, matched);

  let decision: Decision;
  if (identity.deny || session.deny || boundary.deny || resource.deny) decision = 'explicitDeny';
  else if (
    (identity.allow || resource.allow) &&
    (sessions.length === 0 || session.allow) &&
    (boundaries.length === 0 || boundary.allow)
  ) {
    decision = 'allowed';
  } else decision = 'implicitDeny';
  return { decision, matched, missingContextKeys: [...env.missingKeys] };
}

/**
 * Checks a role's trust policy for `sts:AssumeRole*`: a statement applies when its
 * Principal matches `request.principal`, its Action matches `request.action` and its
 * conditions hold (against the token's claims in `request.context`). Resource is not
 * consulted. Any applying Deny → `explicitDeny`; an applying Allow → `allowed`.
 */
export function evaluateTrust(trust: PolicyDocument, request: AuthzRequest): EvaluationResult {
  const env = new Env(request.context);
  const matched: MatchedStatement[] = [];
  const named: NamedPolicy = { id: trust.id ?? 'trust', doc: trust };
  const t = run([named], 'trust', 'trust', request, request.action.toLowerCase(), env, matched);
  const decision: Decision = t.deny ? 'explicitDeny' : t.allow ? 'allowed' : 'implicitDeny';
  return { decision, matched, missingContextKeys: [...env.missingKeys] };
}
