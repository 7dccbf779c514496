import type { Clock } from '../clock.js';
import { buildLogEvent, type LogEvent, type LogEventInput } from './events.js';

/** Where events go; implemented in storage/repositories/auth0-logs.ts. */
export interface LogStore {
  insert(event: LogEvent): Promise<void>;
}

/** An event, or work that finds out which event (user lookups…) — run off the request path. */
export type LogSource = LogEventInput | (() => Promise<LogEventInput | LogEventInput[] | undefined>);

/** At most this many writes in flight; beyond it events are dropped rather than queued without bound. */
const MAX_PENDING = 2_000;

/**
 * Fire-and-forget recording of tenant log events (auth0-api.md §5 "Logs"). `record` never
 * throws and never awaits the store: a failing or slow database costs the request nothing and
 * the event is dropped and counted. The event's time is taken when `record` is called.
 */
export class LogRecorder {
  readonly #pending = new Set<Promise<void>>();
  recorded = 0;
  dropped = 0;

  constructor(
    private readonly store: LogStore,
    private readonly clock: Clock,
    private readonly onDrop: (error: unknown) => void = () => undefined,
  ) {}

  record(source: LogSource): void {
    if (this.#pending.size >= MAX_PENDING) {
      this.#drop(new Error('log queue full'));
      return;
    }
    const at = this.clock.now();
    const work = (async () => {
      const found = typeof source === 'function' ? await source() : source;
      const inputs = found === undefined ? [] : Array.isArray(found) ? found : [found];
      for (const input of inputs) {
        await this.store.insert(buildLogEvent(input, at));
        this.recorded++;
      }
    })().catch((e: unknown) => this.#drop(e));
    const tracked = work.finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  /** Resolves once every event recorded so far is stored or dropped (read-your-writes for GET /logs). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #drop(error: unknown): void {
    this.dropped++;
    try {
      this.onDrop(error);
    } catch {
      // a failing drop hook must not fail anything either
    }
  }
}
