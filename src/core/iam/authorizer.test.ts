import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { AssumedRolePrincipal, RootPrincipal } from '../credentials/principal.js';
import { PolicyAuthorizer } from './authorizer.js';
import { ParsedPolicyCache } from './policy-cache.js';
import type { ManagedPolicyRecord, PolicyVersionRecord, RolePolicyRecord, RoleRecord } from './ports.js';
import { RolePolicyLoader, type RolePolicySource } from './role-policy-loader.js';

const ACCOUNT = '123456789012';
const doc = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const SYNC = 'arn:aws:cognito-sync:us-east-1:123456789012:identitypool';

class FakeIam implements RolePolicySource {
  roles = new Map<string, RoleRecord>();
  inline = new Map<string, RolePolicyRecord[]>();
  attached = new Map<string, string[]>();
  policies = new Map<string, { policy: ManagedPolicyRecord; version: PolicyVersionRecord }>();
  reads = 0;

  async roleById(id: string) {
    this.reads++;
    return this.roles.get(id);
  }
  async rolePolicies(id: string) {
    return this.inline.get(id) ?? [];
  }
  async attachedPolicies(id: string) {
    return (this.attached.get(id) ?? []).map((policyArn) => ({ policyArn, policyName: policyArn.split('/').pop()! }));
  }
  async policyByArn(arn: string) {
    return this.policies.get(arn)?.policy;
  }
  async policyVersion(arn: string, versionId: string) {
    const p = this.policies.get(arn);
    return p && p.version.versionId === versionId ? p.version : undefined;
  }
  addManaged(name: string, document: string): string {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    const policy: ManagedPolicyRecord = { arn, policyId: 'ANPA1', policyName: name, path: '/', defaultVersionId: 'v1', nextVersion: 2, tags: [], createdAt: 0, updatedAt: 0 };
    this.policies.set(arn, { policy, version: { policyArn: arn, versionId: 'v1', document, createdAt: 0 } });
    return arn;
  }
}

function setup(inline: string, extra: Partial<RoleRecord> = {}) {
  const iam = new FakeIam();
  const role: RoleRecord = {
    roleId: 'AROAEXAMPLE0000000001',
    roleName: 'Auth',
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT}:role/Auth`,
    assumeRolePolicy: '{}',
    maxSessionDuration: 3600,
    tags: [],
    createdAt: 0,
    ...extra,
  };
  iam.roles.set(role.roleId, role);
  iam.inline.set(role.roleId, [{ policyName: 'p', document: inline }]);
  const clock = new ManualClock(1_700_000_000_000);
  const parsed = new ParsedPolicyCache();
  const loader = new RolePolicyLoader(iam, clock, parsed, { ttlMs: 5000 });
  const authorizer = new PolicyAuthorizer(loader, parsed, clock);
  const principal: AssumedRolePrincipal = {
    kind: 'assumed-role',
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLE',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Auth/CognitoIdentityCredentials`,
    userId: `${role.roleId}:CognitoIdentityCredentials`,
    roleArn: role.arn,
    roleId: role.roleId,
    roleName: 'Auth',
    sessionName: 'CognitoIdentityCredentials',
    expiresAt: clock.now() + 3_600_000,
    context: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool', 'cognito-identity.amazonaws.com:sub': 'us-east-1:me', 'aws:federatedprovider': 'cognito-identity.amazonaws.com' },
  };
  return { iam, role, clock, loader, authorizer, principal };
}

const ownData = doc({
  Effect: 'Allow',
  Action: 'cognito-sync:*',
  Resource: `${SYNC}/\${cognito-identity.amazonaws.com:aud}/identity/\${cognito-identity.amazonaws.com:sub}/*`,
});

