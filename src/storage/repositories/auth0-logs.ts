import type { Query } from '../../core/logs/lucene.js';
import type { LogEvent } from '../../core/logs/events.js';
import type { LogStore } from '../../core/logs/recorder.js';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Storage } from '../database.js';
import type { Auth0LogsTable, Database } from '../schema.js';
import { queryToSql, type FieldSpec } from './auth0-search.js';

/** Fields of `q` on logs (auth0-api.md §4.3 Logs); `user` / `application` are the SDK's search aliases. */
const FIELDS: Record<string, FieldSpec> = {
  log_id: { column: 'log_id', kind: 'exact' },
  date: { column: 'date', kind: 'date' },
  type: { column: 'type', kind: 'exact' },
  client_id: { column: 'client_id', kind: 'exact' },
  client_name: { column: 'client_name', kind: 'ci' },
  application: { column: 'client_name', kind: 'ci' },
  user_id: { column: 'user_id', kind: 'exact' },
  user_name: { column: 'user_name', kind: 'ci' },
  user: { column: 'user_name', kind: 'ci' },
  connection: { column: 'connection', kind: 'ci' },
  connection_id: { column: 'connection_id', kind: 'exact' },
  ip: { column: 'ip', kind: 'exact' },
  description: { column: 'description', kind: 'ci' },
};
/** A bare term matches client_name, connection or user_name (starts-with). */
const BARE: FieldSpec[] = [FIELDS['client_name']!, FIELDS['connection']!, FIELDS['user_name']!];

export interface LogSearch {
  query: Query;
  /** newest first unless ascending */
  ascending: boolean;
  offset: number;
  limit: number;
  withTotal: boolean;
}

const toEvent = (row: { body: string }): LogEvent => JSON.parse(row.body) as LogEvent;

/** Most rows one INSERT carries; batches are split into power-of-two chunks (few distinct statements to cache). */
const MAX_ROWS_PER_INSERT = 256;

const toRow = (event: LogEvent): Auth0LogsTable => ({
  log_id: event.log_id,
  date: Date.parse(event.date),
  type: event.type,
  client_id: event.client_id ?? null,
  client_name: event.client_name ?? null,
  user_id: event.user_id ?? null,
  user_name: event.user_name ?? null,
  connection: event.connection ?? null,
  connection_id: event.connection_id ?? null,
  ip: event.ip ?? null,
  description: event.description ?? null,
  body: JSON.stringify(event),
});

/** Columns in the order their values are bound. */
const COLUMNS = ['log_id', 'date', 'type', 'client_id', 'client_name', 'user_id', 'user_name', 'connection', 'connection_id', 'ip', 'description', 'body'] as const satisfies readonly (keyof Auth0LogsTable)[];

// Every column is bound: a column added to the table without being listed here fails to compile.
const allColumnsBound: [Exclude<keyof Auth0LogsTable, (typeof COLUMNS)[number]>] extends [never] ? true : never = true;
void allColumnsBound;

/** The largest power of two that is at most `n` and at most MAX_ROWS_PER_INSERT. */
export function insertChunk(n: number): number {
  let size = 1;
  while (size * 2 <= Math.min(n, MAX_ROWS_PER_INSERT)) size *= 2;
  return size;
}

export class KyselyLogRepository implements LogStore {
  readonly #sql = new Map<number, string>();

  constructor(private readonly storage: Storage) {}

  async insert(event: LogEvent): Promise<void> {
    await this.insertMany([event]);
  }

  /**
   * One transaction of multi-row inserts (the batched tenant log, core/logs/recorder.ts). Row
   * counts are powers of two, so at most nine statement texts exist for the statement cache.
   * An id already stored is skipped. On SQLite the transaction takes the write lock without
   * stalling the event loop while another worker holds it (storage.transaction).
   */
  async insertMany(events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toRow);
    await this.storage.transaction(async (trx) => {
      for (let i = 0; i < rows.length; ) {
        const n = insertChunk(rows.length - i);
        const params: unknown[] = [];
        for (const row of rows.slice(i, i + n)) for (const column of COLUMNS) params.push(row[column]);
        await trx.executeQuery(CompiledQuery.raw(this.#insertSql(trx, n), params));
        i += n;
      }
    });
  }

  /** The SQL of an n-row insert, built by kysely once per size (building 256 rows costs more than running them). */
  #insertSql(db: Kysely<Database>, n: number): string {
    let text = this.#sql.get(n);
    if (text === undefined) {
      const placeholder = Object.fromEntries(COLUMNS.map((c) => [c, c === 'date' ? 0 : ''])) as unknown as Auth0LogsTable;
      const compiled = db
        .insertInto('auth0_logs')
        .values(Array.from({ length: n }, () => placeholder))
        .onConflict((oc) => oc.column('log_id').doNothing())
        .compile();
      if (compiled.parameters.length !== n * COLUMNS.length) throw new Error(`log insert binds ${compiled.parameters.length} parameters, not ${n * COLUMNS.length}`);
      this.#sql.set(n, (text = compiled.sql));
    }
    return text;
  }

  async find(logId: string): Promise<LogEvent | undefined> {
    const row = await this.storage.db.selectFrom('auth0_logs').select('body').where('log_id', '=', logId).executeTakeFirst();
    return row && toEvent(row);
  }

  /** Throws SearchFieldError for unknown fields or mistyped values. */
  async search(s: LogSearch): Promise<{ logs: LogEvent[]; total?: number }> {
    const where = queryToSql(s.query, (f) => (Object.hasOwn(FIELDS, f) ? FIELDS[f] : undefined), BARE, this.storage.dialect);
    let q = this.storage.db.selectFrom('auth0_logs');
    if (where) q = q.where(where);
    const dir = s.ascending ? 'asc' : 'desc';
    const rows = await q.select('body').orderBy('date', dir).orderBy('log_id', dir).offset(s.offset).limit(s.limit).execute();
    if (!s.withTotal) return { logs: rows.map(toEvent) };
    const count = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { logs: rows.map(toEvent), total: Number(count.n) };
  }

  /** Checkpoint paging: events after `from` (by log_id, ascending), or the latest `take` without it. */
  async page(from: string | undefined, take: number): Promise<LogEvent[]> {
    if (from === undefined) {
      const rows = await this.storage.db.selectFrom('auth0_logs').select('body').orderBy('log_id', 'desc').limit(take).execute();
      return rows.map(toEvent).reverse();
    }
    const rows = await this.storage.db.selectFrom('auth0_logs').select('body').where('log_id', '>', from).orderBy('log_id', 'asc').limit(take).execute();
    return rows.map(toEvent);
  }
}
