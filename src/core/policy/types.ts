/**
 * The typed, normalized form of an IAM policy document and the request/decision shapes of
 * the evaluator. Pure data: the compiled matchers live beside it in `compile.ts`.
 */

/**
 * Where a document is used; it decides which elements are required or prohibited.
 * `identity` covers inline and managed role policies; `trust` is a role's
 * AssumeRolePolicyDocument; `session` is a policy passed to AssumeRole*; `boundary` a
 * permissions boundary; `resource` a resource-based policy that names principals.
 */
export type PolicyKind = 'identity' | 'trust' | 'session' | 'boundary' | 'resource';

/** The two policy-language versions IAM knows. A document without `Version` is `2008-10-17`. */
export type PolicyVersion = '2008-10-17' | '2012-10-17';

/** A statement's effect; IAM's legacy parser accepts only these exact spellings. */
export type Effect = 'Allow' | 'Deny';

/** The principal types a policy may name. */
export type PrincipalType = 'AWS' | 'Federated' | 'Service' | 'CanonicalUser';

/**
 * A normalized `Principal`/`NotPrincipal`: `'*'` (everyone, including anonymous) or the
 * listed ids per type, each always an array.
 */
export type PrincipalSpec = '*' | Partial<Record<PrincipalType, string[]>>;

/**
 * One key under one operator, e.g. `"StringEquals": {"cognito-identity.amazonaws.com:aud": [...]}`.
 * Values are kept as strings (JSON numbers and booleans are stringified, as IAM compares them).
 */
export interface ConditionClause {
  /** The operator as written, qualifier and suffix included: `ForAnyValue:StringLikeIfExists`. */
  operator: string;
  /** Condition key, lower-cased (IAM condition key names are case-insensitive). */
  key: string;
  /** Policy values; several values for one key are OR-ed. */
  values: string[];
}

/** One normalized statement. Exactly one of each pair (`action`/`notAction`, …) is set where present. */
export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  /** All clauses are AND-ed; empty when the statement has no `Condition`. */
  conditions: ConditionClause[];
}

/** A parsed and validated policy document. */
export interface PolicyDocument {
  version: PolicyVersion;
  id?: string;
  statements: Statement[];
}

/** A request-context value. Arrays are multi-valued keys (e.g. `cognito-identity.amazonaws.com:amr`). */
export type ContextValue = string | string[] | boolean | number | undefined;

/**
 * Condition keys and their values. Keys are matched case-insensitively; callers should
 * store them lower-case. Dates (`aws:currenttime`) are ISO-8601 strings or epoch seconds.
 */
export interface RequestContext {
  [key: string]: ContextValue;
}

/** The principal a trust or resource policy is checked against. */
export interface RequestPrincipal {
  type: 'AWS' | 'Federated' | 'Service';
  /** An ARN or account id (`AWS`), a provider name or OIDC-provider ARN (`Federated`), a service name. */
  id: string;
}

/** What is being authorized. */
export interface AuthzRequest {
  /** `service:Action`, e.g. `cognito-sync:ListRecords`, `sts:AssumeRoleWithWebIdentity`. */
  action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** Condition keys, e.g. `cognito-identity.amazonaws.com:aud`, `aws:userid`, `aws:currenttime`, `aws:sourceip`. */
  context: RequestContext;
  /** The caller, for trust and resource policies. */
  principal?: RequestPrincipal;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** A statement that applied to the request (action, resource, principal and conditions all matched). */
export interface MatchedStatement {
  policyId: string;
  policyKind: PolicyKind;
  statementIndex: number;
  sid?: string;
  effect: Effect;
}

export interface EvaluationResult {
  decision: Decision;
  /** Every statement that applied, Allow and Deny, in evaluation order. */
  matched: MatchedStatement[];
  /** Lower-cased condition keys and policy variables that were referenced but absent from the context. */
  missingContextKeys: string[];
}

/** A document with the id reported in {@link MatchedStatement.policyId}. */
export interface NamedPolicy {
  id: string;
  doc: PolicyDocument;
}

/** Every policy that applies to one request. */
export interface PolicySet {
  identity: NamedPolicy[];
  session?: NamedPolicy[];
  boundary?: NamedPolicy;
  resource?: NamedPolicy[];
}
