import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { OutboxQueue } from '../ports.js';
import type { ClaimedDelivery } from '../types.js';
import type { WebhookTargets } from './config.js';
import { SIGNATURE_HEADER, signBody } from './signature.js';

export interface DelivererOptions {
  queue: OutboxQueue;
  targets: WebhookTargets;
  /** Current webhook key (key ring purpose `cognito-sync-webhook`). */
  secret: () => Promise<{ kid: string; key: Buffer }>;
  clock: Clock;
  log: { warn(obj: object, msg: string): void };
  /** How often to look for due rows when nothing wakes the loop. */
  pollMs?: number;
  /** A claim lasts this long; a delivery must finish (or is retried by anyone) after it. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Backoff: base · 2^(attempt-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After this many failed attempts a row is parked as `dead`. */
  maxAttempts?: number;
  fetch?: typeof fetch;
}

/**
 * Background webhook deliverer, one per process. Claims due outbox rows with a lease (so several
 * processes never send a row at the same time), POSTs each signed body, deletes it on 2xx, and
 * otherwise reschedules it with exponential backoff: at-least-once delivery; receivers dedupe on
 * `x-cognate-delivery`. It never runs inside a request: writes only enqueue and `wake()` it.
 */
export class WebhookDeliverer {
  readonly #owner = `deliverer-${randomUUID()}`;
  readonly #o: Required<Omit<DelivererOptions, 'fetch'>> & { fetch: typeof fetch };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  #again = false;
  readonly #abort = new AbortController();

  constructor(options: DelivererOptions) {
    this.#o = {
      pollMs: 1000,
      leaseMs: 30_000,
      timeoutMs: 10_000,
      backoffBaseMs: 1000,
      backoffMaxMs: 15 * 60_000,
      maxAttempts: 25,
      fetch: globalThis.fetch,
      ...options,
    };
  }

  /** Starts the loop; a stopped deliverer stays stopped (make a new one). */
  start(): void {
    if (!this.#stopped || this.#abort.signal.aborted) return;
    this.#stopped = false;
    this.wake();
  }

  /** Runs a pass now (or right after the current one). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    let nextDue: number | undefined;
    this.#running = this.#pass()
      .then((due) => {
        nextDue = due;
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.wake();
          return;
        }
        // Sleep until the next row is due, but look again at least every pollMs (other
        // processes enqueue too, and their wake-ups do not reach this one).
        const wait = nextDue === undefined ? this.#o.pollMs : Math.min(this.#o.pollMs, Math.max(10, nextDue - this.#o.clock.now()));
        this.#timer = setTimeout(() => this.wake(), wait);
        this.#timer.unref();
      });
  }

  /** Stops polling, aborts in-flight requests (their rows are retried later) and waits for the pass. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#running;
  }

  /**
   * Delivers every due row; returns when the next one is due (undefined: none pending). Idle
   * passes only read (`nextDue`), so an idle deliverer never takes SQLite's write lock.
   */
  async #pass(): Promise<number | undefined> {
    try {
      for (;;) {
        if (this.#stopped) return undefined;
        const due = await this.#o.queue.nextDue();
        const now = this.#o.clock.now();
        if (due === undefined || due > now) return due;
        const batch = await this.#o.queue.claim(this.#owner, now, this.#o.leaseMs, 10);
        if (batch.length === 0) return undefined; // another process took them
        await Promise.all(batch.map((d) => this.#deliver(d)));
      }
    } catch (e) {
      if (!this.#stopped) this.#o.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'cognito-sync webhook pass failed');
      return undefined;
    }
  }

  async #deliver(d: ClaimedDelivery): Promise<void> {
    let error: string | undefined;
    const url = this.#o.targets.get(d.target);
    if (!url) error = `no webhook configured for ${d.target} (COGNATE_SYNC_WEBHOOKS)`;
    else {
      try {
        const { kid, key } = await this.#o.secret();
        const res = await this.#o.fetch(url, {
          method: 'POST',
          body: d.payload,
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signBody(key, d.payload),
            'x-cognate-key-id': kid,
            'x-cognate-delivery': d.id,
            'x-cognate-event-type': d.kind,
            'x-cognate-target': d.target,
            'x-cognate-attempt': String(d.attempts),
          },
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#o.timeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    if (error === undefined) return this.#o.queue.complete(d.id, this.#owner);
    if (this.#stopped) {
      // Shutting down: hand the row back at once rather than waiting for the lease to expire.
      return this.#o.queue.fail(d.id, this.#owner, this.#o.clock.now(), `interrupted: ${error}`, false).catch(() => undefined);
    }
    const dead = d.attempts >= this.#o.maxAttempts;
    const delay = Math.min(this.#o.backoffMaxMs, this.#o.backoffBaseMs * 2 ** Math.max(0, d.attempts - 1));
    if (dead) this.#o.log.warn({ id: d.id, target: d.target, error }, 'cognito-sync webhook delivery abandoned');
    await this.#o.queue.fail(d.id, this.#owner, this.#o.clock.now() + delay, error, dead);
  }
}
