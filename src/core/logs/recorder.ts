import type { Clock } from '../clock.js';
import { buildLogEvent, type LogEvent, type LogEventInput } from './events.js';

/** Where events go; implemented in storage/repositories/auth0-logs.ts. */
export interface LogStore {
  /** Stores `events` in one transaction; an id already stored is skipped, not an error. */
  insertMany(events: readonly LogEvent[]): Promise<void>;
}

/** An event, or work that finds out which event (user lookups…) — run off the request path. */
export type LogSource = LogEventInput | (() => Promise<LogEventInput | LogEventInput[] | undefined>);

export interface LogRecorderOptions {
  /** Longest an event waits in the buffer before a flush starts, ms. */
  flushMs?: number;
  /** Buffered events that start a flush at once. */
  flushEvents?: number;
  /** Most events one transaction carries. */
  maxBatch?: number;
  /** Most events held; beyond it the oldest are dropped (a database that is down or too slow). */
  maxBuffered?: number;
  /** Most sources (lookups) resolving at once; beyond it new ones are dropped. */
  maxPending?: number;
  /** Longest wait between attempts while the store fails, ms. */
  retryMaxMs?: number;
  /** Attempts at storing one event alone before it is given up (an event the store refuses). */
  maxAttempts?: number;
}

export interface LogRecorderHooks {
  /** One call per dropped event. */
  onDrop?: (error: unknown) => void;
  /** A flush failed; its events stay buffered and are retried. `streak` counts failures in a row. */
  onFlushError?: (error: unknown, streak: number, buffered: number) => void;
}

interface Buffered {
  event: LogEvent;
  seq: number;
  attempts: number;
}

const DEFAULTS: Required<LogRecorderOptions> = {
  flushMs: 50,
  flushEvents: 200,
  maxBatch: 500,
  maxBuffered: 20_000,
  maxPending: 2_000,
  retryMaxMs: 2_000,
  maxAttempts: 5,
};

/**
 * Buffered, batched recording of tenant log events (auth0-api.md §5 "Logs"), one per process.
 * `record` never throws and never awaits the store: events are buffered and written together,
 * one transaction (multi-row insert) every `flushMs` or `flushEvents` events, so a busy token
 * endpoint costs one commit per batch rather than one per request. The event's time is taken
 * when `record` is called.
 *
 * A failing store costs requests nothing: the batch goes back to the front of the buffer and is
 * retried with backoff, halved each failure so that one event the store refuses is isolated and,
 * after `maxAttempts` tries alone, dropped; while the store stays down the buffer is bounded and
 * its oldest events are dropped. Every drop is counted and reported to `onDrop`.
 *
 * Readers that must see what this process recorded call {@link settled} (cheap when nothing is
 * buffered); {@link close} writes out the rest before the storage closes.
 */
export class LogRecorder {
  readonly #options: Required<LogRecorderOptions>;
  readonly #hooks: LogRecorderHooks;
  readonly #pending = new Set<Promise<void>>();
  #buffer: Buffered[] = [];
  /** Events taken by the flush in progress. */
  #inFlight: Buffered[] = [];
  #flushing: Promise<boolean> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;
  #seq = 0;
  #batchSize: number;
  #failures = 0;
  #closed = false;
  /** Events stored. */
  recorded = 0;
  /** Events given up (store refused them, buffer full, lookup failed, recorded after close). */
  dropped = 0;

  constructor(
    private readonly store: LogStore,
    private readonly clock: Clock,
    hooks: LogRecorderHooks | ((error: unknown) => void) = {},
    options: LogRecorderOptions = {},
  ) {
    this.#hooks = typeof hooks === 'function' ? { onDrop: hooks } : hooks;
    this.#options = { ...DEFAULTS, ...options };
    this.#batchSize = this.#options.maxBatch;
  }

  /** Events waiting to be written (buffered or being written). */
  get buffered(): number {
    return this.#buffer.length + this.#inFlight.length;
  }

