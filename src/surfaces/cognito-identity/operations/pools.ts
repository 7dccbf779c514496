import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import { fromPool, toPoolConfig, type IdentityPoolShape } from '../shapes.js';
import { authorize } from './authorize.js';

/** CreateIdentityPool, DescribeIdentityPool, UpdateIdentityPool (PUT), DeleteIdentityPool, ListIdentityPools. */
export function poolOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    CreateIdentityPool: operation<Omit<IdentityPoolShape, 'IdentityPoolId'>, IdentityPoolShape>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'CreateIdentityPool', '*');
        return fromPool(await s.pools.create(toPoolConfig(input)));
      },
    }),
    DescribeIdentityPool: operation<{ IdentityPoolId: string }, IdentityPoolShape>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'DescribeIdentityPool', input.IdentityPoolId);
        return fromPool(await s.pools.get(input.IdentityPoolId));
      },
    }),
    UpdateIdentityPool: operation<IdentityPoolShape & { IdentityPoolId: string }, IdentityPoolShape>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'UpdateIdentityPool', input.IdentityPoolId);
        return fromPool(await s.pools.update(input.IdentityPoolId, toPoolConfig(input), input.IdentityPoolTags !== undefined));
      },
    }),
    DeleteIdentityPool: operation<{ IdentityPoolId: string }, undefined>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'DeleteIdentityPool', input.IdentityPoolId);
        await s.pools.delete(input.IdentityPoolId);
        return undefined;
      },
    }),
    ListIdentityPools: operation<{ MaxResults: number; NextToken?: string }, { IdentityPools: { IdentityPoolId: string; IdentityPoolName: string }[]; NextToken?: string }>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'ListIdentityPools', '*');
        const page = await s.pools.list(input.MaxResults, input.NextToken);
        return {
          IdentityPools: page.pools.map((p) => ({ IdentityPoolId: p.id, IdentityPoolName: p.name })),
          ...(page.nextToken ? { NextToken: page.nextToken } : {}),
        };
      },
    }),
  };
}
