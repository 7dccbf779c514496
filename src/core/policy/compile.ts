/**
 * The compiled form of a statement: globs turned into matchers, condition literals parsed,
 * principals into tests. Kept beside the plain {@link Statement} in a WeakMap so the
 * public document stays plain data, while a document parsed once is evaluated cheaply on
 * every request. A hand-built document is compiled on first use.
 */
import { compileCondition, type CompiledCondition } from './conditions.js';
import { compilePrincipal, type PrincipalMatcher } from './principal.js';
import type { PolicyVersion, Statement } from './types.js';
import { parseTemplate, type Template } from './variables.js';
import { compileGlob, rawGlob, type Matcher } from './wildcard.js';

/** A Resource/NotResource entry: a ready matcher, or a template holding policy variables. */
export type ResourcePattern = { matcher: Matcher } | { template: Template };

/** A statement ready to match: every glob, literal and principal already compiled. */
export interface CompiledStatement {
  /** Matchers over the lower-cased action (IAM action names are case-insensitive). */
  actions?: Matcher[];
  notActions?: Matcher[];
  resources?: ResourcePattern[];
  notResources?: ResourcePattern[];
  principal?: PrincipalMatcher;
  notPrincipal?: PrincipalMatcher;
  conditions: CompiledCondition[];
}

const compileAction = (action: string): Matcher => compileGlob(rawGlob(action.toLowerCase()));

function compileResource(resource: string, version: PolicyVersion): ResourcePattern {
  const template = parseTemplate(resource, { variables: version === '2012-10-17', wildcards: true });
  return template.static === undefined ? { template } : { matcher: compileGlob(template.static) };
}

/** Compiles one statement; throws `MalformedPolicyDocument` for a bad condition. */
export function compileStatement(statement: Statement, version: PolicyVersion): CompiledStatement {
  const out: CompiledStatement = {
    conditions: statement.conditions.map((c) => compileCondition(c, version)),
  };
  if (statement.action) out.actions = statement.action.map(compileAction);
  if (statement.notAction) out.notActions = statement.notAction.map(compileAction);
  if (statement.resource) out.resources = statement.resource.map((r) => compileResource(r, version));
  if (statement.notResource) out.notResources = statement.notResource.map((r) => compileResource(r, version));
  if (statement.principal) out.principal = compilePrincipal(statement.principal);
  if (statement.notPrincipal) out.notPrincipal = compilePrincipal(statement.notPrincipal);
  return out;
}

const compiledByStatement = new WeakMap<Statement, { version: PolicyVersion; compiled: CompiledStatement }>();

/** The compiled form of a statement, compiling and remembering it on first use. */
export function compiled(statement: Statement, version: PolicyVersion): CompiledStatement {
  const hit = compiledByStatement.get(statement);
  if (hit !== undefined && hit.version === version) return hit.compiled;
  const c = compileStatement(statement, version);
  compiledByStatement.set(statement, { version, compiled: c });
  return c;
}
