// Just enough of IndexedDB for IndexedDbStore: open/upgrade, one object store with out-of-line keys,
// get/put/delete/getAllKeys, request and transaction callbacks fired asynchronously like the real thing.

type Handler = (() => void) | null;

class FakeRequest<T> {
  result: T | undefined;
  error: unknown = null;
  onsuccess: Handler = null;
  onerror: Handler = null;
  onupgradeneeded: Handler = null;
}

class FakeTransaction {
  oncomplete: Handler = null;
  onerror: Handler = null;
  onabort: Handler = null;
  error: unknown = null;
  #pending = 0;
  constructor(private readonly data: Map<string, unknown>) {}

  objectStore(): object {
    const op = <T>(run: () => T): FakeRequest<T> => {
      const req = new FakeRequest<T>();
      this.#pending += 1;
      setTimeout(() => {
        req.result = run();
        req.onsuccess?.();
        this.#pending -= 1;
        if (this.#pending === 0) setTimeout(() => this.oncomplete?.(), 0);
      }, 0);
      return req;
    };
    return {
      get: (key: string) => op(() => (this.data.has(key) ? structuredClone(this.data.get(key)) : undefined)),
      put: (value: unknown, key: string) => op(() => (this.data.set(key, structuredClone(value)), key)),
      delete: (key: string) => op(() => (this.data.delete(key), undefined)),
      getAllKeys: () => op(() => [...this.data.keys()].sort()),
    };
  }
}

class FakeDatabase {
  readonly stores = new Map<string, Map<string, unknown>>();
  closed = false;
  readonly objectStoreNames = { contains: (name: string) => this.stores.has(name) };
  createObjectStore(name: string): void {
    this.stores.set(name, new Map());
  }
  transaction(name: string): FakeTransaction {
    const data = this.stores.get(name);
    if (!data || this.closed) throw new Error(`no object store ${name}`);
    return new FakeTransaction(data);
  }
  close(): void {
    this.closed = true;
  }
}

/** A fresh in-memory IndexedDB factory; cast it to `IDBFactory` for IndexedDbStore. */
export function fakeIndexedDB(): { open(name: string, version?: number): FakeRequest<FakeDatabase> } {
  const databases = new Map<string, Map<string, Map<string, unknown>>>();
  return {
    open(name: string) {
      const req = new FakeRequest<FakeDatabase>();
      setTimeout(() => {
        const db = new FakeDatabase();
        const existing = databases.get(name);
        if (existing) for (const [k, v] of existing) db.stores.set(k, v);
        req.result = db;
        if (!existing) req.onupgradeneeded?.();
        databases.set(name, db.stores);
        req.onsuccess?.();
      }, 0);
      return req;
    },
  };
}
