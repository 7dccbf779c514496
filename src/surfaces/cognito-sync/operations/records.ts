import type { RecordPatch } from '../../../core/sync/types.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import { authorizeSync } from '../authorize.js';
import { datasetRef, wireRecord, type DatasetPath, type SyncSurfaceDeps } from '../shapes.js';

interface ListRecordsInput extends DatasetPath {
  LastSyncCount?: number;
  NextToken?: string;
  MaxResults?: number;
  SyncSessionToken?: string;
}

interface WirePatch {
  Op: 'replace' | 'remove';
  Key: string;
  Value?: string;
  SyncCount: number;
  DeviceLastModifiedDate?: Date;
}

interface UpdateRecordsInput extends DatasetPath {
  SyncSessionToken: string;
  RecordPatches?: WirePatch[];
  DeviceId?: string;
  /** `x-amz-Client-Context`: accepted and, as on AWS ("not yet implemented"), unused. */
  ClientContext?: string;
}

const toPatch = (p: WirePatch): RecordPatch => ({
  op: p.Op,
  key: p.Key,
  value: p.Value,
  syncCount: p.SyncCount,
  deviceLastModifiedAt: p.DeviceLastModifiedDate?.getTime(),
});

/** ListRecords and UpdateRecords (aws-apis.md §7.2, §7.6). */
export function recordOperations(s: SyncSurfaceDeps): Record<string, AnyOperation> {
  return {
    ListRecords: operation({
      auth: 'sigv4',
      async handle(i: ListRecordsInput, ctx) {
        await authorizeSync(s.auth, ctx, 'ListRecords', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        const r = await s.records.list(datasetRef(i), { lastSyncCount: i.LastSyncCount, nextToken: i.NextToken, maxResults: i.MaxResults });
        return {
          Records: r.records.map(wireRecord),
          NextToken: r.nextToken,
          Count: r.records.length,
          DatasetSyncCount: r.datasetSyncCount,
          LastModifiedBy: r.lastModifiedBy,
          MergedDatasetNames: r.mergedDatasetNames,
          DatasetExists: r.datasetExists,
          DatasetDeletedAfterRequestedSyncCount: r.deletedAfter,
          SyncSessionToken: r.syncSessionToken,
        };
      },
    }),
    UpdateRecords: operation({
      auth: 'sigv4',
      async handle(i: UpdateRecordsInput, ctx) {
        const { cognito } = await authorizeSync(s.auth, ctx, 'UpdateRecords', 'identity-or-dev', { poolId: i.IdentityPoolId, identityId: i.IdentityId, datasetName: i.DatasetName });
        const records = await s.records.update(
          { ...datasetRef(i), syncSessionToken: i.SyncSessionToken, patches: (i.RecordPatches ?? []).map(toPatch), deviceId: i.DeviceId, cognitoCaller: cognito },
          ctx.now,
        );
        return { Records: records.map(wireRecord) };
      },
    }),
  };
}
