import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * Runs `fn` in one transaction on one connection. SQLite takes the write lock up
   * front (BEGIN IMMEDIATE) so concurrent worker processes never deadlock on a
   * read→write upgrade; PostgreSQL uses READ COMMITTED plus row locks where callers ask.
   */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Applies pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, embedded SQLite at `<dataDir>/cognate.db`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /**
   * SQLite's `synchronous` pragma (WAL mode). `full` fsyncs the WAL at every commit: a commit
   * survives power loss. `normal` fsyncs only at checkpoints: still safe against process crashes
   * (kill -9) and never corrupt, but the last commits before a power loss may be lost. Default `full`.
   */
  sqliteSynchronous?: SqliteSynchronous | undefined;
}

export type SqliteSynchronous = 'normal' | 'full';

/** How long a SQLite writer waits for another process's write lock before SQLITE_BUSY, ms. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

// BIGINT columns hold epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(20, (v) => Number(v));

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function openStorage(options: OpenOptions): Promise<Storage> {
  const storage = options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openSqlite(options.dataDir, options.sqliteSynchronous ?? 'full');
  await storage.migrate();
  return storage;
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'cognate_migrations', migrationLockTableName: 'cognate_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function openSqlite(dataDir: string, synchronous: SqliteSynchronous): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'cognate.db');
  const database = new SQLite(file);
  // WAL lets every worker process read while one writes; NORMAL sync is durable in WAL
  // against process crashes (kill -9); FULL adds power-loss durability for each commit.
  // The busy timeout comes first: switching a fresh file to WAL takes an exclusive lock, and
  // worker processes starting at once must wait for each other there rather than fail.
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // Some WAL start-up paths (another process recovering or creating the WAL index) answer
  // SQLITE_BUSY without consulting the busy handler: retry those for the same timeout.
  retryWhileBusy(() => database.pragma('journal_mode = WAL'));
  retryWhileBusy(() => database.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`));
  database.pragma('foreign_keys = ON');
  const statements = new StatementCache(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  const writeLock = new SqliteWriteLock(database);
  return {
    db,
    dialect: 'sqlite',
    migrate: async () => {
      // kysely's SQLite migrator takes no lock and no transaction: hold the write lock for the
      // whole run so concurrent first starts (worker processes) serialise and a crash mid-way
      // leaves nothing half-applied.
      database.exec('BEGIN IMMEDIATE');
      try {
        await migrate(db);
        database.exec('COMMIT');
      } catch (e) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw e;
      }
    },
    transaction: (fn) => sqliteTransaction(db, writeLock, fn),
    close: () => db.destroy(),
  };
}

/** Runs a start-up statement again while SQLite reports the file busy, up to the busy timeout. */
function retryWhileBusy(run: () => unknown): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      run();
      return;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() + wait > deadline) throw e;
      Atomics.wait(pause, 0, 0, wait); // start-up only: blocking this process briefly is intended
    }
  }
}

const PRAGMA = /^\s*pragma\b/i;

/**
 * A SQLite Database whose `prepare` reuses statements: kysely prepares every query afresh, and
 * compiling the SQL costs more than running most of ours. Statements are keyed by SQL text and
 * reused (better-sqlite3 statements are re-executable with new parameters); the least recently
 * used beyond `max` are dropped (and finalized when collected). A statement still iterating (a
 * streamed query) is busy: a caller then gets a fresh, uncached one.
 */
export class StatementCache implements SqliteDatabase {
  readonly #db: SQLite.Database;
  readonly #max: number;
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(db: SQLite.Database, max = 500) {
    this.#db = db;
    this.#max = max;
  }

  /** Statements held. */
  get size(): number {
    return this.#statements.size;
  }