  record(source: LogSource): void {
    try {
      if (this.#closed) {
        this.#drop(new Error('log recorder closed'));
        return;
      }
      const at = this.clock.now();
      if (typeof source !== 'function') {
        this.#push([source], at);
        return;
      }
      if (this.#pending.size >= this.#options.maxPending) {
        this.#drop(new Error('log queue full'));
        return;
      }
      const work = (async () => {
        const found = await source();
        this.#push(found === undefined ? [] : Array.isArray(found) ? found : [found], at);
      })().catch((e: unknown) => this.#drop(e));
      const tracked = work.finally(() => this.#pending.delete(tracked));
      this.#pending.add(tracked);
    } catch (e) {
      this.#drop(e);
    }
  }

  /**
   * Resolves once every event recorded before the call is stored or dropped (read-your-writes
   * for GET /logs in this process). Gives up early, without throwing, while the store fails.
   */
  async settled(): Promise<void> {
    if (this.#pending.size > 0) await Promise.all([...this.#pending]);
    const target = this.#seq;
    for (let rounds = 0; rounds < 1_000 && this.#waiting(target); rounds++) {
      if (!(await this.#flushNow())) return;
    }
  }

  /** Stops the timers and writes out everything buffered (the storage closes next). Never throws. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    while (this.buffered > 0) {
      if (!(await this.#flushNow())) break;
    }
    this.#clearTimers();
    const lost = this.#buffer.length;
    this.#buffer = [];
    for (let i = 0; i < lost; i++) this.#drop(new Error('log store unavailable at close'));
  }

  #waiting(target: number): boolean {
    const first = this.#inFlight[0] ?? this.#buffer[0];
    return first !== undefined && first.seq <= target;
  }

  #push(inputs: LogEventInput[], at: number): void {
    if (inputs.length === 0) return;
    for (const input of inputs) this.#buffer.push({ event: buildLogEvent(input, at), seq: ++this.#seq, attempts: 0 });
    this.#trim();
    this.#schedule();
  }

  /** Drops the oldest events beyond the bound. */
  #trim(): void {
    const over = this.#buffer.length - this.#options.maxBuffered;
    if (over <= 0) return;
    this.#buffer.splice(0, over);
    for (let i = 0; i < over; i++) this.#drop(new Error('log buffer full: oldest event dropped'));
  }

  #schedule(delay?: number): void {
    if (this.#flushing || this.#buffer.length === 0) return;
    if (delay === undefined && this.#buffer.length >= this.#options.flushEvents) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        void this.#flushNow();
      });
      return;
    }
    if (this.#timer || this.#immediate) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#flushNow();
    }, delay ?? this.#options.flushMs);
    this.#timer.unref?.();
  }

  #clearTimers(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  /** Writes one batch now (or waits for the one being written); true unless the store failed. */
  async #flushNow(): Promise<boolean> {
    if (this.#flushing) return this.#flushing;
    if (this.#buffer.length === 0) return true;
    this.#clearTimers();
    const run = this.#flush();
    this.#flushing = run;
    try {
      return await run;
    } finally {
      this.#flushing = undefined;
      if (this.#failures === 0) this.#schedule();
      else this.#schedule(Math.min(this.#options.flushMs * 2 ** (this.#failures - 1), this.#options.retryMaxMs));
    }
  }

  async #flush(): Promise<boolean> {
    const batch = this.#buffer.splice(0, this.#batchSize);
    this.#inFlight = batch;
    try {
      await this.store.insertMany(batch.map((b) => b.event));
      this.recorded += batch.length;
      this.#failures = 0;
      this.#batchSize = Math.min(this.#options.maxBatch, this.#batchSize * 2);
      return true;
    } catch (error) {
      this.#failures++;
      if (batch.length === 1 && ++batch[0]!.attempts >= this.#options.maxAttempts) {
        this.#drop(error);
      } else {
        // Back to the front, in order; a smaller batch next time isolates an event the store refuses.
        this.#buffer = batch.concat(this.#buffer);
        this.#batchSize = Math.max(1, Math.ceil(batch.length / 2));
        this.#trim();
      }
      try {
        this.#hooks.onFlushError?.(error, this.#failures, this.buffered);
      } catch {
        // a failing hook must not fail anything either
      }
      return false;
    } finally {
      this.#inFlight = [];
    }
  }

  #drop(error: unknown): void {
    this.dropped++;
    try {
      this.#hooks.onDrop?.(error);
    } catch {
      // a failing drop hook must not fail anything either
    }
  }
}
