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
}

/**
 * Browser store: one IndexedDB object store holding one entry per (identity, dataset). Each save is a
 * single `put` in its own transaction, so it is atomic.
 */
export class IndexedDbStore implements LocalStore {
  readonly #name: string;
  readonly #factory: IDBFactory | undefined;
  #db: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbStoreOptions = {}) {
    this.#name = options.databaseName ?? 'cognate-sync';
    this.#factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (!this.#factory) throw new StoreError('IndexedDB is not available in this runtime');
      const req = this.#factory.open(this.#name, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(new StoreError(`Cannot open IndexedDB database ${this.#name}`, { cause: req.error }));
    }).catch((e: unknown) => {
      this.#db = undefined;
      throw e;
    });
    return this.#db;
  }

  async #run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    const tx = db.transaction(OBJECT_STORE, mode);
    const [result] = await Promise.all([request(body(tx.objectStore(OBJECT_STORE))), done(tx)]);
    return result;
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
