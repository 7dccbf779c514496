import { describe, expect, it } from 'vitest';
import { evaluate, evaluateTrust, parsePolicy, type AuthzRequest, type PolicyDocument } from './index.js';

const sync = (identity: string): string =>
  `arn:aws:cognito-sync:us-east-1:123456789012:identitypool/us-east-1:pool/identity/${identity}/dataset/ds`;

describe('evaluate', () => {
  it('reports matched statements with policy id, kind, index and sid', () => {
    const identity = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Sid: 'Sync', Effect: 'Allow', Action: 'cognito-sync:*', Resource: '*' },
        ],
      }),
      'identity',
    );
    const boundary = parsePolicy(
      '{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Allow","Action":"*","Resource":"*"}]}',
      'boundary',
    );
    const r = evaluate(
      { identity: [{ id: 'inline/app', doc: identity }], boundary: { id: 'arn:boundary', doc: boundary } },
      { action: 'cognito-sync:ListRecords', resource: sync('us-east-1:me'), context: {} },
    );
    expect(r).toEqual({
      decision: 'allowed',
      matched: [
        { policyId: 'inline/app', policyKind: 'identity', statementIndex: 1, sid: 'Sync', effect: 'Allow' },
        { policyId: 'arn:boundary', policyKind: 'boundary', statementIndex: 0, sid: 'B', effect: 'Allow' },
      ],
      missingContextKeys: [],
    });
  });

  it('evaluates a hand-built document (compiled on first use)', () => {
    const doc: PolicyDocument = {
      version: '2012-10-17',
      statements: [
        {
          effect: 'Allow',
          action: ['cognito-sync:*'],
          resource: [
            'arn:aws:cognito-sync:us-east-1:123456789012:identitypool/*/identity/${cognito-identity.amazonaws.com:sub}/*',
          ],
          conditions: [{ operator: 'StringEquals', key: 'cognito-identity.amazonaws.com:aud', values: ['us-east-1:pool'] }],
        },
      ],
    };
    const context = { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool', 'cognito-identity.amazonaws.com:sub': 'us-east-1:me' };
    const req = (identity: string): AuthzRequest => ({ action: 'cognito-sync:ListRecords', resource: sync(identity), context });
    expect(evaluate({ identity: [{ id: 'p', doc }] }, req('us-east-1:me')).decision).toBe('allowed');
    expect(evaluate({ identity: [{ id: 'p', doc }] }, req('us-east-1:other')).decision).toBe('implicitDeny');
  });

  it('reports each missing key once, lower-cased', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b/${aws:UserName}', Condition: { StringEquals: { 'aws:PrincipalTag/Team': 'x' } } },
          { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:PrincipalTag/Team': '${aws:username}' } } },
        ],
      }),
      'identity',
    );
    const r = evaluate({ identity: [{ id: 'p', doc }] }, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/x', context: {} });
    expect(r.decision).toBe('implicitDeny');
    expect(r.missingContextKeys.sort()).toEqual(['aws:principaltag/team', 'aws:username']);
  });

  it('ignores context entries whose value is undefined', () => {
    const doc = parsePolicy(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:sourceip":"true"}}}]}',
      'identity',
    );
    const r = evaluate({ identity: [{ id: 'p', doc }] }, { action: 'a:b', resource: '*', context: { 'aws:sourceip': undefined } });
    expect(r.decision).toBe('allowed');
  });

  it('does not let one request see another request’s variables (shared caches)', () => {
    const doc = parsePolicy(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}',
      'identity',
    );
    const ask = (user: string, key: string) =>
      evaluate({ identity: [{ id: 'p', doc }] }, { action: 's3:GetObject', resource: `arn:aws:s3:::b/${key}/f`, context: { 'aws:username': user } })
        .decision;
    for (let i = 0; i < 50; i++) {
      expect(ask(`u${i}`, `u${i}`)).toBe('allowed');
      expect(ask(`u${i}`, `u${i + 1}`)).toBe('implicitDeny');
    }
  });
});

describe('evaluateTrust', () => {
  const trust = parsePolicy(
    JSON.stringify({
      Version: '2012-10-17',
      Id: 'role-trust',
      Statement: [
        {
          Sid: 'Cognito',
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ],
    }),
    'trust',
  );

  it('uses the document Id as the policy id and ignores the resource', () => {
    const r = evaluateTrust(trust, {
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: 'arn:aws:iam::123456789012:role/Cognito_Auth',
      principal: { type: 'Federated', id: 'Cognito-Identity.amazonaws.com' },
      context: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool', 'cognito-identity.amazonaws.com:amr': ['authenticated'] },
    });
    expect(r).toEqual({
      decision: 'allowed',
      matched: [{ policyId: 'role-trust', policyKind: 'trust', statementIndex: 0, sid: 'Cognito', effect: 'Allow' }],
      missingContextKeys: [],
    });
  });
});
