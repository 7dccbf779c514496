import type { AppContext } from '../../app/context.js';
import { DatasetService } from '../../core/sync/dataset-service.js';
import type { SyncDeps } from '../../core/sync/identities.js';
import { PoolService } from '../../core/sync/pool-service.js';
import { PushService } from '../../core/sync/push-service.js';
import { PushSyncFanout } from '../../core/sync/push-sync.js';
import { RecordService } from '../../core/sync/record-service.js';
import { SyncTokens } from '../../core/sync/tokens.js';
import type { WebhookTargets } from '../../core/sync/webhooks/config.js';
import { loadModel } from '../../protocols/aws/model.js';
import type { AwsSurface } from '../../protocols/aws/surface.js';
import { createSyncRepository } from '../../storage/repositories/cognito-sync.js';
import { cognitoSyncErrors } from './errors.js';
import { datasetOperations } from './operations/datasets.js';
import { poolOperations } from './operations/pools.js';
import { pushOperations } from './operations/push.js';
import { recordOperations } from './operations/records.js';
import type { SyncSurfaceDeps } from './shapes.js';

/** Key ring purpose of the SyncSessionToken / NextToken HMAC key. */
export const SYNC_SESSION_KEY_PURPOSE = 'cognito-sync-session';

export interface CognitoSyncSurfaceOptions {
  /** Lambda ARNs, stream names and SNS platform application ARNs mapped to webhooks (COGNATE_SYNC_WEBHOOKS). */
  webhookTargets?: WebhookTargets;
  /** Wakes the webhook deliverer after a commit that enqueued deliveries. */
  onEnqueued?: () => void;
}

/** Cognito Sync (`AWSCognitoSyncService`, restJson1, signing name `cognito-sync`; aws-apis.md §7). */
export function createCognitoSyncSurface(ctx: AppContext, options: CognitoSyncSurfaceOptions = {}): AwsSurface {
  const webhookTargets = new Set(options.webhookTargets?.keys() ?? []);
  const deps: SyncDeps = {
    repo: createSyncRepository(ctx.storage),
    tokens: new SyncTokens(() => ctx.keyRing.keys(SYNC_SESSION_KEY_PURPOSE)),
    region: ctx.config.region,
    webhookTargets,
    pushSync: new PushSyncFanout(webhookTargets, ctx.logger),
    onEnqueued: options.onEnqueued ?? (() => undefined),
  };
  const s: SyncSurfaceDeps = {
    auth: { authorizer: ctx.authorizer, region: ctx.config.region, accountId: ctx.config.accountId },
    records: new RecordService(deps),
    datasets: new DatasetService(deps),
    pools: new PoolService(deps),
    push: new PushService(deps),
    clock: ctx.clock,
  };
  return {
    model: loadModel('cognito-sync'),
    protocol: 'restJson1',
    signingName: 'cognito-sync',
    operations: { ...datasetOperations(s), ...recordOperations(s), ...poolOperations(s), ...pushOperations(s) },
    errors: cognitoSyncErrors,
    internalErrorName: 'InternalErrorException',
  };
}
