import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type MigrationProvider } from 'kysely';
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
}

// BIGINT columns hold epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(20, (v) => Number(v));

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function openStorage(options: OpenOptions): Promise<Storage> {
  const storage = options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openSqlite(options.dataDir);
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

function openSqlite(dataDir: string): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'cognate.db');
  const database = new SQLite(file);
  // WAL lets every worker process read while one writes; NORMAL sync is durable in WAL
  // against process crashes (kill -9); FULL adds power-loss durability for each commit.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 10000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
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
    transaction: (fn) => runTransaction(db, 'begin immediate', fn),
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, max: number): Storage {
  const pool = new pg.Pool({ connectionString: url, max });
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
