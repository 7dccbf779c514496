/**
 * Parsing and validating a JSON policy document into its typed, normalized form.
 *
 * Grammar: IAM User Guide, "Grammar of the IAM JSON policy language" — a document has
 * `Version`, `Id` and `Statement`; a statement has `Sid`, `Effect`, one of
 * `Principal`/`NotPrincipal`, one of `Action`/`NotAction`, one of `Resource`/`NotResource`
 * and `Condition`. Single values may be written as a string or an array; `Statement` as an
 * object or an array.
 *
 * The checks run in the order IAM's messages suggest: syntax first, then the language
 * version, "legacy parsing" (Effect case, date literals, while compiling the conditions),
 * Sids, then per statement principals, actions, resources and vendors.
 */
import { compiled } from './compile.js';
import { parseOperator } from './conditions.js';
import { malformed, PolicyMessages } from './messages.js';
import { parsePrincipalShape, validatePrincipalValues } from './principal.js';
import type { ConditionClause, Effect, PolicyDocument, PolicyKind, PolicyVersion, Statement } from './types.js';

/** Options of {@link parsePolicy}. */
export interface ParseOptions {
  /**
   * Require `"Version": "2012-10-17"`. IAM demands it of customer managed policies
   * (CreatePolicy, CreatePolicyVersion: "Policy document must be version 2012-10-17 or
   * greater."), while inline policies (PutRolePolicy) and trust policies still accept
   * 2008-10-17 or no Version at all. Default false.
   */
  requireCurrentVersion?: boolean;
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const VERSIONS: readonly string[] = ['2008-10-17', '2012-10-17'];
const SID = /^[0-9A-Za-z]*$/;
const VENDOR = /^[a-zA-Z0-9.-]+$/;

const syntax = () => malformed(PolicyMessages.syntax);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string or an array of strings, as an array; `undefined` when the field is absent. */
function stringList(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  throw syntax();
}

/** A condition value: JSON scalars are compared as their text. */
function conditionValues(v: unknown): string[] {
  const scalar = (x: unknown): string => {
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    throw syntax();
  };
  if (Array.isArray(v)) {
    if (v.length === 0) throw syntax();
    return v.map(scalar);
  }
  return [scalar(v)];
}

function parseConditionBlock(v: unknown): ConditionClause[] {
  if (v === undefined) return [];
  if (!isPlainObject(v)) throw syntax();
  const out: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(v)) {
    // An unknown operator, or a key written where an operator belongs, is a syntax error.
    if (parseOperator(operator) === undefined || !isPlainObject(keys)) throw syntax();
    for (const [key, values] of Object.entries(keys)) {
      out.push({ operator, key: key.toLowerCase(), values: conditionValues(values) });
    }
  }
  return out;
}

interface RawStatement {
  statement: Statement;
  /** The Effect as written, for the case-sensitive legacy check. */
  effectText: string;
}

function parseStatementSyntax(raw: unknown): RawStatement {
  if (!isPlainObject(raw)) throw syntax();
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw syntax();
  const both = (a: string, b: string) => raw[a] !== undefined && raw[b] !== undefined;
  if (both('Action', 'NotAction') || both('Resource', 'NotResource') || both('Principal', 'NotPrincipal')) {
    throw syntax();
  }
  const effectText = raw.Effect;
  if (typeof effectText !== 'string') throw syntax();
  const lower = effectText.toLowerCase();
  const effect: Effect | undefined = lower === 'allow' ? 'Allow' : lower === 'deny' ? 'Deny' : undefined;
  if (effect === undefined) throw syntax();
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string') throw syntax();

  const statement: Statement = { effect, conditions: parseConditionBlock(raw.Condition) };
  if (typeof raw.Sid === 'string') statement.sid = raw.Sid;
  const lists = [
    ['Action', 'action'],
    ['NotAction', 'notAction'],
    ['Resource', 'resource'],
    ['NotResource', 'notResource'],
  ] as const;
  for (const [field, prop] of lists) {
    const list = stringList(raw[field]);
    if (list !== undefined) statement[prop] = list;
  }
  if (raw.Principal !== undefined) statement.principal = parsePrincipalShape(raw.Principal);
  if (raw.NotPrincipal !== undefined) statement.notPrincipal = parsePrincipalShape(raw.NotPrincipal);
  return { statement, effectText };
}

function parseSyntax(json: string, kind: PolicyKind): { version: PolicyVersion; id?: string; raws: RawStatement[] } {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    // CreateRole/UpdateAssumeRolePolicy answer unparseable JSON with their own text.
    throw malformed(kind === 'trust' ? PolicyMessages.invalidJson : PolicyMessages.syntax);
  }
  if (!isPlainObject(root)) throw syntax();
  for (const field of Object.keys(root)) if (!TOP_LEVEL.has(field)) throw syntax();
  const version = root.Version === undefined ? '2008-10-17' : root.Version;
  if (typeof version !== 'string' || !VERSIONS.includes(version)) throw syntax();
  if (root.Id !== undefined && typeof root.Id !== 'string') throw syntax();
  const list = Array.isArray(root.Statement) ? root.Statement : root.Statement === undefined ? [] : [root.Statement];
  if (list.length === 0) throw syntax();
  const raws = list.map(parseStatementSyntax);
  return typeof root.Id === 'string'
    ? { version: version as PolicyVersion, id: root.Id, raws }
    : { version: version as PolicyVersion, raws };
}

