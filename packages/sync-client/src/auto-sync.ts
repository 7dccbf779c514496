import { backoffDelay } from './backoff.js';
import type { SyncResult } from './types.js';

/** When and how often a dataset synchronizes by itself. */
export interface AutoSyncOptions {
  /** Wait this long after the last local change before syncing (default 1000 ms). */
  debounceMs?: number;
  /** First retry delay after an offline or failed sync (default 1000 ms), doubled each time. */
  minBackoffMs?: number;
  /** Largest retry delay (default 60 000 ms). */
  maxBackoffMs?: number;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Schedules `synchronize()` after local changes, and retries with exponential backoff (with jitter)
 * while the service is unreachable or failing. Timers are unref'd in Node so they never keep a process alive.
 */
export class AutoSync {
  readonly #sync: () => Promise<SyncResult>;
  readonly #options: Required<AutoSyncOptions>;
  #timer: Timer | undefined;
  #failures = 0;
  #stopped = false;

  constructor(sync: () => Promise<SyncResult>, options: AutoSyncOptions = {}) {
    this.#sync = sync;
    this.#options = {
      debounceMs: options.debounceMs ?? 1000,
      minBackoffMs: options.minBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
    };
  }

  /** A local change happened: sync soon (unless a retry is already due sooner). */
  changed(): void {
    if (this.#failures === 0) this.#schedule(this.#options.debounceMs);
    else if (this.#timer === undefined) this.#schedule(this.#retryDelay());
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #retryDelay(): number {
    return backoffDelay(this.#failures, { baseMs: this.#options.minBackoffMs, maxMs: this.#options.maxBackoffMs });
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(), ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    let ok = false;
    try {
      ok = (await this.#sync()).status === 'synced';
    } catch {
      // The dataset already emitted 'error'; keep retrying with backoff.
    }
    if (ok) this.#failures = 0;
    else {
      this.#failures += 1;
      this.#schedule(this.#retryDelay());
    }
  }
}
