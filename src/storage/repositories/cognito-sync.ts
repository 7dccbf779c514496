import { sql, type Kysely } from 'kysely';
import type { DatasetStore, IdentityRef, SyncRepository, SyncStores, UsageTotals } from '../../core/sync/ports.js';
import type { DatasetState, SyncRecord } from '../../core/sync/types.js';
import type { Dialect, Storage } from '../database.js';
import type { Database } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { KyselyOutboxWriter, KyselyPoolStore } from './cognito-sync-pools.js';
import { fromDataset, keyHash, RECORD_COLUMNS, toDataset, toRecord } from './cognito-sync-rows.js';
import { GroupCommit } from './group-commit.js';

// The reads every ListRecords and UpdateRecords makes, compiled once (see compiledOnce).
const identityQuery = compiledOnce(1, (db, arg) =>
  db
    .selectFrom('identities')
    .select(['id', 'pool_id', 'merged_into'])
    .select((eb) => eb.exists(eb.selectFrom('identities as m').select('m.id').whereRef('m.merged_into', '=', 'identities.id')).as('has_merged'))
    .where('id', '=', arg<string>(0)),
);
const datasetQuery = compiledOnce(2, (db, arg) => db.selectFrom('sync_datasets').selectAll().where('identity_id', '=', arg<string>(0)).where('name', '=', arg<string>(1)));
const datasetForUpdateQuery = compiledOnce(2, (db, arg) =>
  db.selectFrom('sync_datasets').selectAll().where('identity_id', '=', arg<string>(0)).where('name', '=', arg<string>(1)).forUpdate(),
);
const datasetWithCopiesQuery = compiledOnce(2, (db, arg) =>
  db
    .selectFrom('sync_datasets')
    .selectAll()
    .where('identity_id', '=', arg<string>(0))
    .where((eb) => eb.or([eb('name', '=', arg<string>(1)), eb.and([eb('merged_base', '=', arg<string>(1)), eb('deleted', '=', 0)])]))
    .orderBy('name'),
);
/** Records with SyncCount in (after, upTo], in (SyncCount, key hash) order: (identity, dataset, upTo, after, limit). */
const recordsSinceQuery = compiledOnce(5, (db, arg) =>
  db
    .selectFrom('sync_records')
    .select(RECORD_COLUMNS)
    .where('identity_id', '=', arg<string>(0))
    .where('dataset_name', '=', arg<string>(1))
    .where('sync_count', '<=', arg<number>(2))
    .where('sync_count', '>', arg<number>(3))
    .orderBy('sync_count')
    .orderBy('key_hash')
    .limit(arg<number>(4)),
);
/** The same after a position (count, key hash): (identity, dataset, upTo, count, key hash, limit). */
const recordsSinceKeyQuery = compiledOnce(6, (db, arg) =>
  db
    .selectFrom('sync_records')
    .select(RECORD_COLUMNS)
    .where('identity_id', '=', arg<string>(0))
    .where('dataset_name', '=', arg<string>(1))
    .where('sync_count', '<=', arg<number>(2))
    .where((eb) => eb.or([eb('sync_count', '>', arg<number>(3)), eb.and([eb('sync_count', '=', arg<number>(3)), eb('key_hash', '>', arg<string>(4))])]))
    .orderBy('sync_count')
    .orderBy('key_hash')
    .limit(arg<number>(5)),
);

