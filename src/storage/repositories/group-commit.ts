import { sql, type Kysely } from 'kysely';
import type { Storage } from '../database.js';
import type { Database } from '../schema.js';

interface Pending<Tx> {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Most units of work one commit carries. */
const MAX_BATCH = 64;
/** A commit slower than this (ms) makes the next batch gather for about as long, up to MAX_GATHER_MS. */
const SLOW_COMMIT_MS = 2;
const MAX_GATHER_MS = 10;

/**
 * Group commit: units of work queued while a transaction is committing, or while the next one
 * waits for the write lock, run together in that next one, each inside its own savepoint, so
 * one that fails (a unique key another unit or process took first) is rolled back alone and
 * reported to its caller, who re-runs it. A unit sees the writes of those before it in the
 * batch. Results are delivered only after COMMIT. A unit waits one turn of the event loop for
 * its commit to start, or, after a slow commit (at most MAX_GATHER_MS), about as long as that
 * commit took. Used on SQLite, where every commit is serialised and fsynced: many sign-ins
 * creating identities at once then cost one commit, not one each.
 */
export class GroupCommit<Tx> {
  readonly #queue: Pending<Tx>[] = [];
  #draining = false;
  /** How long the last commit took, ms: a slow one (an fsync per commit on a slow disk) makes the next wait to gather more units. */
  #lastCommitMs = 0;

  constructor(
    private readonly storage: Storage,
    private readonly open: (trx: Kysely<Database>) => Tx,
  ) {}

  /** A commit is in progress: the connection is taken, so a read now would wait for it. */
  get busy(): boolean {
    return this.#draining;
  }

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        // better-sqlite3 runs a whole transaction without yielding to I/O; waiting one turn of
        // the event loop lets the sign-ins that became ready meanwhile join this commit. After
        // a slow commit (it blocked the event loop, typically on fsync), wait about as long
        // again, so that the next one carries more units instead of stalling as often.
        const wait = Math.min(this.#lastCommitMs, MAX_GATHER_MS);
        await new Promise((resolve) => (wait >= SLOW_COMMIT_MS ? setTimeout(resolve, wait) : setImmediate(resolve)));
        // The batch is taken once the transaction holds the write lock, not before: units queued
        // while this process waited for the lock (another worker process committing) join this
        // commit instead of waiting for the next. It is taken once: were the callback run again
        // (a transaction retried), the same units would run again, none taken twice or left out.
        let batch: Pending<Tx>[] | undefined;
        const take = (): Pending<Tx>[] => (batch ??= this.#queue.splice(0, MAX_BATCH));
        let outcomes: Outcome[];
        let began = 0;
        try {
          outcomes = await this.storage.transaction(async (trx) => {
            began = performance.now();
            const tx = this.open(trx);
            const out: Outcome[] = [];
            for (const unit of take()) {
              await sql`savepoint unit`.execute(trx);
              try {
                out.push({ ok: true, value: await unit.fn(tx) });
              } catch (error) {
                await sql`rollback to savepoint unit`.execute(trx);
                out.push({ ok: false, error });
              }
              await sql`release savepoint unit`.execute(trx);
            }
            return out;
          });
        } catch (error) {
          // The transaction failed (its COMMIT, or taking the lock: SQLITE_BUSY after the busy
          // timeout): every unit it carried, or would have carried, fails with it.
          outcomes = take().map(() => ({ ok: false, error }));
        }
        // From BEGIN (the write lock held) to COMMIT done: not the wait for the lock.
        this.#lastCommitMs = began === 0 ? 0 : performance.now() - began;
        take().forEach((unit, i) => {
          const o = outcomes[i]!;
          if (o.ok) unit.resolve(o.value);
          else unit.reject(o.error);
        });
      }
    } finally {
      this.#draining = false;
    }
  }
}
