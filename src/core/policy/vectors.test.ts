import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import {
  evaluate,
  evaluateTrust,
  parsePolicy,
  type AuthzRequest,
  type EvaluationResult,
  type NamedPolicy,
  type ParseOptions,
  type PolicyKind,
  type PolicySet,
} from './index.js';

const DIR = fileURLToPath(new URL('../../../test/vectors/policy/', import.meta.url));

type PolicyRef = string | { id: string; document: unknown };

interface EvaluationCase {
  name: string;
  policies?: { identity: PolicyRef[]; session?: PolicyRef[]; boundary?: PolicyRef; resource?: PolicyRef[] };
  trust?: PolicyRef;
  request: AuthzRequest;
  expect: { decision: string; matched?: string[]; missingContextKeys?: string[] };
}

interface EvaluationFile {
  description: string;
  documents?: Record<string, unknown>;
  cases: EvaluationCase[];
}

interface ParseCase {
  name: string;
  kind: PolicyKind;
  document: unknown;
  options?: ParseOptions;
  message?: string;
}

interface ParseFile {
  description: string;
  invalid: ParseCase[];
  valid: ParseCase[];
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, data: JSON.parse(readFileSync(DIR + f, 'utf8')) as EvaluationFile | ParseFile }));

const text = (document: unknown): string => (typeof document === 'string' ? document : JSON.stringify(document));

function load(file: EvaluationFile, ref: PolicyRef, kind: PolicyKind): NamedPolicy {
  const id = typeof ref === 'string' ? ref : ref.id;
  const document = typeof ref === 'string' ? file.documents?.[ref] : ref.document;
  if (document === undefined) throw new Error(`vector refers to unknown document ${id}`);
  return { id, doc: parsePolicy(text(document), kind) };
}

function run(file: EvaluationFile, c: EvaluationCase): { result: EvaluationResult; trustId?: string } {
  if (c.trust !== undefined) {
    const trust = load(file, c.trust, 'trust');
    return { result: evaluateTrust(trust.doc, c.request), trustId: trust.id };
  }
  const p = c.policies;
  if (p === undefined) throw new Error(`case ${c.name} has neither policies nor trust`);
  const set: PolicySet = { identity: p.identity.map((r) => load(file, r, 'identity')) };
  if (p.session) set.session = p.session.map((r) => load(file, r, 'session'));
  if (p.boundary !== undefined) set.boundary = load(file, p.boundary, 'boundary');
  if (p.resource) set.resource = p.resource.map((r) => load(file, r, 'resource'));
  return { result: evaluate(set, c.request) };
}

it('finds the vector files', () => {
  expect(files.map((f) => f.file)).toEqual(
    expect.arrayContaining([
      'cognito-sync.json',
      'cognito-trust.json',
      'conditions.json',
      'evaluation-logic.json',
      'malformed.json',
      'variables.json',
    ]),
  );
});

for (const { file, data } of files) {
  if ('cases' in data) {
    describe(`${file}: ${data.description}`, () => {
      it.each(data.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const { result, trustId } = run(data, c);
        expect(result.decision).toBe(c.expect.decision);
        if (c.expect.matched !== undefined) {
          const matched = result.matched.map((m) => `${m.policyKind === 'trust' ? trustId : m.policyId}#${m.statementIndex}`);
          expect(matched).toEqual(c.expect.matched);
        }
        if (c.expect.missingContextKeys !== undefined) {
          expect([...result.missingContextKeys].sort()).toEqual([...c.expect.missingContextKeys].sort());
        }
      });
    });
  } else {
    describe(`${file}: ${data.description}`, () => {
      it.each(data.invalid.map((c) => [c.name, c] as const))('rejects: %s', (_name, c) => {
        let thrown: unknown;
        try {
          parsePolicy(text(c.document), c.kind, c.options);
        } catch (e) {
          thrown = e;
        }
        expect(isAppError(thrown)).toBe(true);
        if (!isAppError(thrown)) return;
        expect(thrown.code).toBe('MalformedPolicyDocument');
        expect(thrown.message).toBe(c.message);
      });
      it.each(data.valid.map((c) => [c.name, c] as const))('accepts: %s', (_name, c) => {
        expect(() => parsePolicy(text(c.document), c.kind, c.options)).not.toThrow();
      });
    });
  }
}
