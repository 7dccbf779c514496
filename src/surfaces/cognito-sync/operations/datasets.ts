import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import { authorizeSync } from '../authorize.js';
import { datasetRef, wireDataset, wireIdentityUsage, type DatasetPath, type IdentityPath, type SyncSurfaceDeps } from '../shapes.js';

/** ListDatasets, DescribeDataset, DeleteDataset, DescribeIdentityUsage (aws-apis.md §7.1). */
export function datasetOperations(s: SyncSurfaceDeps): Record<string, AnyOperation> {
  return {
    ListDatasets: operation({
      auth: 'sigv4',
      async handle(i: IdentityPath & { NextToken?: string; MaxResults?: number }, ctx) {
        // Authorized against `…/dataset/null`, as AWS does (§5.5).
        await authorizeSync(s.auth, ctx, 'ListDatasets', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: null });
        const page = await s.datasets.list(i.IdentityPoolId, i.IdentityId, { nextToken: i.NextToken, maxResults: i.MaxResults });
        return { Datasets: page.datasets.map(wireDataset), Count: page.datasets.length, NextToken: page.nextToken };
      },
    }),
    DescribeDataset: operation({
      auth: 'sigv4',
      async handle(i: DatasetPath, ctx) {
        await authorizeSync(s.auth, ctx, 'DescribeDataset', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        return { Dataset: wireDataset(await s.datasets.describe(datasetRef(i))) };
      },
    }),
    DeleteDataset: operation({
      auth: 'sigv4',
      async handle(i: DatasetPath, ctx) {
        await authorizeSync(s.auth, ctx, 'DeleteDataset', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        return { Dataset: wireDataset(await s.datasets.delete(datasetRef(i), ctx.now)) };
      },
    }),
    DescribeIdentityUsage: operation({
      auth: 'sigv4',
      async handle(i: IdentityPath, ctx) {
        await authorizeSync(s.auth, ctx, 'DescribeIdentityUsage', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId });
        const usage = await s.datasets.identityUsage(i.IdentityPoolId, i.IdentityId);
        return { IdentityUsage: wireIdentityUsage(i.IdentityPoolId, i.IdentityId, usage) };
      },
    }),
  };
}
