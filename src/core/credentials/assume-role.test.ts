import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ParsedPolicyCache } from '../iam/policy-cache.js';
import type { ManagedPolicyRecord, RoleRecord } from '../iam/ports.js';
import { AssumeRoleMessages, WebIdentityRoleAssumer, webIdentityKeys } from './assume-role.js';
import type { WebIdentity } from './ports.js';
import type { SessionGrant } from './sessions.js';

const ACCOUNT = '123456789012';
const PROVIDER = 'idp.example.com:8443/realms/dev';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${PROVIDER}`;
const trust = (principal: string, condition: Record<string, unknown> = {}, actions: string[] = ['sts:AssumeRoleWithWebIdentity']) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: principal }, Action: actions, Condition: condition }] });

const cognito: WebIdentity = {
  federatedPrincipal: 'cognito-identity.amazonaws.com',
  keyPrefix: 'cognito-identity.amazonaws.com',
  claims: { aud: 'us-east-1:pool', sub: 'us-east-1:me', amr: ['authenticated', 'accounts.google.com'] },
  provider: 'cognito-identity.amazonaws.com',
  audience: 'us-east-1:pool',
  subject: 'us-east-1:me',
};
const oidc: WebIdentity = {
  federatedPrincipal: PROVIDER_ARN,
  keyPrefix: PROVIDER,
  claims: { aud: 'app', sub: 'user-1' },
  provider: PROVIDER,
  audience: 'app',
  subject: 'user-1',
};

function setup(assumeRolePolicy: string, extra: Partial<RoleRecord> = {}) {
  const role: RoleRecord = {
    roleId: 'AROAEXAMPLE0000000001',
    roleName: 'Web',
    path: '/federated/',
    arn: `arn:aws:iam::${ACCOUNT}:role/federated/Web`,
    assumeRolePolicy,
    maxSessionDuration: 3600,
    tags: [],
    createdAt: 0,
    ...extra,
  };
  const policies = new Map<string, ManagedPolicyRecord>();
  const grants: SessionGrant[] = [];
  const assumer = new WebIdentityRoleAssumer({
    accountId: ACCOUNT,
    clock: new ManualClock(1_700_000_000_000),
    parsed: new ParsedPolicyCache(),
    store: {
      roleByName: async (name) => (name.toLowerCase() === 'web' ? role : undefined),
      policyByArn: async (arn) => policies.get(arn),
    },
    sessions: {
      issue: async (grant) => {
        grants.push(grant);
        return { accessKeyId: 'ASIA0000000000000001', secretAccessKey: 's', sessionToken: 't', expiration: 1_700_000_000_000 + grant.durationSeconds * 1000 };
      },
    },
  });
  const request = (webIdentity: WebIdentity, more: Record<string, unknown> = {}) =>
    assumer.assumeRoleWithWebIdentity({ roleArn: role.arn, roleSessionName: 'session-1', webIdentity, sourceIp: '10.0.0.1', ...more });
  return { role, policies, grants, request };
}

describe('WebIdentityRoleAssumer', () => {
  it('issues a session for a matching trust policy, carrying the token keys', async () => {
    const { grants, request, role } = setup(
      trust('cognito-identity.amazonaws.com', {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      }),
    );
    const assumed = await request(cognito);
    expect(assumed).toMatchObject({ assumedRoleId: `${role.roleId}:session-1`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Web/session-1` });
    expect(assumed.packedPolicySize).toBeUndefined();
    expect(grants[0]).toMatchObject({ roleArn: role.arn, roleName: 'Web', sessionName: 'session-1', durationSeconds: 3600 });
    expect(grants[0]?.context).toEqual({
      'aws:federatedprovider': 'cognito-identity.amazonaws.com',
      'cognito-identity.amazonaws.com:aud': 'us-east-1:pool',
      'cognito-identity.amazonaws.com:sub': 'us-east-1:me',
      'cognito-identity.amazonaws.com:amr': ['authenticated', 'accounts.google.com'],
    });
  });

  it('finds the role by name whatever path the ARN gives', async () => {
    const { request } = setup(trust('cognito-identity.amazonaws.com'));
    await expect(request(cognito, { roleArn: `arn:aws:iam::${ACCOUNT}:role/Web` })).resolves.toBeDefined();
  });

  it('answers AccessDenied alike for a missing role, another account and a trust mismatch', async () => {
    const { request } = setup(trust(PROVIDER_ARN, { StringEquals: { [`${PROVIDER}:aud`]: 'app', [`${PROVIDER}:sub`]: 'user-1' } }));
    await expect(request(oidc)).resolves.toBeDefined();
    const denied = { code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' };
    await expect(request({ ...oidc, claims: { aud: 'app', sub: 'user-2' } })).rejects.toMatchObject(denied);
    await expect(request(cognito)).rejects.toMatchObject(denied);
    await expect(request(oidc, { roleArn: `arn:aws:iam::${ACCOUNT}:role/Nope` })).rejects.toMatchObject(denied);
    await expect(request(oidc, { roleArn: 'arn:aws:iam::999999999999:role/Web' })).rejects.toMatchObject(denied);
    await expect(request(oidc, { roleArn: `arn:aws:iam::${ACCOUNT}:user/Web` })).rejects.toMatchObject(denied);
  });

  it('needs sts:TagSession for principal tags, and carries them as aws:principaltag keys', async () => {
    const tagged = { ...cognito, principalTags: { Team: 'blue' } };
    await expect(setup(trust('cognito-identity.amazonaws.com')).request(tagged)).rejects.toMatchObject({ code: 'AccessDenied' });
    const { request, grants } = setup(
      trust('cognito-identity.amazonaws.com', { StringEquals: { 'aws:RequestTag/Team': 'blue' } }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']),
    );
    const assumed = await request(tagged);
    expect(grants[0]?.context['aws:principaltag/team']).toBe('blue');
    expect(assumed.packedPolicySize).toBeGreaterThan(0);
  });

  it('checks the duration against the role', async () => {
    const { request, grants } = setup(trust('cognito-identity.amazonaws.com'), { maxSessionDuration: 7200 });
    await request(cognito, { durationSeconds: 7200 });
    expect(grants[0]?.durationSeconds).toBe(7200);
    await expect(request(cognito, { durationSeconds: 7201 })).rejects.toMatchObject({ code: 'ValidationError', message: AssumeRoleMessages.duration });
  });

  it('checks session policies: syntax, plaintext size, count and existence', async () => {
    const { request, grants, policies } = setup(trust('cognito-identity.amazonaws.com'));
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const arn = `arn:aws:iam::${ACCOUNT}:policy/ReadOnly`;
    policies.set(arn, { arn, policyId: 'ANPA', policyName: 'ReadOnly', path: '/', defaultVersionId: 'v1', nextVersion: 2, tags: [], createdAt: 0, updatedAt: 0 });
    const assumed = await request(cognito, { policy, policyArns: [arn] });
    expect(assumed.packedPolicySize).toBe(Math.ceil((100 * (policy.length + arn.length)) / 2048));
    expect(grants[0]).toMatchObject({ sessionPolicy: policy, sessionPolicyArns: [arn] });

    await expect(request(cognito, { policy: '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}' })).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
    await expect(request(cognito, { policyArns: [`arn:aws:iam::${ACCOUNT}:policy/Missing`] })).rejects.toMatchObject({ code: 'MalformedPolicyDocument' });
    await expect(request(cognito, { policyArns: Array.from({ length: 11 }, () => arn) })).rejects.toMatchObject({ code: 'ValidationError' });
    const long = policy.replace('s3:GetObject', `s3:${'G'.repeat(1900)}`);
    await expect(request(cognito, { policy: long, policyArns: [arn, arn, arn] })).rejects.toMatchObject({ code: 'PackedPolicyTooLarge', message: expect.stringMatching(/^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/) });
  });

  it('lower-cases condition keys built from the provider url', () => {
    expect(webIdentityKeys({ ...oidc, keyPrefix: 'IdP.example.com/Realm', claims: { Aud: 'x' } })).toEqual({ 'aws:federatedprovider': PROVIDER_ARN, 'idp.example.com/realm:aud': 'x' });
  });
});
