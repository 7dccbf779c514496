/**
 * The `Condition` operators: the operator table, compiling a clause's policy values once,
 * and evaluating a clause against the request context.
 *
 * IAM User Guide, "IAM JSON policy elements: Condition operators" and "Condition with
 * multiple context keys or values":
 * - operators are AND-ed, keys under one operator are AND-ed, values of one key are OR-ed;
 * - a negated operator (`StringNotEquals`, `NotIpAddress`, …) is true when the request
 *   value matches *none* of the policy values;
 * - a key absent from the request context makes a positive operator false and a negated
 *   operator true; `…IfExists` makes any operator true on an absent key; `Null` tests
 *   absence itself;
 * - `ForAnyValue:` is true when some request value satisfies the operator, and false when
 *   the key is absent or empty; `ForAllValues:` is true when every request value does, and
 *   true when the key is absent or empty.
 *
 * Our choice where the guide is silent: a multi-valued request key under a plain
 * (non-set) operator matches when *any* request value matches (so the negated form holds
 * when *no* request value matches any policy value) — the reading that never lets a
 * negated Deny be dodged by adding values.
 */
import { malformed, PolicyMessages } from './messages.js';
import { cidrContains, parseCidr, parseIp } from './ip.js';
import { parseDate, parseNumber } from './scalars.js';
import type { ConditionClause, PolicyVersion } from './types.js';
import { parseTemplate, resolveTemplate, type Template } from './variables.js';
import { arnComponents, compileGlob, type Matcher } from './wildcard.js';

/** The kind of value an operator compares, which decides how its literals are parsed. */
export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';
type Comparison = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

/** What a base operator (without qualifier or `IfExists`) does. */
export interface OperatorSpec {
  family: OperatorFamily;
  /** True for the `Not…` forms: the condition holds when no policy value matches. */
  negated: boolean;
  comparison?: Comparison;
  /** `*`/`?` are wildcards in the policy values (`…Like`, all ARN operators). */
  like?: boolean;
  ignoreCase?: boolean;
}

const s = (negated: boolean, extra: Partial<OperatorSpec> = {}): OperatorSpec => ({ family: 'string', negated, ...extra });
const cmp = (family: 'numeric' | 'date', comparison: Comparison, negated = false): OperatorSpec => ({
  family,
  negated,
  comparison,
});

/**
 * The base operators. `ArnEquals` and `ArnLike` behave alike: the guide documents both as a
 * case-sensitive match of each of the six colon-separated ARN components, wildcards allowed.
 */
const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  StringEquals: s(false),
  StringNotEquals: s(true),
  StringEqualsIgnoreCase: s(false, { ignoreCase: true }),
  StringNotEqualsIgnoreCase: s(true, { ignoreCase: true }),
  StringLike: s(false, { like: true }),
  StringNotLike: s(true, { like: true }),
  NumericEquals: cmp('numeric', 'eq'),
  NumericNotEquals: cmp('numeric', 'eq', true),
  NumericLessThan: cmp('numeric', 'lt'),
  NumericLessThanEquals: cmp('numeric', 'le'),
  NumericGreaterThan: cmp('numeric', 'gt'),
  NumericGreaterThanEquals: cmp('numeric', 'ge'),
  DateEquals: cmp('date', 'eq'),
  DateNotEquals: cmp('date', 'eq', true),
  DateLessThan: cmp('date', 'lt'),
  DateLessThanEquals: cmp('date', 'le'),
  DateGreaterThan: cmp('date', 'gt'),
  DateGreaterThanEquals: cmp('date', 'ge'),
  Bool: { family: 'bool', negated: false },
  BinaryEquals: { family: 'binary', negated: false },
  IpAddress: { family: 'ip', negated: false },
  NotIpAddress: { family: 'ip', negated: true },
  ArnEquals: { family: 'arn', negated: false, like: true },
  ArnLike: { family: 'arn', negated: false, like: true },
  ArnNotEquals: { family: 'arn', negated: true, like: true },
  ArnNotLike: { family: 'arn', negated: true, like: true },
  Null: { family: 'null', negated: false },
};

/** An operator name taken apart. */
export interface ParsedOperator {
  base: string;
  spec: OperatorSpec;
  set?: 'any' | 'all';
  ifExists: boolean;
}

/** Parses `ForAnyValue:StringLikeIfExists` and the like; `undefined` for an unknown operator. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: 'any' | 'all' | undefined;
  if (rest.startsWith('ForAnyValue:')) {
    set = 'any';
    rest = rest.slice('ForAnyValue:'.length);
  } else if (rest.startsWith('ForAllValues:')) {
    set = 'all';
    rest = rest.slice('ForAllValues:'.length);
  }
  let spec = Object.hasOwn(OPERATORS, rest) ? OPERATORS[rest] : undefined;
  let ifExists = false;
  if (spec === undefined && rest.endsWith('IfExists')) {
    const base = rest.slice(0, -'IfExists'.length);
    // `…IfExists` exists for every operator except Null.
    spec = Object.hasOwn(OPERATORS, base) && base !== 'Null' ? OPERATORS[base] : undefined;
    rest = base;
    ifExists = true;
  }
  if (spec === undefined) return undefined;
  return set === undefined ? { base: rest, spec, ifExists } : { base: rest, spec, set, ifExists };
}

/** A positive test of one request value against one policy value. */
type Tester = (requestValue: string) => boolean;

/** A policy value: ready to test, or a template to resolve per request. */
type CompiledValue = { test: Tester } | { template: Template };

