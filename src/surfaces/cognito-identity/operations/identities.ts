import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import { fromIdentity, type Logins } from '../shapes.js';
import { authorize } from './authorize.js';

/** GetId and UnlinkIdentity (unsigned, §0.2); ListIdentities, DescribeIdentity, DeleteIdentities. */
export function identityOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    GetId: operation<{ IdentityPoolId: string; Logins?: Logins; AccountId?: string }, { IdentityId: string }>({
      auth: 'none',
      async handle(input) {
        return { IdentityId: await s.identities.getId(input.IdentityPoolId, input.Logins) };
      },
    }),
    UnlinkIdentity: operation<{ IdentityId: string; Logins: Logins; LoginsToRemove: string[] }, undefined>({
      auth: 'none',
      async handle(input) {
        await s.identities.unlink(input.IdentityId, input.Logins, input.LoginsToRemove);
        return undefined;
      },
    }),
    ListIdentities: operation<
      { IdentityPoolId: string; MaxResults: number; NextToken?: string; HideDisabled?: boolean },
      { IdentityPoolId: string; Identities: ReturnType<typeof fromIdentity>[]; NextToken?: string }
    >({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'ListIdentities', input.IdentityPoolId);
        const page = await s.identities.list(input.IdentityPoolId, input.MaxResults, input.NextToken, input.HideDisabled === true);
        return { IdentityPoolId: input.IdentityPoolId, Identities: page.identities.map(fromIdentity), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
      },
    }),
    DescribeIdentity: operation<{ IdentityId: string }, ReturnType<typeof fromIdentity>>({
      auth: 'sigv4',
      async handle(input, op) {
        const poolId = await s.identities.poolOf(input.IdentityId);
        await authorize(s, op, 'DescribeIdentity', poolId ?? '*');
        return fromIdentity(await s.identities.describe(input.IdentityId));
      },
    }),
    DeleteIdentities: operation<{ IdentityIdsToDelete: string[] }, { UnprocessedIdentityIds: { IdentityId: string; ErrorCode: string }[] }>({
      auth: 'sigv4',
      async handle(input, op) {
        // Authorized per identity's pool; failures are reported per id, not thrown (§1.3).
        const failed = await s.identities.delete(input.IdentityIdsToDelete, (poolId) => authorize(s, op, 'DeleteIdentities', poolId));
        return { UnprocessedIdentityIds: failed.map((f) => ({ IdentityId: f.identityId, ErrorCode: f.errorCode })) };
      },
    }),
  };
}
