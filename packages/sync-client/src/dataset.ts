import type { AutoSync } from './auto-sync.js';
import { Emitter, type Listener } from './emitter.js';
import { OfflineError, SyncClientError } from './errors.js';
import { assertFits, assertKey, assertValue } from './limits.js';
import { datasetSection, type KeyedLock } from './lock.js';
import { getRecord, setRecord } from './records.js';
import { emptyState, type LocalStore } from './stores/local-store.js';
import { synchronizeDataset, type SyncContext } from './synchronizer.js';
import type { DatasetEvents, DatasetState, LocalRecord, SyncResult } from './types.js';

/** What a `Dataset` is built from; internal to the library (see `SyncClient.openOrCreateDataset`). */
export interface DatasetDeps {
  context: Omit<SyncContext, 'emit'>;
  lock: KeyedLock;
  store: LocalStore;
  now: () => number;
  autoSync?: (dataset: Dataset) => AutoSync;
}

/**
 * One Cognito Sync dataset of the current identity. Reads and writes touch only the local store, so
 * they work offline; `synchronize()` exchanges changes with the server.
 */
export class Dataset {
  /** The dataset name. */
  readonly name: string;
  readonly #deps: DatasetDeps;
  readonly #events = new Emitter<DatasetEvents>();
  readonly #autoSync: AutoSync | undefined;
  #running: Promise<SyncResult> | undefined;
  #queued: Promise<SyncResult> | undefined;

  /** @internal Use `SyncClient.openOrCreateDataset`. */
  constructor(name: string, deps: DatasetDeps) {
    this.name = name;
    this.#deps = deps;
    this.#autoSync = deps.autoSync?.(this);
  }

  async #read(): Promise<DatasetState> {
    const identityId = await this.#deps.context.identityId();
    return (await this.#deps.store.load(identityId, this.name)) ?? emptyState();
  }

  async #mutate(change: (state: DatasetState) => boolean): Promise<void> {
    const identityId = await this.#deps.context.identityId();
    const changed = await datasetSection(this.#deps.lock, this.#deps.store, identityId, this.name, async () => {
      const state = (await this.#deps.store.load(identityId, this.name)) ?? emptyState();
      if (!change(state)) return false;
      await this.#deps.store.save(identityId, this.name, state);
      return true;
    });
    if (changed) this.#autoSync?.changed();
  }

  #write(state: DatasetState, key: string, value: string | null): boolean {
    const previous = getRecord(state, key);
    if (previous && previous.value === value) return false;
    const record: LocalRecord = {
      value,
      syncCount: previous?.syncCount ?? 0,
      modified: true,
      deviceLastModified: this.#deps.now(),
      localVersion: (previous?.localVersion ?? 0) + 1,
    };
    setRecord(state, key, record);
    return true;
  }

  /** The value of `key`, or `undefined` if absent or removed. */
  async get(key: string): Promise<string | undefined> {
    assertKey(key);
    return getRecord(await this.#read(), key)?.value ?? undefined;
  }

  /**
   * Stores a string value locally and marks it for the next `synchronize()`.
   * @throws ValidationError for a bad key or a non-string value; LimitExceededError past 1024 records or 1 MB.
   */
  async put(key: string, value: string): Promise<void> {
    assertKey(key);
    assertValue(value);
    await this.#mutate((state) => {
      assertFits(state, key, value);
      return this.#write(state, key, value);
    });
  }

  /** Removes `key` locally; the removal reaches other devices on the next `synchronize()`. */
  async remove(key: string): Promise<void> {
    assertKey(key);
    await this.#mutate((state) => {
      const previous = getRecord(state, key);
      return previous !== undefined && this.#write(state, key, null);
    });
  }

  /** Every present key and value. */
  async getAll(): Promise<Record<string, string>> {
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, r] of Object.entries((await this.#read()).records)) {
      if (r.value !== null) Object.defineProperty(out, key, { value: r.value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Number of local changes waiting to be pushed. */
  async pendingChanges(): Promise<number> {
    return Object.values((await this.#read()).records).filter((r) => r.modified).length;
  }

  /** The dataset's local state, with SyncCounts and modification flags (a copy). */
  async state(): Promise<DatasetState> {
    return this.#read();
  }

  /**
   * Exchanges changes with Cognito Sync. Concurrent calls are coalesced: a call made while one runs
   * waits for it and then runs once more, so changes made meanwhile are included.
   * Resolves with `status: 'offline'` (and emits `error` with an `OfflineError`) when the service is
   * unreachable; local changes are kept. Rejects with a `SyncClientError` for anything else.
   */
  synchronize(): Promise<SyncResult> {
    if (this.#running === undefined) return this.#start();
    this.#queued ??= this.#running.catch(() => undefined).then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    return this.#queued;
  }

  #start(): Promise<SyncResult> {
    const run = this.#synchronizeOnce().finally(() => {
      if (this.#running === run) this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #synchronizeOnce(): Promise<SyncResult> {
    const emit = <K extends keyof DatasetEvents>(event: K, payload: DatasetEvents[K]): void => {
      this.#events.emit(event, payload);
    };
    try {
      const result = await synchronizeDataset({ ...this.#deps.context, emit });
      emit('synced', result);
      return result;
    } catch (e) {
      if (e instanceof OfflineError) {
        emit('error', e);
        const state = await this.#read().catch(() => emptyState());
        return {
          dataset: this.name,
          status: 'offline',
          pulled: 0,
          pushed: 0,
          conflicts: 0,
          merged: [],
          deleted: false,
          retries: 0,
          lastSyncCount: state.lastSyncCount,
          error: e,
        };
      }
      const error = e instanceof Error ? e : new SyncClientError('Remote', String(e));
      emit('error', error);
      throw error;
    }
  }

  /** Subscribes to an event; returns an unsubscribe function. */
  on<K extends keyof DatasetEvents>(event: K, listener: Listener<DatasetEvents[K]>): () => void {
    return this.#events.on(event, listener);
  }

  /** Subscribes for one occurrence. */
  once<K extends keyof DatasetEvents>(event: K, listener: Listener<DatasetEvents[K]>): () => void {
    return this.#events.once(event, listener);
  }

  off<K extends keyof DatasetEvents>(event: K, listener: Listener<DatasetEvents[K]>): void {
    this.#events.off(event, listener);
  }

  /** Stops automatic synchronization (if enabled). */
  close(): void {
    this.#autoSync?.stop();
  }
}
