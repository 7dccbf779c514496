/**
 * SimulateCustomPolicy / SimulatePrincipalPolicy: the policy engine's decision for each action
 * and resource, with the statements that matched (where they sit in their documents) and the
 * condition keys that were needed but not supplied. Only the supplied ContextEntries are in the
 * request context, as IAM's simulator does.
 */
import { AppError, isAppError } from '../errors.js';
import { evaluate, type NamedPolicy, type PolicyKind, type RequestContext } from '../policy/index.js';
import type { ParsedPolicyCache } from './policy-cache.js';
import { policySource, sourcePolicyId } from './role-policy-loader.js';
import { statementSpans, type Span } from './statement-positions.js';

export interface ContextEntry {
  ContextKeyName?: string;
  ContextKeyValues?: string[];
  ContextKeyType?: string;
}

export interface MatchedStatementView extends Partial<Span> {
  SourcePolicyId: string;
  SourcePolicyType: string;
}

export interface ResourceResultView {
  EvalResourceName: string;
  EvalResourceDecision: string;
  MatchedStatements: MatchedStatementView[];
  MissingContextValues: string[];
}

export interface EvaluationResultView {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: string;
  MatchedStatements: MatchedStatementView[];
  MissingContextValues: string[];
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean };
  ResourceSpecificResults?: ResourceResultView[];
}

/** A policy to simulate with, and its text (for statement positions). */
export interface SimulationPolicy extends NamedPolicy {
  text: string;
}

export interface SimulationInput {
  identity: SimulationPolicy[];
  boundary?: SimulationPolicy;
  resourcePolicy?: SimulationPolicy;
  callerArn?: string;
  actions: string[];
  /** Absent: `*`. */
  resources?: string[];
  context: RequestContext;
}

/** Parses `<list>.N` input documents; a malformed one is InvalidInput naming its place. */
export function simulationPolicies(parsed: ParsedPolicyCache, texts: readonly string[], list: string, kind: PolicyKind): SimulationPolicy[] {
  return texts.map((text, i) => {
    try {
      return { id: sourcePolicyId(kind === 'resource' ? 'resource' : 'none', `${list}.${i + 1}`), doc: parsed.parse(text, kind), text };
    } catch (e) {
      if (isAppError(e) && e.code === 'MalformedPolicyDocument') throw new AppError('InvalidParameter', `${list}.${i + 1}: ${e.message}`);
      throw e;
    }
  });
}

/** ContextEntries → request context: `*List` types are multi-valued, keys lower-cased. */
export function contextFromEntries(entries: readonly ContextEntry[]): RequestContext {
  const out: RequestContext = {};
  for (const e of entries) {
    if (!e.ContextKeyName) continue;
    const values = e.ContextKeyValues ?? [];
    out[e.ContextKeyName.toLowerCase()] = e.ContextKeyType?.endsWith('List') ? values : values[0];
  }
  return out;
}

export function simulate(input: SimulationInput): EvaluationResultView[] {
  const all = [...input.identity, ...(input.boundary ? [input.boundary] : []), ...(input.resourcePolicy ? [input.resourcePolicy] : [])];
  const spans = new Map(all.map((p) => [p.id, statementSpans(p.text)] as const));
  const resources = input.resources?.length ? input.resources : ['*'];
  const out: EvaluationResultView[] = [];
  for (const action of input.actions) {
    for (const resource of resources) {
      const r = evaluate(
        {
          identity: input.identity,
          ...(input.boundary ? { boundary: input.boundary } : {}),
          ...(input.resourcePolicy ? { resource: [input.resourcePolicy] } : {}),
        },
        { action, resource, context: input.context, ...(input.callerArn ? { principal: { type: 'AWS', id: input.callerArn } } : {}) },
      );
      const matched = r.matched.map((m): MatchedStatementView => {
        const source = policySource(m.policyId);
        const span = spans.get(m.policyId)?.[m.statementIndex];
        return { SourcePolicyId: source.name, SourcePolicyType: source.type, ...(span ?? {}) };
      });
      const boundary = input.boundary && r.matched.filter((m) => m.policyKind === 'boundary');
      const view: EvaluationResultView = {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: r.decision,
        MatchedStatements: matched,
        MissingContextValues: r.missingContextKeys,
        ...(boundary ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: boundary.some((m) => m.effect === 'Allow') && !boundary.some((m) => m.effect === 'Deny') } } : {}),
      };
      if (input.resources?.length) {
        view.ResourceSpecificResults = [{ EvalResourceName: resource, EvalResourceDecision: r.decision, MatchedStatements: matched, MissingContextValues: r.missingContextKeys }];
      }
      out.push(view);
    }
  }
  return out;
}
