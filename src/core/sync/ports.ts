import type { ClaimedDelivery, DatasetState, OutboxEntry, PoolSyncConfig, SyncDevice, SyncRecord } from './types.js';

/** The Cognito Identity rows Cognito Sync reads (the `identities` table, read-only here). */
export interface IdentityRef {
  id: string;
  poolId: string;
  /** Set when this identity was merged into another (aws-apis.md §1.5). */
  mergedInto: string | null;
  /** Whether other identities were merged into this one (their datasets may wait to be absorbed, §7.5). */
  hasMerged: boolean;
}

export interface UsageTotals {
  datasetCount: number;
  dataStorage: number;
  /** Sum of dataset SyncCounts: every successful UpdateRecords or deletion counts once. */
  syncSessions: number;
  lastModifiedAt: number | null;
}

/** Datasets, records and the identities they belong to. */
export interface DatasetStore {
  identity(identityId: string): Promise<IdentityRef | undefined>;
  /** Identities whose `merged_into` is `identityId`. */
  identitiesMergedInto(identityId: string): Promise<string[]>;
  poolExists(poolId: string): Promise<boolean>;
  /** Identity pool ids in id order, after `after`. */
  listPools(after: string | undefined, limit: number): Promise<string[]>;
  /**
   * Serializes writers of one identity until the transaction ends: `SELECT … FOR UPDATE` of its
   * `identities` row on PostgreSQL; a no-op on SQLite, whose BEGIN IMMEDIATE already serializes.
   */
  lockIdentity(identityId: string): Promise<void>;

  /** With `forUpdate`, the row stays locked (PostgreSQL) until the transaction ends. */
  dataset(identityId: string, name: string, options?: { forUpdate?: boolean }): Promise<DatasetState | undefined>;
  /** What ListRecords reads in one go: the dataset (live or not) and {@link mergedCopies} of its name. */
  datasetWithCopies(identityId: string, name: string): Promise<{ dataset: DatasetState | undefined; mergedCopies: string[] }>;
  /** Live datasets in name order, after `after`. */
  listDatasets(identityId: string, after: string | undefined, limit: number): Promise<DatasetState[]>;
  countLiveDatasets(identityId: string): Promise<number>;
  /** Live merged copies of `base` held by `identityId` (§7.5). */
  mergedCopies(identityId: string, base: string): Promise<string[]>;
  /** Every dataset row (live or not) of these identities. */
  datasetsOf(identityIds: string[]): Promise<DatasetState[]>;
  insertDataset(d: DatasetState): Promise<void>;
  updateDataset(d: DatasetState): Promise<void>;
  /** Moves a dataset (and, by cascade, its records) to another identity and name. */
  moveDataset(from: { identityId: string; name: string }, to: DatasetState): Promise<void>;
  deleteDatasetRows(identityId: string, names: string[]): Promise<void>;

  records(identityId: string, name: string, keys: string[]): Promise<SyncRecord[]>;
  /**
   * Records after the position `after` — SyncCount > count, or (with a key) SyncCount = count and
   * Key > key — up to SyncCount `upTo`, in (SyncCount, Key) order.
   */
  recordsSince(identityId: string, name: string, after: { count: number; key: string | null }, upTo: number, limit: number): Promise<SyncRecord[]>;
  upsertRecords(identityId: string, name: string, records: SyncRecord[]): Promise<void>;
  deleteAllRecords(identityId: string, name: string): Promise<void>;

  identityUsage(identityId: string): Promise<UsageTotals>;
  poolUsage(poolId: string): Promise<UsageTotals>;
  /** Live datasets of a pool in (identity, name) order, after the given position (bulk publish). */
  poolDatasets(poolId: string, after: { identityId: string; name: string } | undefined, limit: number): Promise<DatasetState[]>;
}

/** Per-pool settings and push devices. */
export interface PoolStore {
  config(poolId: string): Promise<PoolSyncConfig | undefined>;
  putConfig(config: PoolSyncConfig): Promise<void>;
  device(deviceId: string): Promise<SyncDevice | undefined>;
  findDevice(identityId: string, platform: string, token: string): Promise<SyncDevice | undefined>;
  insertDevice(device: SyncDevice): Promise<void>;
  subscribe(deviceId: string, datasetName: string, now: number): Promise<void>;
  unsubscribe(deviceId: string, datasetName: string): Promise<void>;
  /** The identity's devices subscribed to the dataset, in DeviceId order. */
  subscribers(identityId: string, datasetName: string): Promise<SyncDevice[]>;
}

/** Written in the same transaction as the change it reports. */
export interface OutboxWriter {
  enqueue(entries: OutboxEntry[], now: number): Promise<void>;
}

export interface SyncStores {
  datasets: DatasetStore;
  pools: PoolStore;
  outbox: OutboxWriter;
}

export interface SyncRepository extends SyncStores {
  /** One transaction; only the stores handed to `fn` may be used inside it. */
  transaction<T>(fn: (tx: SyncStores) => Promise<T>): Promise<T>;
}

/** The deliverer's side of the outbox: lease-based claims so several processes never double-send. */
export interface OutboxQueue {
  /** Leases up to `limit` due rows to `owner` until `now + leaseMs`; attempts are counted at claim. */
  claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Removes a delivered row (only while `owner` still holds the lease). */
  complete(id: string, owner: string): Promise<void>;
  /** Releases the lease and schedules the next attempt; `dead` parks the row for good. */
  fail(id: string, owner: string, nextAttemptAt: number, error: string, dead: boolean): Promise<void>;
  /** When the earliest pending row becomes due, if any (lets the deliverer sleep precisely). */
  nextDue(): Promise<number | undefined>;
}
