import { describe, expect, it } from 'vitest';
import { ParsedPolicyCache } from './policy-cache.js';
import { contextFromEntries, simulate, simulationPolicies } from './simulate.js';

const parsed = new ParsedPolicyCache();
const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('simulate', () => {
  it('turns ContextEntries into lower-cased, list-aware context keys', () => {
    expect(
      contextFromEntries([
        { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.0.0.1'], ContextKeyType: 'ip' },
        { ContextKeyName: 'cognito-identity.amazonaws.com:amr', ContextKeyValues: ['authenticated', 'x'], ContextKeyType: 'stringList' },
        { ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
      ]),
    ).toEqual({ 'aws:sourceip': '10.0.0.1', 'cognito-identity.amazonaws.com:amr': ['authenticated', 'x'], 'aws:multifactorauthpresent': 'true' });
  });

  it('evaluates every action × resource, reports matches and missing keys', () => {
    const identity = simulationPolicies(
      parsed,
      [
        doc([
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/*' },
          { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::b/secret/*' },
        ]),
      ],
      'PolicyInputList',
      'identity',
    );
    const results = simulate({ identity, actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/ann/1', 'arn:aws:s3:::b/secret/1'], context: { 'aws:username': 'ann' } });
    expect(results.map((r) => [r.EvalResourceName, r.EvalDecision])).toEqual([
      ['arn:aws:s3:::b/ann/1', 'allowed'],
      ['arn:aws:s3:::b/secret/1', 'explicitDeny'],
    ]);
    expect(results[1]?.MatchedStatements.map((m) => m.SourcePolicyId)).toEqual(['PolicyInputList.1']);
    expect(results[0]?.ResourceSpecificResults?.[0]?.EvalResourceDecision).toBe('allowed');

    const missing = simulate({ identity, actions: ['s3:GetObject'], context: {} });
    expect(missing[0]).toMatchObject({ EvalResourceName: '*', EvalDecision: 'implicitDeny', MissingContextValues: ['aws:username'] });
    expect(missing[0]?.ResourceSpecificResults).toBeUndefined();
  });

  it('intersects with a permissions boundary and says so', () => {
    const identity = simulationPolicies(parsed, [doc([{ Effect: 'Allow', Action: '*', Resource: '*' }])], 'PolicyInputList', 'identity');
    const [boundary] = simulationPolicies(parsed, [doc([{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }])], 'PermissionsBoundaryPolicyInputList', 'boundary');
    const r = simulate({ identity, boundary: boundary!, actions: ['sts:GetCallerIdentity', 'iam:ListRoles'], context: {} });
    expect(r.map((x) => [x.EvalDecision, x.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary])).toEqual([
      ['allowed', true],
      ['implicitDeny', false],
    ]);
  });

  it('names a malformed input document by its place', () => {
    expect(() => simulationPolicies(parsed, [doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]), '{'], 'PolicyInputList', 'identity')).toThrow(
      expect.objectContaining({ code: 'InvalidParameter', message: 'PolicyInputList.2: Syntax errors in policy.' }),
    );
  });
});
