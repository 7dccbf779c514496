import type { Clock } from '../../core/clock.js';
import type { UsageTotals } from '../../core/sync/ports.js';
import type { DatasetState, SyncRecord } from '../../core/sync/types.js';
import type { AuthorizeDeps } from './authorize.js';
import type { DatasetService } from '../../core/sync/dataset-service.js';
import type { PoolService } from '../../core/sync/pool-service.js';
import type { PushService } from '../../core/sync/push-service.js';
import type { RecordService } from '../../core/sync/record-service.js';

/** What the operation tables need. */
export interface SyncSurfaceDeps {
  auth: AuthorizeDeps;
  records: RecordService;
  datasets: DatasetService;
  pools: PoolService;
  push: PushService;
  clock: Clock;
}

const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** Model `Dataset` (Dates become epoch seconds on the wire, aws-apis.md §0.3). */
export const wireDataset = (d: DatasetState) => ({
  IdentityId: d.identityId,
  DatasetName: d.name,
  CreationDate: new Date(d.createdAt),
  LastModifiedDate: new Date(d.lastModifiedAt),
  LastModifiedBy: d.lastModifiedBy,
  DataStorage: d.dataStorage,
  NumRecords: d.numRecords,
});

/** Model `Record`: a removed record has no Value; SyncCount is always present (§7.6). */
export const wireRecord = (r: SyncRecord) => ({
  Key: r.key,
  Value: r.value ?? undefined,
  SyncCount: r.syncCount,
  LastModifiedDate: new Date(r.lastModifiedAt),
  LastModifiedBy: r.lastModifiedBy,
  DeviceLastModifiedDate: date(r.deviceLastModifiedAt),
});

export const wirePoolUsage = (poolId: string, u: UsageTotals) => ({
  IdentityPoolId: poolId,
  SyncSessionsCount: u.syncSessions,
  DataStorage: u.dataStorage,
  LastModifiedDate: date(u.lastModifiedAt),
});

export const wireIdentityUsage = (poolId: string, identityId: string, u: UsageTotals) => ({
  IdentityId: identityId,
  IdentityPoolId: poolId,
  LastModifiedDate: date(u.lastModifiedAt),
  DatasetCount: u.datasetCount,
  DataStorage: u.dataStorage,
});

/** Path members every identity- or dataset-scoped input carries. */
export interface IdentityPath {
  IdentityPoolId: string;
  IdentityId: string;
}

export interface DatasetPath extends IdentityPath {
  DatasetName: string;
}

export const datasetRef = (i: DatasetPath) => ({ poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