/** A clause with its operator parsed and its values compiled. */
export interface CompiledCondition {
  clause: ConditionClause;
  op: ParsedOperator;
  values: CompiledValue[];
}

function arnTester(glob: string): Tester {
  const components = arnComponents(glob, true);
  if (components === undefined) return compileGlob(glob);
  const matchers: Matcher[] = components.map(compileGlob);
  return (value) => {
    const parts = arnComponents(value, false);
    return parts !== undefined && matchers.every((m, i) => m(parts[i]!));
  };
}

function stringTester(spec: OperatorSpec, glob: string): Tester {
  if (spec.family === 'arn') return arnTester(glob);
  if (spec.ignoreCase) {
    const m = compileGlob(glob.toLowerCase());
    return (value) => m(value.toLowerCase());
  }
  return compileGlob(glob);
}

/** Testers built from substituted templates, shared by requests that resolve alike. */
const resolvedTesters = new Map<string, Tester>();
const RESOLVED_LIMIT = 10_000;

function resolvedTester(spec: OperatorSpec, glob: string): Tester {
  const cacheKey = `${spec.family}|${spec.ignoreCase === true ? 'i' : ''}|${glob}`;
  let t = resolvedTesters.get(cacheKey);
  if (t === undefined) {
    t = stringTester(spec, glob);
    if (resolvedTesters.size >= RESOLVED_LIMIT) resolvedTesters.clear();
    resolvedTesters.set(cacheKey, t);
  }
  return t;
}

function compare(c: Comparison, a: number, b: number): boolean {
  switch (c) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
  }
}

function compileValue(op: ParsedOperator, raw: string, version: PolicyVersion): CompiledValue {
  const { spec } = op;
  switch (spec.family) {
    case 'string':
    case 'arn': {
      const template = parseTemplate(raw, { variables: version === '2012-10-17', wildcards: spec.like === true });
      return template.static === undefined ? { template } : { test: stringTester(spec, template.static) };
    }
    case 'numeric': {
      const p = parseNumber(raw);
      if (p === undefined) throw malformed(PolicyMessages.syntax);
      const c = spec.comparison!;
      return {
        test: (v) => {
          const n = parseNumber(v);
          return n !== undefined && compare(c, n, p);
        },
      };
    }
    case 'date': {
      const p = parseDate(raw);
      if (p === undefined) throw malformed(PolicyMessages.legacyParsing);
      const c = spec.comparison!;
      return {
        test: (v) => {
          const d = parseDate(v);
          return d !== undefined && compare(c, d, p);
        },
      };
    }
    case 'bool': {
      const p = raw.toLowerCase();
      return { test: (v) => v.toLowerCase() === p };
    }
    case 'binary':
      return { test: (v) => v === raw };
    case 'ip': {
      const block = parseCidr(raw);
      if (block === undefined) throw malformed(PolicyMessages.syntax);
      return {
        test: (v) => {
          const addr = parseIp(v);
          return addr !== undefined && cidrContains(block, addr);
        },
      };
    }
    case 'null': {
      const p = raw.toLowerCase();
      if (p !== 'true' && p !== 'false') throw malformed(PolicyMessages.syntax);
      // Evaluated in `evaluateCondition`; the tester is never called.
      return { test: () => p === 'true' };
    }
  }
}

/** Compiles one clause; throws `MalformedPolicyDocument` for an unknown operator or a bad literal. */
export function compileCondition(clause: ConditionClause, version: PolicyVersion): CompiledCondition {
  const op = parseOperator(clause.operator);
  if (op === undefined) throw malformed(PolicyMessages.syntax);
  return { clause, op, values: clause.values.map((v) => compileValue(op, v, version)) };
}

/** What a condition reads from the request. */
export interface ConditionEnv {
  /** The key's values (lower-cased key); `undefined` when absent. */
  values(key: string): string[] | undefined;
  /** A single-valued key for policy-variable substitution; `undefined` when absent or multi-valued. */
  variable(key: string): string | undefined;
  /** Records a referenced key that the context lacks. */
  missing(key: string): void;
}

function testersFor(c: CompiledCondition, env: ConditionEnv): Tester[] {
  const out: Tester[] = [];
  for (const v of c.values) {
    if ('test' in v) {
      out.push(v.test);
      continue;
    }
    const r = resolveTemplate(v.template, (k) => env.variable(k));
    if (r.ok) out.push(resolvedTester(c.op.spec, r.glob));
    // An unresolved variable: this value matches nothing (so a negated operator still holds).
    else for (const k of r.missing) env.missing(k);
  }
  return out;
}

/** Evaluates one clause. */
export function evaluateCondition(c: CompiledCondition, env: ConditionEnv): boolean {
  const { op, clause } = c;
  const requestValues = env.values(clause.key);
  const absent = requestValues === undefined || requestValues.length === 0;

  if (op.spec.family === 'null') {
    // "Null": "true" holds when the key is absent; "false" when it is present.
    return clause.values.some((v) => (v.toLowerCase() === 'true') === absent);
  }
  if (absent) {
    env.missing(clause.key);
    if (op.ifExists) return true;
    if (op.set === 'any') return false;
    if (op.set === 'all') return true;
    return op.spec.negated;
  }

  const testers = testersFor(c, env);
  const matchesSome = (v: string): boolean => testers.some((t) => t(v));
  const satisfies = op.spec.negated ? (v: string) => !matchesSome(v) : matchesSome;
  switch (op.set) {
    case 'any':
      return requestValues.some(satisfies);
    case 'all':
      return requestValues.every(satisfies);
    default:
      return op.spec.negated ? !requestValues.some(matchesSome) : requestValues.some(matchesSome);
  }
}