describe('PolicyAuthorizer', () => {
  it('lets root do anything and nobody unsigned', async () => {
    const { authorizer } = setup(ownData);
    const root: RootPrincipal = { kind: 'root', accountId: ACCOUNT, accessKeyId: 'AKIA', arn: `arn:aws:iam::${ACCOUNT}:root`, userId: ACCOUNT };
    await authorizer.authorize(root, 'iam:DeleteRole', '*');
    await expect(authorizer.authorize(undefined, 'iam:ListRoles', '*')).rejects.toMatchObject({ code: 'AccessDenied', message: 'User: anonymous is not authorized to perform: iam:ListRoles on resource: *' });
  });

  it("resolves the session's web-identity keys as policy variables", async () => {
    const { authorizer, principal } = setup(ownData);
    await authorizer.authorize(principal, 'cognito-sync:ListRecords', `${SYNC}/us-east-1:pool/identity/us-east-1:me/dataset/d`);
    const other = `${SYNC}/us-east-1:pool/identity/us-east-1:someone-else/dataset/d`;
    await expect(authorizer.authorize(principal, 'cognito-sync:ListRecords', other)).rejects.toMatchObject({
      code: 'AccessDenied',
      message: `User: ${principal.arn} is not authorized to perform: cognito-sync:ListRecords on resource: ${other}`,
    });
  });

  it('puts the global keys in the context', async () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/Auth`;
    const userId = 'AROAEXAMPLE0000000001:CognitoIdentityCredentials';
    const { authorizer, principal } = setup(
      doc({
        Effect: 'Allow',
        Action: 'sts:GetCallerIdentity',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalArn': roleArn, 'aws:userid': userId, 'aws:PrincipalType': 'AssumedRole', 'aws:FederatedProvider': 'cognito-identity.amazonaws.com' },
          IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
          DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' },
        },
      }),
    );
    await authorizer.authorize(principal, 'sts:GetCallerIdentity', '*', { sourceIp: '10.1.2.3' });
    await expect(authorizer.authorize(principal, 'sts:GetCallerIdentity', '*', { sourceIp: '192.168.0.1' })).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('lets an attached explicit Deny win, and intersects with session policies and the boundary', async () => {
    const { iam, role, authorizer, principal, loader } = setup(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    iam.attached.set(role.roleId, [iam.addManaged('NoDelete', doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }))]);
    loader.invalidate();
    await authorizer.authorize(principal, 's3:PutObject', 'arn:aws:s3:::b/k');
    await expect(authorizer.authorize(principal, 's3:DeleteObject', 'arn:aws:s3:::b/k')).rejects.toMatchObject({ code: 'AccessDenied' });

    const scoped = { ...principal, sessionPolicy: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) };
    await authorizer.authorize(scoped, 's3:GetObject', 'arn:aws:s3:::b/k');
    await expect(authorizer.authorize(scoped, 's3:PutObject', 'arn:aws:s3:::b/k')).rejects.toMatchObject({ code: 'AccessDenied' });
    const gone = { ...principal, sessionPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/Gone`] };
    await expect(authorizer.authorize(gone, 's3:GetObject', 'arn:aws:s3:::b/k')).rejects.toMatchObject({ code: 'AccessDenied' });

    iam.roles.set(role.roleId, { ...role, permissionsBoundary: iam.addManaged('Boundary', doc({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' })) });
    loader.invalidate();
    await authorizer.authorize(principal, 's3:GetObject', 'arn:aws:s3:::b/k');
    await expect(authorizer.authorize(principal, 's3:PutObject', 'arn:aws:s3:::b/k')).rejects.toMatchObject({ code: 'AccessDenied' });
    iam.roles.set(role.roleId, { ...role, permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/Deleted` });
    loader.invalidate();
    await expect(authorizer.authorize(principal, 's3:GetObject', 'arn:aws:s3:::b/k')).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it("caches a role's policies for the TTL, until invalidated, and denies a deleted role", async () => {
    const { iam, role, authorizer, principal, clock, loader } = setup(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }));
    await Promise.all([authorizer.authorize(principal, 's3:GetObject', '*'), authorizer.authorize(principal, 's3:GetObject', '*')]);
    expect(iam.reads).toBe(1);
    iam.inline.set(role.roleId, []);
    await authorizer.authorize(principal, 's3:GetObject', '*');
    clock.advance(5001);
    await expect(authorizer.authorize(principal, 's3:GetObject', '*')).rejects.toMatchObject({ code: 'AccessDenied' });
    iam.inline.set(role.roleId, [{ policyName: 'p', document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) }]);
    loader.invalidate();
    await authorizer.authorize(principal, 's3:GetObject', '*');
    iam.roles.delete(role.roleId);
    loader.invalidate();
    await expect(authorizer.authorize(principal, 's3:GetObject', '*')).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});
