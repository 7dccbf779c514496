import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { parsePolicy, policySize, type PolicyDocument } from './index.js';

describe('parsePolicy normalization', () => {
  it('normalizes single values to arrays, keys to lower case and values to strings', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Id: 'P1',
        Statement: {
          Sid: 'One',
          Effect: 'Allow',
          Action: 'cognito-sync:ListRecords',
          Resource: 'arn:aws:cognito-sync:us-east-1:123456789012:identitypool/*',
          Condition: {
            StringEquals: { 'Cognito-Identity.amazonaws.com:Aud': ['p1', 'p2'] },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
            Bool: { 'aws:SecureTransport': true },
          },
        },
      }),
      'identity',
    );
    expect(doc).toEqual<PolicyDocument>({
      version: '2012-10-17',
      id: 'P1',
      statements: [
        {
          sid: 'One',
          effect: 'Allow',
          action: ['cognito-sync:ListRecords'],
          resource: ['arn:aws:cognito-sync:us-east-1:123456789012:identitypool/*'],
          conditions: [
            { operator: 'StringEquals', key: 'cognito-identity.amazonaws.com:aud', values: ['p1', 'p2'] },
            { operator: 'NumericLessThan', key: 'aws:multifactorauthage', values: ['3600'] },
            { operator: 'Bool', key: 'aws:securetransport', values: ['true'] },
          ],
        },
      ],
    });
  });

  it('defaults Version to 2008-10-17 and keeps the other pair members', () => {
    const doc = parsePolicy(
      '{"Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b"}]}',
      'identity',
    );
    expect(doc).toEqual<PolicyDocument>({
      version: '2008-10-17',
      statements: [{ effect: 'Deny', notAction: ['iam:*'], notResource: ['arn:aws:s3:::b'], conditions: [] }],
    });
  });

  it('normalizes principals', () => {
    const doc = parsePolicy(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
          { Effect: 'Deny', NotPrincipal: { AWS: ['123456789012'], Service: 'ec2.amazonaws.com' }, Action: 'sts:*' },
        ],
      }),
      'trust',
    );
    expect(doc.statements.map((s) => [s.principal, s.notPrincipal])).toEqual([
      [{ Federated: ['cognito-identity.amazonaws.com'] }, undefined],
      ['*', undefined],
      [undefined, { AWS: ['123456789012'], Service: ['ec2.amazonaws.com'] }],
    ]);
  });

  it('throws an AppError with the MalformedPolicyDocument code', () => {
    expect(() => parsePolicy('{', 'identity')).toThrow(AppError);
    try {
      parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}', 'identity');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('MalformedPolicyDocument');
      expect((e as AppError).message).toBe('Policy statement must contain resources.');
    }
  });
});

describe('policySize', () => {
  it('does not count whitespace', () => {
    const compact = '{"Version":"2012-10-17","Statement":[]}';
    const pretty = '{\n  "Version": "2012-10-17",\r\n\t"Statement": [ ]\n}\n';
    expect(policySize(compact)).toBe(compact.length);
    expect(policySize(pretty)).toBe(compact.length);
  });

  it('counts every other character', () => {
    expect(policySize('{"Sid":"é"}')).toBe(11);
    expect(policySize('')).toBe(0);
  });
});
