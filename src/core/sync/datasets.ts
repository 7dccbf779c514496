import { AppError } from '../errors.js';
import { SYNC_LIMITS } from './limits.js';
import type { DatasetState } from './types.js';

/** How ListRecords sees a dataset for a caller at `lastSyncCount` (aws-apis.md §7.2). */
export interface ListView {
  exists: boolean;
  /** true only when the caller synced (N > 0) before a deletion it has not seen. */
  deletedAfter: boolean;
  /** DatasetSyncCount to report: 0 for a dataset that never existed. */
  syncCount: number;
}

export function listView(dataset: DatasetState | undefined, lastSyncCount: number): ListView {
  if (lastSyncCount < 0) throw new AppError('InvalidParameter', `No such SyncCount: ${lastSyncCount} exists for this Dataset`);
  const syncCount = dataset?.syncCount ?? 0;
  if (lastSyncCount > syncCount) throw new AppError('InvalidParameter', `No such SyncCount: ${lastSyncCount} exists for this Dataset`);
  if (!dataset) return { exists: false, deletedAfter: false, syncCount: 0 };
  // A re-created dataset still reports the deletion to a device that synced before it,
  // so it purges what it holds; lastSyncCount 0 (a fresh device) never sees `true` (§7.6).
  const deletedAfter = lastSyncCount > 0 && dataset.deletedAtCount !== null && lastSyncCount < dataset.deletedAtCount;
  return { exists: !dataset.deleted, deletedAfter, syncCount };
}

/**
 * Name of the copy a merged-away identity's dataset gets under the surviving identity:
 * `<name>.<old identity id>`, as the mobile SDKs name merged copies and the JS client
 * recognises them (prefix `<name>.`, §7.5). The base is shortened if the whole would pass
 * the 128-character DatasetName limit.
 */
export function mergedCopyName(name: string, fromIdentityId: string): string {
  const suffix = `.${fromIdentityId}`;
  return `${name.slice(0, Math.max(1, SYNC_LIMITS.datasetNameMax - suffix.length))}${suffix}`;
}

export function datasetNotFound(identityId: string, name: string): AppError {
  return new AppError('NotFound', `Dataset not found: ${identityId}/${name}`);
}

/** A fresh dataset state for the first write (or a re-creation over a tombstone). */
export function freshDataset(poolId: string, identityId: string, name: string, previous: DatasetState | undefined, now: number, by: string): DatasetState {
  return {
    poolId,
    identityId,
    name,
    syncCount: previous?.syncCount ?? 0,
    deleted: false,
    deletedAtCount: previous?.deletedAtCount ?? null,
    createdAt: now,
    lastModifiedAt: now,
    lastModifiedBy: by,
    dataStorage: 0,
    numRecords: 0,
    // A re-created merged copy is an ordinary dataset: the merge ended with its deletion (§7.2).
    mergedBase: null,
    mergedFrom: null,
  };
}
