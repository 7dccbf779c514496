import type { Clock } from '../clock.js';

/**
 * A small bounded cache with a time-to-live, for hot-path reads that may be a little stale
 * (pool configuration, OIDC provider records, principal-tag maps): every node re-reads within
 * `ttlMs` of a change made elsewhere; changes made on this node invalidate at once.
 * Concurrent misses for one key share a single load.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #loading = new Map<string, Promise<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > this.clock.now()) return hit.value;
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const started: Promise<V> = load().then(
      (value) => {
        // Only a load nobody invalidated meanwhile may fill the cache.
        if (this.#loading.get(key) === started) {
          this.#loading.delete(key);
          this.#set(key, value);
        }
        return value;
      },
      (e: unknown) => {
        if (this.#loading.get(key) === started) this.#loading.delete(key);
        throw e;
      },
    );
    this.#loading.set(key, started);
    return started;
  }

  delete(key: string): void {
    this.#entries.delete(key);
    this.#loading.delete(key);
  }

  /** Drops every key starting with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
    for (const key of this.#loading.keys()) if (key.startsWith(prefix)) this.#loading.delete(key);
  }

  #set(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      // Oldest insertion first: Map iteration order.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expires: this.clock.now() + this.ttlMs });
  }
}