  prepare(text: string): SqliteStatement {
    // A PRAGMA acts when compiled, not when run: never reuse one.
    if (PRAGMA.test(text)) return this.#db.prepare(text);
    const cached = this.#statements.get(text);
    if (cached !== undefined) {
      if (cached.busy) return this.#db.prepare(text);
      // Map order is the LRU order: move to the newest end.
      this.#statements.delete(text);
      this.#statements.set(text, cached);
      return cached;
    }
    const fresh = this.#db.prepare(text);
    this.#statements.set(text, fresh);
    if (this.#statements.size > this.#max) this.#statements.delete(this.#statements.keys().next().value!);
    return fresh;
  }

  close(): void {
    this.#statements.clear();
    this.#db.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isBusy = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/**
 * Takes SQLite's write lock (BEGIN IMMEDIATE) without blocking the event loop. better-sqlite3 is
 * synchronous: under `busy_timeout` a process waiting for another process's write lock sleeps
 * inside SQLite, its whole event loop stalled. Here the attempt does not wait (busy_timeout 0 for
 * that one statement); while another process holds the lock, the caller retries after a short
 * timer (1, 2, 3, 4, then every 5 ms), serving other requests meanwhile, and fails with the last
 * SQLITE_BUSY after `timeoutMs`, as busy_timeout would. Other statements keep busy_timeout.
 */
export class SqliteWriteLock {
  readonly #database: SQLite.Database;
  readonly #begin: SQLite.Statement;

  constructor(
    database: SQLite.Database,
    private readonly timeoutMs = SQLITE_BUSY_TIMEOUT_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.#database = database;
    this.#begin = database.prepare('BEGIN IMMEDIATE');
  }

  /** One attempt: true when the transaction began, false when another process holds the lock. */
  tryBegin(): boolean {
    // SQLite applies PRAGMA busy_timeout when the statement is compiled, so it cannot be a
    // reused prepared statement; it costs a few microseconds per transaction.
    this.#database.pragma('busy_timeout = 0');
    try {
      this.#begin.run();
      return true;
    } catch (e) {
      if (isBusy(e)) return false;
      throw e;
    } finally {
      this.#database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }
  }

  /** Runs `attempt` (which calls {@link tryBegin} on the connection) until it gets the lock or times out. */
  async acquire<T>(attempt: () => Promise<{ began: true; value: T } | { began: false }>): Promise<T> {
    const deadline = this.now() + this.timeoutMs;
    for (let tries = 1; ; tries++) {
      const outcome = await attempt();
      if (outcome.began) return outcome.value;
      if (this.now() >= deadline) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      await sleep(Math.min(tries, 5));
    }
  }
}

/** A SQLite transaction: the write lock up front (see {@link SqliteWriteLock}), the connection released while waiting for it. */
function sqliteTransaction<T>(db: Kysely<Database>, lock: SqliteWriteLock, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return lock.acquire(() =>
    db.connection().execute(async (conn): Promise<{ began: true; value: T } | { began: false }> => {
      if (!lock.tryBegin()) return { began: false };
      try {
        const value = await fn(conn);
        await sql.raw('commit').execute(conn);
        return { began: true, value };
      } catch (e) {
        await sql.raw('rollback').execute(conn).catch(() => undefined);
        throw e;
      }
    }),
  );
}

function openPostgres(url: string, max: number): Storage {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client whose connection the server ends (restart, failover, DROP DATABASE … FORCE)
  // emits 'error' on the pool; unhandled, that would crash the process. The pool discards the
  // client and the next query gets a fresh connection.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    // kysely takes a PostgreSQL advisory lock and runs each migration in a transaction.
    migrate: () => migrate(db),
    transaction: (fn) => runTransaction(db, 'begin', fn),
    close: () => db.destroy(),
  };
}

async function runTransaction<T>(db: Kysely<Database>, begin: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql.raw(begin).execute(conn);
    try {
      const result = await fn(conn);
      await sql.raw('commit').execute(conn);
      return result;
    } catch (e) {
      await sql.raw('rollback').execute(conn).catch(() => undefined);
      throw e;
    }
  });
}

/** True for a unique/primary-key violation on either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
