/**
 * The IAM policy engine: parse and validate policy documents, evaluate requests against
 * them. Pure domain code — no HTTP, no SQL.
 *
 * ```ts
 * const doc = parsePolicy(json, 'identity');            // throws MalformedPolicyDocument
 * const r = evaluate({ identity: [{ id: 'p1', doc }] }, { action, resource, context });
 * if (r.decision !== 'allowed') …                       // AccessDenied
 * ```
 */
export type {
  AuthzRequest,
  ConditionClause,
  ContextValue,
  Decision,
  Effect,
  EvaluationResult,
  MatchedStatement,
  NamedPolicy,
  PolicyDocument,
  PolicyKind,
  PolicySet,
  PolicyVersion,
  PrincipalSpec,
  PrincipalType,
  RequestContext,
  RequestPrincipal,
  Statement,
} from './types.js';
export { parsePolicy, policySize, type ParseOptions } from './document.js';
export { evaluate, evaluateTrust } from './evaluate.js';
export { PolicyMessages } from './messages.js';
