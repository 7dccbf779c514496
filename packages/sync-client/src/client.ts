import type { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { AutoSync, type AutoSyncOptions } from './auto-sync.js';
import { Dataset } from './dataset.js';
import { OfflineError } from './errors.js';
import { assertDatasetName } from './limits.js';
import { datasetSection, KeyedLock } from './lock.js';
import { isNetworkError } from './network.js';
import { RemoteDatasets } from './remote.js';
import { lastWriterWins } from './resolvers.js';
import type { LocalStore } from './stores/local-store.js';
import { MemoryStore } from './stores/memory-store.js';
import type { RetryOptions, SyncContext } from './synchronizer.js';
import type { ConflictResolver, DeletedAction, MergedAction, SyncResult } from './types.js';

/** Decides what happens to local data when the server reports the dataset deleted (default `'purge'`). */
export type DeletedHandler = (info: { dataset: string }) => DeletedAction | Promise<DeletedAction>;

/** Decides what happens when ListRecords reports MergedDatasetNames (default `'merge'`). */
export type MergedHandler = (info: { dataset: string; mergedDatasetNames: string[] }) => MergedAction | Promise<MergedAction>;

/** Per-dataset overrides of the client-wide policies. */
export interface DatasetOptions {
  conflictResolver?: ConflictResolver;
  onDatasetDeleted?: DeletedHandler;
  onDatasetsMerged?: MergedHandler;
}

/** Options of {@link SyncClient}. */
export interface SyncClientOptions extends DatasetOptions {
  /** An SDK v3 Cognito Sync client whose credentials belong to the identity (e.g. `fromCognitoIdentityPool`). */
  client: CognitoSyncClient;
  identityPoolId: string;
  /**
   * The current identity id. Called for every operation; keep it cheap and answerable offline
   * (cache the id once known). Local data is kept per identity id.
   */
  identityId: () => Promise<string> | string;
  /** Where datasets are kept between runs (default: in memory). */
  storage?: LocalStore;
  /** Sent as UpdateRecords `DeviceId`. */
  deviceId?: string;
  /** Retry policy for 409 ResourceConflictException. */
  retry?: RetryOptions;
  /** Synchronize automatically after local changes, with backoff while offline. Off by default. */
  autoSync?: boolean | AutoSyncOptions;
  /** ListRecords `MaxResults` per page (default 1024, the service maximum). */
  pageSize?: number;
  /** Upper bound of ListRecords/UpdateRecords rounds in one `synchronize()` (default 6). */
  maxRounds?: number;
  /** Clock for local modification times (ms since epoch); default `Date.now`. */
  now?: () => number;
  /** Random source for backoff jitter; default `Math.random`. */
  random?: () => number;
}

/**
 * Entry point: opens datasets of one identity pool's current identity and synchronizes them with
 * Cognito Sync (or Cognate). Works in browsers and Node.
 *
 * @example
 * const sync = new SyncClient({ client, identityPoolId, identityId: () => cachedId, storage: new FileStore('.sync') });
 * const settings = sync.openOrCreateDataset('settings');
 * await settings.put('theme', 'dark');
 * await settings.synchronize();
 */
export class SyncClient {
  readonly #options: SyncClientOptions;
  readonly #store: LocalStore;
  readonly #remote: RemoteDatasets;
  readonly #lock = new KeyedLock();
  readonly #datasets = new Map<string, Dataset>();

  constructor(options: SyncClientOptions) {
    this.#options = options;
    this.#store = options.storage ?? new MemoryStore();
    this.#remote = new RemoteDatasets(options.client, options.deviceId, options.pageSize);
  }

  /** The store in use. */
  get storage(): LocalStore {
    return this.#store;
  }

  async #identityId(): Promise<string> {
    try {
      return await this.#options.identityId();
    } catch (e) {
      // Resolving the identity may itself need the network (GetId).
      throw isNetworkError(e) ? new OfflineError({ cause: e }) : e;
    }
  }

  /**
   * The dataset named `name` (created locally on first write, remotely on first push). The same
   * instance is returned for the same name; options apply when it is first opened.
   * @throws ValidationError if the name does not match `[a-zA-Z0-9_.:-]{1,128}`.
   */
  openOrCreateDataset(name: string, options: DatasetOptions = {}): Dataset {
    assertDatasetName(name);
    const existing = this.#datasets.get(name);
    if (existing) return existing;
    const o = this.#options;
    const now = o.now ?? Date.now;
    const context: Omit<SyncContext, 'emit'> = {
      dataset: name,
      identityPoolId: o.identityPoolId,
      identityId: () => this.#identityId(),
      store: this.#store,
      lock: this.#lock,
      remote: this.#remote,
      resolver: options.conflictResolver ?? o.conflictResolver ?? lastWriterWins,
      onDeleted: options.onDatasetDeleted ?? o.onDatasetDeleted ?? (() => 'purge'),
      onMerged: options.onDatasetsMerged ?? o.onDatasetsMerged ?? (() => 'merge'),
      retry: {
        maxAttempts: o.retry?.maxAttempts ?? 4,
        baseDelayMs: o.retry?.baseDelayMs ?? 100,
        maxDelayMs: o.retry?.maxDelayMs ?? 5000,
      },
      maxRounds: o.maxRounds ?? 6,
      now,
      random: o.random ?? Math.random,
    };
    const auto = o.autoSync;
    const dataset = new Dataset(name, {
      context,
      lock: this.#lock,
      store: this.#store,
      now,
      ...(auto ? { autoSync: (d: Dataset) => new AutoSync(() => d.synchronize(), auto === true ? {} : auto) } : {}),
    });
    this.#datasets.set(name, dataset);
    return dataset;
  }

  /** Names of the datasets this device keeps for the current identity. */
  async listDatasets(): Promise<string[]> {
    return this.#store.list(await this.#identityId());
  }

  /** Synchronizes every dataset kept locally; resolves with one result per dataset. */
  async synchronizeAll(): Promise<SyncResult[]> {
    const names = await this.listDatasets();
    return Promise.all(names.map((n) => this.openOrCreateDataset(n).synchronize()));
  }

  /**
   * Deletes a dataset on the server (DeleteDataset) and forgets it locally. Use it, for example, on the
   * names reported by a `merged` event once their records were merged.
   */
  async deleteDataset(name: string): Promise<void> {
    assertDatasetName(name);
    const identityId = await this.#identityId();
    await this.#remote.delete({ identityPoolId: this.#options.identityPoolId, identityId, datasetName: name });
    await datasetSection(this.#lock, this.#store, identityId, name, () => this.#store.delete(identityId, name));
  }

  /** Stops every dataset's automatic synchronization. */
  close(): void {
    for (const d of this.#datasets.values()) d.close();
  }
}
