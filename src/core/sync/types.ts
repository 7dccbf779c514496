/**
 * Cognito Sync domain values (aws-apis.md §7). Times are epoch milliseconds; the surface
 * turns them into Dates (epoch seconds on the wire, §0.3).
 */

/** One dataset of one identity, live or tombstoned. */
export interface DatasetState {
  poolId: string;
  identityId: string;
  name: string;
  /**
   * The dataset's SyncCount (§7.2): +1 per successful UpdateRecords and +1 per deletion. It
   * survives deletion (the row stays as a tombstone) so a re-created dataset continues above it.
   */
  syncCount: number;
  /** true while the dataset is deleted (a tombstone holding the counter). */
  deleted: boolean;
  /** SyncCount the dataset had right after its latest deletion, or null if never deleted. */
  deletedAtCount: number | null;
  createdAt: number;
  lastModifiedAt: number;
  lastModifiedBy: string;
  /** UTF-8 bytes of key + value over live records (§7.2 DataStorage). */
  dataStorage: number;
  /** live (non-removed) records */
  numRecords: number;
  /** For a merged copy `<base>.<identity>` (§7.5): the dataset name it was merged from. */
  mergedBase: string | null;
  /** For a merged copy: the identity it came from. */
  mergedFrom: string | null;
}

/** A stored record; `value: null` is a removed record kept so other devices learn of it. */
export interface SyncRecord {
  key: string;
  value: string | null;
  syncCount: number;
  lastModifiedAt: number;
  lastModifiedBy: string;
  deviceLastModifiedAt: number | null;
}

/** A patch as UpdateRecords receives it (model `RecordPatch`). */
export interface RecordPatch {
  op: 'replace' | 'remove';
  key: string;
  value?: string | undefined;
  /** The SyncCount the client last saw for this record, 0 for a new one. */
  syncCount: number;
  deviceLastModifiedAt?: number | undefined;
}

/** One record change, as events and streams report it. */
export interface RecordChange {
  key: string;
  op: 'replace' | 'remove';
  oldValue: string | null;
  newValue: string | null;
  record: SyncRecord;
}

/** Per-pool Cognito Sync settings (§7.1 configuration and events operations). */
export interface PoolSyncConfig {
  poolId: string;
  pushSync: { ApplicationArns?: string[]; RoleArn?: string } | null;
  cognitoStreams: { StreamName?: string; RoleArn?: string; StreamingStatus?: 'ENABLED' | 'DISABLED' } | null;
  /** `{ SyncTrigger: <lambda arn> }` (≤ 1 entry, §7.4) */
  events: Record<string, string>;
  bulkPublish: BulkPublishState | null;
}

export interface BulkPublishState {
  status: 'NOT_STARTED' | 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';
  startedAt: number | null;
  completedAt: number | null;
  failureMessage: string | null;
}

/** A registered push device (RegisterDevice). */
export interface SyncDevice {
  deviceId: string;
  poolId: string;
  identityId: string;
  platform: string;
  token: string;
  createdAt: number;
}

/** A webhook delivery waiting in the outbox (written in the same transaction as the change). */
export interface OutboxEntry {
  id: string;
  /** `SyncTrigger` (Cognito Events), `CognitoStreams`, or `PushSync` (one row per device notified) */
  kind: 'SyncTrigger' | 'CognitoStreams' | 'PushSync';
  /** The Lambda ARN, stream name or SNS platform application ARN the operator mapped to a webhook URL. */
  target: string;
  poolId: string;
  /** The exact JSON body to deliver (and sign). */
  payload: string;
  createdAt: number;
}

/** A claimed outbox row, leased to one deliverer. */
export interface ClaimedDelivery extends OutboxEntry {
  attempts: number;
}