function checkActions(statement: Statement, kind: PolicyKind): void {
  for (const action of statement.action ?? statement.notAction ?? []) {
    if (action === '*') continue;
    const parts = action.split(':');
    if (parts.length === 1) throw malformed(PolicyMessages.vendorRequired);
    if (parts.length > 2) throw malformed(PolicyMessages.oneColon);
    const vendor = parts[0]!;
    if (vendor !== '*' && !VENDOR.test(vendor)) throw malformed(PolicyMessages.vendorInvalid(vendor));
    // A trust policy controls assuming the role and nothing else.
    if (kind === 'trust' && vendor.toLowerCase() !== 'sts') throw malformed(PolicyMessages.trustStsActionsOnly);
  }
}

function checkStatement(statement: Statement, kind: PolicyKind): void {
  const hasPrincipal = statement.principal !== undefined || statement.notPrincipal !== undefined;
  const needsPrincipal = kind === 'trust' || kind === 'resource';
  if (kind === 'trust') {
    // Checked before Principal: an identity policy pasted as a trust policy gets this message.
    if (statement.resource !== undefined) throw malformed(PolicyMessages.trustResourceProhibited);
    if (statement.notResource !== undefined) throw malformed(PolicyMessages.trustNotResourceProhibited);
  }
  if (needsPrincipal && !hasPrincipal) throw malformed(PolicyMessages.trustPrincipalRequired);
  if (!needsPrincipal && hasPrincipal) throw malformed(PolicyMessages.principalProhibited);
  for (const spec of [statement.principal, statement.notPrincipal]) {
    if (spec !== undefined) validatePrincipalValues(spec, kind);
  }
  const actions = statement.action ?? statement.notAction;
  if (actions === undefined || actions.length === 0) throw malformed(PolicyMessages.actionsRequired);
  if (kind !== 'trust') {
    const resources = statement.resource ?? statement.notResource;
    if (resources === undefined || resources.length === 0) throw malformed(PolicyMessages.resourcesRequired);
    for (const r of resources) if (r !== '*' && !r.includes(':')) throw malformed(PolicyMessages.resourceFormat(r));
  }
  checkActions(statement, kind);
  for (const c of statement.conditions) if (!c.key.includes(':')) throw malformed(PolicyMessages.vendorRequired);
}

/**
 * Parses and validates a policy document. Throws `AppError('MalformedPolicyDocument', …)`
 * with IAM's message texts (see `messages.ts`). The statements are compiled on the way, so
 * evaluating the returned document costs no further parsing.
 *
 * Where IAM's messages differ by operation: unparseable JSON is "This policy contains
 * invalid Json" for trust policies and "Syntax errors in policy." otherwise; the 2012-10-17
 * requirement applies only with {@link ParseOptions.requireCurrentVersion} (managed policies).
 */
export function parsePolicy(json: string, kind: PolicyKind, options: ParseOptions = {}): PolicyDocument {
  if (typeof json !== 'string') throw syntax();
  const { version, id, raws } = parseSyntax(json, kind);
  if (options.requireCurrentVersion === true && version !== '2012-10-17') throw malformed(PolicyMessages.version);
  // "Legacy parsing": Effect is case-sensitive there, although the grammar check is not.
  for (const { effectText } of raws) {
    if (effectText !== 'Allow' && effectText !== 'Deny') throw malformed(PolicyMessages.legacyParsing);
  }
  const statements = raws.map((r) => r.statement);
  // Compiling checks the condition literals: a bad date is a legacy-parsing failure, a bad
  // number or CIDR block a syntax error.
  for (const s of statements) compiled(s, version);
  if (kind !== 'resource') {
    // IAM's own documents; other services' resource policies allow free-form Sids.
    for (const s of statements) if (s.sid !== undefined && !SID.test(s.sid)) throw malformed(PolicyMessages.sidFormat);
  }
  const sids = new Set<string>();
  for (const s of statements) {
    if (s.sid === undefined || s.sid === '') continue;
    if (sids.has(s.sid)) throw malformed(PolicyMessages.sidUnique);
    sids.add(s.sid);
  }
  for (const s of statements) checkStatement(s, kind);
  return id === undefined ? { version, statements } : { version, id, statements };
}

/**
 * A policy's size as IAM counts it against its quotas: characters, whitespace excluded
 * ("IAM doesn't count white space when calculating the size of a policy").
 */
export function policySize(json: string): number {
  return json.replace(/\s+/g, '').length;
}
