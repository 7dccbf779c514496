import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import { authorizeSync } from '../authorize.js';
import { datasetRef, type DatasetPath, type IdentityPath, type SyncSurfaceDeps } from '../shapes.js';

/** Identity-only push operations (aws-apis.md §7.1): RegisterDevice uses the singular `/identity/` path (§9.16). */
export function pushOperations(s: SyncSurfaceDeps): Record<string, AnyOperation> {
  return {
    RegisterDevice: operation({
      auth: 'sigv4',
      async handle(i: IdentityPath & { Platform: string; Token: string }, ctx) {
        await authorizeSync(s.auth, ctx, 'RegisterDevice', 'identity-only', { poolId: i.IdentityPoolId, identityId: i.IdentityId });
        return { DeviceId: await s.push.register(i.IdentityPoolId, i.IdentityId, i.Platform, i.Token, ctx.now) };
      },
    }),
    SubscribeToDataset: operation({
      auth: 'sigv4',
      async handle(i: DatasetPath & { DeviceId: string }, ctx) {
        await authorizeSync(s.auth, ctx, 'SubscribeToDataset', 'identity-only', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        await s.push.subscribe(datasetRef(i), i.DeviceId, ctx.now);
        return {};
      },
    }),
    UnsubscribeFromDataset: operation({
      auth: 'sigv4',
      async handle(i: DatasetPath & { DeviceId: string }, ctx) {
        await authorizeSync(s.auth, ctx, 'UnsubscribeFromDataset', 'identity-only', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        await s.push.unsubscribe(datasetRef(i), i.DeviceId);
        return {};
      },
    }),
  };
}
