import type { PoolSyncConfig } from '../../../core/sync/types.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import { authorizeSync } from '../authorize.js';
import { wirePoolUsage, type SyncSurfaceDeps } from '../shapes.js';

interface PoolPath {
  IdentityPoolId: string;
}

interface SetConfigurationInput extends PoolPath {
  PushSync?: NonNullable<PoolSyncConfig['pushSync']>;
  CognitoStreams?: NonNullable<PoolSyncConfig['cognitoStreams']>;
}

const wireConfig = (c: PoolSyncConfig) => ({
  IdentityPoolId: c.poolId,
  PushSync: c.pushSync ?? undefined,
  CognitoStreams: c.cognitoStreams ?? undefined,
});

const bulkTime = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** Developer-only pool operations (aws-apis.md §7.1): usage, configuration, events, bulk publish. */
export function poolOperations(s: SyncSurfaceDeps): Record<string, AnyOperation> {
  const dev = (op: string, poolId: string | undefined, ctx: Parameters<typeof authorizeSync>[1]) =>
    authorizeSync(s.auth, ctx, op, 'dev-only', poolId === undefined ? {} : { poolId });
  return {
    DescribeIdentityPoolUsage: operation({
      auth: 'sigv4',
      async handle(i: PoolPath, ctx) {
        await dev('DescribeIdentityPoolUsage', i.IdentityPoolId, ctx);
        return { IdentityPoolUsage: wirePoolUsage(i.IdentityPoolId, await s.pools.usage(i.IdentityPoolId)) };
      },
    }),
    ListIdentityPoolUsage: operation({
      auth: 'sigv4',
      async handle(i: { NextToken?: string; MaxResults?: number }, ctx) {
        await dev('ListIdentityPoolUsage', undefined, ctx);
        const page = await s.pools.listUsage({ nextToken: i.NextToken, maxResults: i.MaxResults });
        return {
          IdentityPoolUsages: page.pools.map((p) => wirePoolUsage(p.poolId, p.usage)),
          MaxResults: page.maxResults,
          Count: page.pools.length,
          NextToken: page.nextToken,
        };
      },
    }),
    GetIdentityPoolConfiguration: operation({
      auth: 'sigv4',
      async handle(i: PoolPath, ctx) {
        await dev('GetIdentityPoolConfiguration', i.IdentityPoolId, ctx);
        return wireConfig(await s.pools.config(i.IdentityPoolId));
      },
    }),
    SetIdentityPoolConfiguration: operation({
      auth: 'sigv4',
      async handle(i: SetConfigurationInput, ctx) {
        await dev('SetIdentityPoolConfiguration', i.IdentityPoolId, ctx);
        return wireConfig(await s.pools.setConfig(i.IdentityPoolId, { PushSync: i.PushSync, CognitoStreams: i.CognitoStreams }));
      },
    }),
    GetCognitoEvents: operation({
      auth: 'sigv4',
      async handle(i: PoolPath, ctx) {
        await dev('GetCognitoEvents', i.IdentityPoolId, ctx);
        return { Events: (await s.pools.config(i.IdentityPoolId)).events };
      },
    }),
    SetCognitoEvents: operation({
      auth: 'sigv4',
      async handle(i: PoolPath & { Events: Record<string, string> }, ctx) {
        await dev('SetCognitoEvents', i.IdentityPoolId, ctx);
        await s.pools.setEvents(i.IdentityPoolId, i.Events);
        return undefined;
      },
    }),
    BulkPublish: operation({
      auth: 'sigv4',
      async handle(i: PoolPath, ctx) {
        await dev('BulkPublish', i.IdentityPoolId, ctx);
        await s.pools.bulkPublish(i.IdentityPoolId, () => s.clock.now());
        return { IdentityPoolId: i.IdentityPoolId };
      },
    }),
    GetBulkPublishDetails: operation({
      auth: 'sigv4',
      async handle(i: PoolPath, ctx) {
        await dev('GetBulkPublishDetails', i.IdentityPoolId, ctx);
        const b = await s.pools.bulkPublishDetails(i.IdentityPoolId);
        return {
          IdentityPoolId: i.IdentityPoolId,
          BulkPublishStartTime: bulkTime(b.startedAt),
          BulkPublishCompleteTime: bulkTime(b.completedAt),
          BulkPublishStatus: b.status,
          FailureMessage: b.failureMessage ?? undefined,
        };
      },
    }),
  };
}
