import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/credentials/principal.js';
import { AppError } from '../../core/errors.js';
import type { Authorizer } from '../../core/iam/ports.js';
import type { OperationContext } from '../../protocols/aws/operation.js';
import { authorizeSync, syncResourceArn, type AuthorizeDeps } from './authorize.js';

const POOL = 'us-east-1:11111111-1111-1111-1111-111111111111';
const A = 'us-east-1:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa';
const B = 'us-east-1:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb';

const cognito = (sub: string, aud = POOL): Principal => ({
  kind: 'assumed-role',
  accountId: '123456789012',
  accessKeyId: 'ASIAEXAMPLE',
  arn: 'arn:aws:sts::123456789012:assumed-role/Auth/CognitoIdentityCredentials',
  userId: 'AROAEXAMPLE:CognitoIdentityCredentials',
  roleArn: 'arn:aws:iam::123456789012:role/Auth',
  roleId: 'AROAEXAMPLE',
  roleName: 'Auth',
  sessionName: 'CognitoIdentityCredentials',
  expiresAt: Date.now() + 3_600_000,
  context: { 'cognito-identity.amazonaws.com:sub': sub, 'cognito-identity.amazonaws.com:aud': aud, 'cognito-identity.amazonaws.com:amr': ['authenticated'] },
});
const root: Principal = { kind: 'root', accountId: '123456789012', accessKeyId: 'AKIA', arn: 'arn:aws:iam::123456789012:root', userId: '123456789012' };

function setup(decision: 'allow' | 'deny' = 'allow') {
  const calls: [string, string][] = [];
  const authorizer: Authorizer = {
    async authorize(p, action, resource) {
      calls.push([action, resource]);
      if (decision === 'deny' && p?.kind !== 'root') throw new AppError('AccessDenied', `User: ${p?.arn} is not authorized to perform: ${action} on resource: ${resource}`);
    },
  };
  const deps: AuthorizeDeps = { authorizer, region: 'us-east-1', accountId: '123456789012' };
  return { deps, calls };
}
const ctx = (principal: Principal): OperationContext => ({ requestId: 'r', now: 0, sourceIp: '127.0.0.1', principal, region: 'us-east-1', headers: {}, pathParams: {} });
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : 'other'));

describe('cognito-sync authorization (aws-apis.md §7.3)', () => {
  it('builds the §7.3 ARNs, with dataset/null for ListDatasets', () => {
    const d = { region: 'us-east-1', accountId: '123456789012' };
    expect(syncResourceArn(d, { poolId: POOL, identityId: A, datasetName: null })).toBe(`arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${POOL}/identity/${A}/dataset/null`);
    expect(syncResourceArn(d, { poolId: POOL })).toBe(`arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${POOL}`);
    expect(syncResourceArn(d, {})).toBe('*');
  });

  it('lets Cognito credentials reach their own identity, asking IAM too', async () => {
    const { deps, calls } = setup();
    await expect(authorizeSync(deps, ctx(cognito(A)), 'ListDatasets', 'identity-or-dev', { poolId: POOL, identityId: A, datasetName: null })).resolves.toEqual({ cognito: true });
    expect(calls).toEqual([['cognito-sync:ListDatasets', `arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${POOL}/identity/${A}/dataset/null`]]);
  });

  it('refuses another identity or pool even when IAM would allow, with AWS’s message', async () => {
    const { deps, calls } = setup('allow');
    const p = authorizeSync(deps, ctx(cognito(A)), 'ListRecords', 'identity-or-dev', { poolId: POOL, identityId: B, datasetName: 'd' });
    await expect(p).rejects.toMatchObject({
      code: 'AccessDenied',
      message: `User: arn:aws:sts::123456789012:assumed-role/Auth/CognitoIdentityCredentials is not authorized to perform: cognito-sync:ListRecords on resource: arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${POOL}/identity/${B}/dataset/d`,
    });
    expect(await code(authorizeSync(deps, ctx(cognito(A, 'us-east-1:99999999-9999-9999-9999-999999999999')), 'ListRecords', 'identity-or-dev', { poolId: POOL, identityId: A, datasetName: 'd' }))).toBe('AccessDenied');
    expect(calls).toEqual([]);
  });

  it('lets an IAM deny win for the own identity', async () => {
    const { deps } = setup('deny');
    expect(await code(authorizeSync(deps, ctx(cognito(A)), 'UpdateRecords', 'identity-or-dev', { poolId: POOL, identityId: A, datasetName: 'd' }))).toBe('AccessDenied');
  });

  it('keeps developer-only and identity-only operations apart', async () => {
    const { deps } = setup();
    expect(await code(authorizeSync(deps, ctx(cognito(A)), 'DescribeIdentityPoolUsage', 'dev-only', { poolId: POOL }))).toBe('NotAuthorized');
    expect(await code(authorizeSync(deps, ctx(root), 'RegisterDevice', 'identity-only', { poolId: POOL, identityId: A }))).toBe('NotAuthorized');
    expect(await code(authorizeSync(deps, ctx(root), 'ListRecords', 'identity-or-dev', { poolId: POOL, identityId: B, datasetName: 'd' }))).toBe('ok');
    expect(await code(authorizeSync(deps, ctx(cognito(A)), 'RegisterDevice', 'identity-only', { poolId: POOL, identityId: A }))).toBe('ok');
  });
});
