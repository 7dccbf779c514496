import { StoreError } from '../errors.js';
import type { DatasetState } from '../types.js';
import { cloneState, type LocalStore } from './local-store.js';

const OBJECT_STORE = 'datasets';
// Identity ids ("region:uuid") and dataset names never contain a newline.
const SEPARATOR = '\n';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new StoreError('IndexedDB request failed', { cause: req.error }));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(new StoreError('IndexedDB transaction failed', { cause: tx.error }));
    tx.onabort = () => reject(new StoreError('IndexedDB transaction aborted', { cause: tx.error }));
  });
}

/** Options of {@link IndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** Database name (default `cognate-sync`). */
  databaseName?: string;
  /** The factory to use (default `globalThis.indexedDB`); lets tests or workers pass their own. */
  indexedDB?: IDBFactory;
  /**
   * Web Locks that order each dataset's load-modify-save across the tabs and workers sharing the
   * database (default `navigator.locks`). Where there are none, only one context may use the database.
   */
  locks?: LockManager;
}

/**
 * Browser store: one IndexedDB object store holding one entry per (identity, dataset). Each save is a
 * single `put` in its own transaction, so it is atomic. Every tab of an origin shares the database:
 * {@link IndexedDbStore.exclusive} orders their writes, and the connection steps aside when another
 * tab deletes or upgrades the database (an app clearing data on sign-out must not hang).
 */
export class IndexedDbStore implements LocalStore {
  readonly #name: string;
  readonly #factory: IDBFactory | undefined;
  readonly #locks: LockManager | undefined;
  #db: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbStoreOptions = {}) {
    this.#name = options.databaseName ?? 'cognate-sync';
    this.#factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    this.#locks = options.locks ?? (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  }

  #open(): Promise<IDBDatabase> {
    if (this.#db) return this.#db;
    const opening: Promise<IDBDatabase> = new Promise<IDBDatabase>((resolve, reject) => {
      if (!this.#factory) throw new StoreError('IndexedDB is not available in this runtime');
      const req = this.#factory.open(this.#name, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE);
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another context wants to delete or upgrade the database; an open connection would block it
        // until this page closes. Let go; the next call opens (and if need be recreates) it.
        db.onversionchange = () => {
          db.close();
          this.#forget(opening);
        };
        // Closed by the browser (site data cleared, storage failure).
        db.onclose = () => this.#forget(opening);
        resolve(db);
      };
      req.onerror = () => reject(new StoreError(`Cannot open IndexedDB database ${this.#name}`, { cause: req.error }));
    }).catch((e: unknown) => {
      this.#forget(opening);
      throw e;
    });
    this.#db = opening;
    return opening;
  }

  #forget(connection: Promise<IDBDatabase>): void {
    if (this.#db === connection) this.#db = undefined;
  }

  async #transaction(mode: IDBTransactionMode): Promise<IDBTransaction> {
    const connection = this.#open();
    try {
      return (await connection).transaction(OBJECT_STORE, mode);
    } catch (e) {
      if (e instanceof StoreError) throw e;
      // InvalidStateError: the connection closed between open and use; one new connection is enough.
      this.#forget(connection);
      try {
        return (await this.#open()).transaction(OBJECT_STORE, mode);
      } catch (again) {
        throw again instanceof StoreError ? again : new StoreError('IndexedDB transaction failed to start', { cause: again });
      }
    }
  }

  async #run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = await this.#transaction(mode);
    const [result] = await Promise.all([request(body(tx.objectStore(OBJECT_STORE))), done(tx)]);
    return result;
  }

  /** Runs `section` holding the Web Lock of this database's (identity, dataset): one tab at a time. */
  async exclusive<T>(identityId: string, dataset: string, section: () => Promise<T>): Promise<T> {
    if (!this.#locks) return section();
    // Lock names are per origin, like the database; a leading '-' is reserved, hence the prefix.
    return this.#locks.request(`sync-client${SEPARATOR}${this.#name}${SEPARATOR}${identityId}${SEPARATOR}${dataset}`, () => section());
  }

  async load(identityId: string, dataset: string): Promise<DatasetState | undefined> {
    const value = await this.#run('readonly', (s) => s.get(identityId + SEPARATOR + dataset) as IDBRequest<unknown>);
    return value === undefined ? undefined : (value as DatasetState);
  }

  async save(identityId: string, dataset: string, state: DatasetState): Promise<void> {
    await this.#run('readwrite', (s) => s.put(cloneState(state), identityId + SEPARATOR + dataset));
  }

  async delete(identityId: string, dataset: string): Promise<void> {
    await this.#run('readwrite', (s) => s.delete(identityId + SEPARATOR + dataset));
  }

  async list(identityId: string): Promise<string[]> {
    const prefix = identityId + SEPARATOR;
    const keys = await this.#run('readonly', (s) => s.getAllKeys());
    return keys.filter((k): k is string => typeof k === 'string' && k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** Closes the database connection (it reopens on next use). */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db).close();
  }
}
