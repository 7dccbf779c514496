import type { LocalStore } from './stores/local-store.js';

/**
 * Serializes async critical sections per key, so a read-modify-write of a dataset's local state never
 * interleaves with another (local edits and the commit step of a sync). Network calls stay outside.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, section: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(key, tail);
    await previous;
    try {
      return await section();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/**
 * The critical section of one dataset: ordered within this context by `lock`, then, for a store
 * shared with other contexts (IndexedDB in several tabs), across them by the store. Without the
 * second step two tabs' load-modify-save cycles interleave and one tab's edits are lost.
 */
export function datasetSection<T>(
  lock: KeyedLock,
  store: LocalStore,
  identityId: string,
  dataset: string,
  section: () => Promise<T>,
): Promise<T> {
  return lock.run(`${identityId}\n${dataset}`, () => (store.exclusive ? store.exclusive(identityId, dataset, section) : section()));
}
