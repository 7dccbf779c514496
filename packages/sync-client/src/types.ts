/** A record as this device keeps it. */
export interface LocalRecord {
  /** The value; `null` marks a removed record (a tombstone, kept so its SyncCount is remembered). */
  value: string | null;
  /** The server SyncCount this record is based on; 0 when the server has never had it. */
  syncCount: number;
  /** True while a local change waits to be pushed. */
  modified: boolean;
  /** When the value was last changed on a device (ms since epoch): ours for local edits, the writer's for remote ones. */
  deviceLastModified: number;
  /** Server LastModifiedDate (ms since epoch) of the version last seen from the server. */
  lastModified?: number;
  /** Server LastModifiedBy of the version last seen from the server. */
  lastModifiedBy?: string;
  /** Bumped on every local put/remove; lets a sync that ran concurrently see it must not overwrite the edit. */
  localVersion: number;
}

/** Everything a device keeps for one dataset of one identity. */
export interface DatasetState {
  /** The DatasetSyncCount up to which this device has seen every remote change. */
  lastSyncCount: number;
  records: Record<string, LocalRecord>;
  /** Merged datasets (MergedDatasetNames) whose records were already folded into this one. */
  mergedDatasets?: string[];
}

/** A record as the server sent it (ListRecords / UpdateRecords). */
export interface RemoteRecord {
  key: string;
  /** `null` for a removed record (Cognito Sync omits Value). */
  value: string | null;
  syncCount: number;
  lastModified?: number;
  lastModifiedBy?: string;
  deviceLastModified?: number;
}

/** Read-only view of a record given to conflict resolvers. */
export interface RecordView {
  key: string;
  value: string | null;
  syncCount: number;
  /** Device-side modification time (ms since epoch), when known. */
  deviceLastModified?: number;
  /** Server-side modification time (ms since epoch), when known. */
  lastModified?: number;
  lastModifiedBy?: string;
}

/** Both sides of one key that changed locally and remotely with different values. */
export interface Conflict {
  dataset: string;
  key: string;
  local: RecordView;
  remote: RecordView;
  /** `remote`: a change from another device; `merge`: a record of a merged dataset (MergedDatasetNames). */
  source: 'remote' | 'merge';
}

/** Keep ours, take theirs, or store a new value (`null` removes the record). */
export type ConflictResolution = 'local' | 'remote' | { value: string | null };

/** Decides one conflict; may be async (e.g. ask the user). */
export type ConflictResolver = (conflict: Conflict) => ConflictResolution | Promise<ConflictResolution>;

/** What to do with local data when the server says the dataset was deleted after our last sync. */
export type DeletedAction = 'purge' | 'recreate';

/**
 * What to do when ListRecords reports MergedDatasetNames (after two identities were merged):
 * `merge` folds their records into this dataset through the conflict resolver and remembers that it did;
 * `merge-and-delete` also calls DeleteDataset on them after the merged result is pushed;
 * `ignore` leaves them alone (the app handles them; they are reported again on the next sync).
 */
export type MergedAction = 'merge' | 'merge-and-delete' | 'ignore';

/** Outcome of `Dataset.synchronize()`. */
export interface SyncResult {
  dataset: string;
  /** `offline`: the service was unreachable; nothing was lost and local changes are still pending. */
  status: 'synced' | 'offline';
  /** Remote records applied locally. */
  pulled: number;
  /** Records sent with UpdateRecords. */
  pushed: number;
  /** Conflicts decided by the resolver. */
  conflicts: number;
  /** Merged dataset names folded in during this call. */
  merged: string[];
  /** True when the server reported the dataset deleted and the deleted-dataset policy ran. */
  deleted: boolean;
  /** UpdateRecords attempts refused with 409 and retried. */
  retries: number;
  lastSyncCount: number;
  /** Why the call was soft-failed (status `offline`). */
  error?: Error;
}

/** Payloads of the `Dataset` events. */
export interface DatasetEvents {
  conflict: { conflict: Conflict; resolution: ConflictResolution };
  merged: { dataset: string; mergedDatasetNames: string[]; action: MergedAction };
  deleted: { dataset: string; action: DeletedAction };
  synced: SyncResult;
  error: Error;
}