/** Datasets and records on either dialect; bound to the pool or to one transaction. */
export class KyselyDatasetStore implements DatasetStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async identity(identityId: string): Promise<IdentityRef | undefined> {
    const [r] = await identityQuery(this.db, this.dialect, identityId);
    // EXISTS is 0/1 on SQLite, a boolean on PostgreSQL.
    return r && { id: r.id, poolId: r.pool_id, mergedInto: r.merged_into, hasMerged: Boolean(r.has_merged) };
  }

  async identitiesMergedInto(identityId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('identities').select('id').where('merged_into', '=', identityId).execute();
    return rows.map((r) => r.id);
  }

  async poolExists(poolId: string): Promise<boolean> {
    return (await this.db.selectFrom('identity_pools').select('id').where('id', '=', poolId).executeTakeFirst()) !== undefined;
  }

  async listPools(after: string | undefined, limit: number): Promise<string[]> {
    let q = this.db.selectFrom('identity_pools').select('id').orderBy('id').limit(limit);
    if (after !== undefined) q = q.where('id', '>', after);
    return (await q.execute()).map((r) => r.id);
  }

  async lockIdentity(identityId: string): Promise<void> {
    if (this.dialect === 'postgres') await this.db.selectFrom('identities').select('id').where('id', '=', identityId).forUpdate().execute();
  }

  async dataset(identityId: string, name: string, options: { forUpdate?: boolean } = {}): Promise<DatasetState | undefined> {
    const [r] = await (options.forUpdate && this.dialect === 'postgres' ? datasetForUpdateQuery : datasetQuery)(this.db, this.dialect, identityId, name);
    return r && toDataset(r);
  }

  async datasetWithCopies(identityId: string, name: string): Promise<{ dataset: DatasetState | undefined; mergedCopies: string[] }> {
    // One read of the identity's few dataset rows instead of two queries (ListRecords' hot path).
    const rows = await datasetWithCopiesQuery(this.db, this.dialect, identityId, name);
    const row = rows.find((r) => r.name === name);
    return { dataset: row && toDataset(row), mergedCopies: rows.filter((r) => r.merged_base === name && r.deleted === 0).map((r) => r.name) };
  }

  async listDatasets(identityId: string, after: string | undefined, limit: number): Promise<DatasetState[]> {
    let q = this.db.selectFrom('sync_datasets').selectAll().where('identity_id', '=', identityId).where('deleted', '=', 0).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    return (await q.execute()).map(toDataset);
  }

  async countLiveDatasets(identityId: string): Promise<number> {
    const r = await this.db.selectFrom('sync_datasets').select((eb) => eb.fn.countAll<number>().as('n')).where('identity_id', '=', identityId).where('deleted', '=', 0).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async mergedCopies(identityId: string, base: string): Promise<string[]> {
    const rows = await this.db.selectFrom('sync_datasets').select('name').where('identity_id', '=', identityId).where('merged_base', '=', base).where('deleted', '=', 0).orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  async datasetsOf(identityIds: string[]): Promise<DatasetState[]> {
    if (identityIds.length === 0) return [];
    return (await this.db.selectFrom('sync_datasets').selectAll().where('identity_id', 'in', identityIds).orderBy('identity_id').orderBy('name').execute()).map(toDataset);
  }

  async insertDataset(d: DatasetState): Promise<void> {
    await this.db.insertInto('sync_datasets').values(fromDataset(d)).execute();
  }

  async updateDataset(d: DatasetState): Promise<void> {
    // A dataset's pool is its identity's and never changes here; leaving pool_id out of the SET
    // spares SQLite rewriting its sync_datasets_pool index entry (a quarter of a write's WAL pages).
    const { identity_id, name, pool_id: _pool, ...rest } = fromDataset(d);
    await this.db.updateTable('sync_datasets').set(rest).where('identity_id', '=', identity_id).where('name', '=', name).execute();
  }

  async moveDataset(from: { identityId: string; name: string }, to: DatasetState): Promise<void> {
    // Records follow through their ON UPDATE CASCADE foreign key.
    await this.db.updateTable('sync_datasets').set(fromDataset(to)).where('identity_id', '=', from.identityId).where('name', '=', from.name).execute();
  }

  async deleteDatasetRows(identityId: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.deleteFrom('sync_datasets').where('identity_id', '=', identityId).where('name', 'in', names).execute();
  }

  async records(identityId: string, name: string, keys: string[]): Promise<SyncRecord[]> {
    const out: SyncRecord[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const hashes = keys.slice(i, i + 500).map(keyHash);
      const rows = await this.db.selectFrom('sync_records').select(RECORD_COLUMNS).where('identity_id', '=', identityId).where('dataset_name', '=', name).where('key_hash', 'in', hashes).execute();
      out.push(...rows.map(toRecord));
    }
    return out;
  }

  /** Ordered by (SyncCount, SHA-256 of the key): a stable order that indexes on both dialects. */
  async recordsSince(identityId: string, name: string, after: { count: number; key: string | null }, upTo: number, limit: number): Promise<SyncRecord[]> {
    const rows =
      after.key === null
        ? await recordsSinceQuery(this.db, this.dialect, identityId, name, upTo, after.count, limit)
        : await recordsSinceKeyQuery(this.db, this.dialect, identityId, name, upTo, after.count, keyHash(after.key), limit);
    return rows.map(toRecord);
  }

  async upsertRecords(identityId: string, name: string, records: SyncRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 200) {
      const values = records.slice(i, i + 200).map((r) => ({
        identity_id: identityId,
        dataset_name: name,
        key_hash: keyHash(r.key),
        key: r.key,
        value: r.value,
        sync_count: r.syncCount,
        last_modified_at: r.lastModifiedAt,
        last_modified_by: r.lastModifiedBy,
        device_last_modified_at: r.deviceLastModifiedAt,
      }));
      await this.db
        .insertInto('sync_records')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['identity_id', 'dataset_name', 'key_hash']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            sync_count: eb.ref('excluded.sync_count'),
            last_modified_at: eb.ref('excluded.last_modified_at'),
            last_modified_by: eb.ref('excluded.last_modified_by'),
            device_last_modified_at: eb.ref('excluded.device_last_modified_at'),
          })),
        )
        .execute();
    }
  }

  async deleteAllRecords(identityId: string, name: string): Promise<void> {
    await this.db.deleteFrom('sync_records').where('identity_id', '=', identityId).where('dataset_name', '=', name).execute();
  }

  async identityUsage(identityId: string): Promise<UsageTotals> {
    return this.#usage('identity_id', identityId);
  }

  async poolUsage(poolId: string): Promise<UsageTotals> {
    return this.#usage('pool_id', poolId);
  }

  async #usage(column: 'identity_id' | 'pool_id', value: string): Promise<UsageTotals> {
    const r = await this.db
      .selectFrom('sync_datasets')
      .where(column, '=', value)
      .select([
        sql<number>`cast(coalesce(sum(case when deleted = 0 then 1 else 0 end), 0) as bigint)`.as('datasets'),
        sql<number>`cast(coalesce(sum(case when deleted = 0 then data_storage else 0 end), 0) as bigint)`.as('bytes'),
        sql<number>`cast(coalesce(sum(sync_count), 0) as bigint)`.as('sessions'),
        sql<number | null>`max(last_modified_at)`.as('last'),
      ])
      .executeTakeFirst();
    return {
      datasetCount: Number(r?.datasets ?? 0),
      dataStorage: Number(r?.bytes ?? 0),
      syncSessions: Number(r?.sessions ?? 0),
      lastModifiedAt: r?.last === null || r?.last === undefined ? null : Number(r.last),
    };
  }

  async poolDatasets(poolId: string, after: { identityId: string; name: string } | undefined, limit: number): Promise<DatasetState[]> {
    let q = this.db.selectFrom('sync_datasets').selectAll().where('pool_id', '=', poolId).where('deleted', '=', 0).orderBy('identity_id').orderBy('name').limit(limit);
    if (after) {
      q = q.where((eb) => eb.or([eb('identity_id', '>', after.identityId), eb.and([eb('identity_id', '=', after.identityId), eb('name', '>', after.name)])]));
    }
    return (await q.execute()).map(toDataset);
  }
}

const storesOn = (db: Kysely<Database>, dialect: Dialect): SyncStores => ({
  datasets: new KyselyDatasetStore(db, dialect),
  pools: new KyselyPoolStore(db),
  outbox: new KyselyOutboxWriter(db),
});

/** The Cognito Sync repository: stores on the pool, and `transaction` (BEGIN IMMEDIATE on SQLite). */
export function createSyncRepository(storage: Storage): SyncRepository {
  // SQLite commits one transaction at a time, each with its own fsync: concurrent writes
  // (UpdateRecords above all) share one commit instead, each in its own savepoint so a unit that
  // fails (a 409) is undone alone; callers hear back only once the commit is durable.
  // PostgreSQL already commits in parallel.
  const batches = storage.dialect === 'sqlite' ? new GroupCommit(storage, (trx) => storesOn(trx, storage.dialect)) : undefined;
  return {
    ...storesOn(storage.db, storage.dialect),
    // Inside, only the stores handed to `fn` are used: touching storage.db there would deadlock SQLite.
    transaction: (fn) => (batches ? batches.run(fn) : storage.transaction((trx) => fn(storesOn(trx, storage.dialect)))),
  };
}
