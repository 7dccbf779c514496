import { CompiledQuery, type Compilable, type Kysely, type Selectable } from 'kysely';
import type {
  IdentityPoolRecord,
  IdentityPoolRepository,
  IdentityRecord,
  IdentityRepository,
  IdentityTx,
  LinkedLogin,
  ListCursor,
  LoginKey,
  PoolConfig,
  PoolRoles,
  PrincipalTagMap,
  UpdateOutcome,
} from '../../core/federation/ports.js';
import { isUniqueViolation, type Dialect, type Storage } from '../database.js';
import type { Database, IdentitiesTable, IdentityLoginsTable } from '../schema.js';
import { GroupCommit } from './group-commit.js';

const toIdentity = (r: Selectable<IdentitiesTable>): IdentityRecord => ({
  id: r.id,
  poolId: r.pool_id,
  authenticated: r.authenticated === 1,
  mergedInto: r.merged_into,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toLogin = (r: Selectable<IdentityLoginsTable>): LinkedLogin => ({ provider: r.provider, subject: r.subject, identityId: r.identity_id, createdAt: r.created_at });

/**
 * A hot query compiled by kysely once per dialect and re-run with new parameters: building and
 * compiling cost more than the database spends on these indexed lookups. `build` gets
 * placeholder values; `rows` binds its parameters in the same order.
 */
class Precompiled<R> {
  readonly #sql = new Map<Dialect, string>();

  constructor(private readonly build: (db: Kysely<Database>) => Compilable<R>) {}

  async rows(db: Kysely<Database>, dialect: Dialect, parameters: unknown[]): Promise<R[]> {
    let text = this.#sql.get(dialect);
    if (text === undefined) {
      const compiled = this.build(db).compile();
      if (compiled.parameters.length !== parameters.length) throw new Error(`precompiled query binds ${compiled.parameters.length} parameters, not ${parameters.length}`);
      this.#sql.set(dialect, (text = compiled.sql));
    }
    return (await db.executeQuery<R>(CompiledQuery.raw(text, parameters) as CompiledQuery<R>)).rows;
  }
}

/** One login by its primary key (pool, provider, subject): GetId's lookup. */
const oneLogin = new Precompiled((db) =>
  db.selectFrom('identity_logins').selectAll().where('pool_id', '=', '').where('provider', '=', '').where('subject', '=', ''),
);

/** An identity with its logins, one row per login (GetCredentialsForIdentity's lookup). */
const identityWithLogins = new Precompiled((db) =>
  db
    .selectFrom('identities')
    .leftJoin('identity_logins', 'identity_logins.identity_id', 'identities.id')
    .selectAll('identities')
    .select(['identity_logins.provider', 'identity_logins.subject', 'identity_logins.created_at as login_created_at'])
    .where('identities.id', '=', ''),
);

const insertIdentityRow = new Precompiled((db) =>
  db.insertInto('identities').values({ id: '', pool_id: '', authenticated: 0, merged_into: null, created_at: 0, updated_at: 0 }),
);

const insertOneLogin = new Precompiled((db) =>
  db.insertInto('identity_logins').values({ pool_id: '', provider: '', subject: '', identity_id: '', created_at: 0 }),
);

function findLogins(db: Kysely<Database>, dialect: Dialect, poolId: string, keys: LoginKey[]): Promise<Selectable<IdentityLoginsTable>[]> {
  if (keys.length === 0) return Promise.resolve([]);
  if (keys.length === 1) return oneLogin.rows(db, dialect, [poolId, keys[0]!.provider, keys[0]!.subject]);
  return db
    .selectFrom('identity_logins')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where((eb) => eb.or(keys.map((k) => eb.and([eb('provider', '=', k.provider), eb('subject', '=', k.subject)]))))
    .execute();
}

function loginsOf(db: Kysely<Database>, ids: string[]): Promise<Selectable<IdentityLoginsTable>[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('identity_logins').selectAll().where('identity_id', 'in', ids).orderBy('created_at').orderBy('provider').execute();
}

/** Identity pools and principal-tag maps (aws-apis.md §1.2). */
export class KyselyIdentityPoolRepository implements IdentityPoolRepository {
  constructor(private readonly storage: Storage) {}

  create(pool: IdentityPoolRecord, maxPools: number): Promise<boolean> {
    return this.storage.transaction(async (trx) => {
      const { n } = await trx.selectFrom('identity_pools').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      if (Number(n) >= maxPools) return false;
      await trx
        .insertInto('identity_pools')
        .values({ id: pool.id, name: pool.config.name, config: JSON.stringify(pool.config), roles: JSON.stringify(pool.roles), created_at: pool.createdAt, updated_at: pool.updatedAt })
        .execute();
      return true;
    });
  }

  async get(id: string): Promise<IdentityPoolRecord | undefined> {
    const r = await this.storage.db.selectFrom('identity_pools').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    return { id: r.id, config: JSON.parse(r.config) as PoolConfig, roles: JSON.parse(r.roles) as PoolRoles, createdAt: r.created_at, updatedAt: r.updated_at };
  }

  list(limit: number, afterId?: string): Promise<{ id: string; name: string }[]> {
    let q = this.storage.db.selectFrom('identity_pools').select(['id', 'name']).orderBy('id').limit(limit);
    if (afterId !== undefined) q = q.where('id', '>', afterId);
    return q.execute();
  }

  updateConfig(id: string, config: PoolConfig, expected: number, now: number): Promise<UpdateOutcome> {
    return this.#update(id, { name: config.name, config: JSON.stringify(config) }, expected, now);
  }

  updateRoles(id: string, roles: PoolRoles, expected: number, now: number): Promise<UpdateOutcome> {
    return this.#update(id, { roles: JSON.stringify(roles) }, expected, now);
  }

  async #update(id: string, set: { name?: string; config?: string; roles?: string }, expected: number, now: number): Promise<UpdateOutcome> {
    const result = await this.storage.db
      .updateTable('identity_pools')
      .set({ ...set, updated_at: Math.max(now, expected + 1) })
      .where('id', '=', id)
      .where('updated_at', '=', expected)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return 'updated';
    const exists = await this.storage.db.selectFrom('identity_pools').select('id').where('id', '=', id).executeTakeFirst();
    return exists ? 'conflict' : 'missing';
  }

  async delete(id: string): Promise<boolean> {
    // identities, identity_logins and principal_tag_maps follow by ON DELETE CASCADE.
    const result = await this.storage.db.deleteFrom('identity_pools').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getPrincipalTagMap(poolId: string, provider: string): Promise<PrincipalTagMap | undefined> {
    const r = await this.storage.db.selectFrom('principal_tag_maps').selectAll().where('pool_id', '=', poolId).where('provider', '=', provider).executeTakeFirst();
    return r && { useDefaults: r.use_defaults === 1, tags: JSON.parse(r.tags) as Record<string, string> };
  }

  async putPrincipalTagMap(poolId: string, provider: string, map: PrincipalTagMap): Promise<void> {
    const values = { use_defaults: map.useDefaults ? 1 : 0, tags: JSON.stringify(map.tags) };
    await this.storage.db
      .insertInto('principal_tag_maps')
      .values({ pool_id: poolId, provider, ...values })
      .onConflict((oc) => oc.columns(['pool_id', 'provider']).doUpdateSet(values))
      .execute();
  }
}

/** Identities and their linked logins; every link/merge runs in one transaction (§1.5). */
export class KyselyIdentityRepository implements IdentityRepository {
  readonly #batches: GroupCommit<IdentityTx> | undefined;

  constructor(private readonly storage: Storage) {
    // SQLite commits one transaction at a time, each with its own fsync: concurrent sign-ins
    // creating identities share one commit instead. PostgreSQL already commits in parallel.
    this.#batches = storage.dialect === 'sqlite' ? new GroupCommit(storage, (trx): IdentityTx => new KyselyIdentityTx(trx, storage.dialect)) : undefined;
  }

  async insertGuest(identity: IdentityRecord): Promise<void> {
    if (this.#batches) return this.#batches.run((tx) => tx.insertIdentity(identity));
    await this.storage.db.insertInto('identities').values(identityRow(identity)).execute();
  }

  async get(id: string): Promise<IdentityRecord | undefined> {
    const r = await this.storage.db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toIdentity(r);
  }

  async getWithLogins(id: string): Promise<{ identity: IdentityRecord; logins: LinkedLogin[] } | undefined> {
    const rows = await identityWithLogins.rows(this.storage.db, this.storage.dialect, [id]);
    const first = rows[0];
    if (!first) return undefined;
    const logins: LinkedLogin[] = [];
    for (const r of rows) {
      if (r.provider !== null && r.subject !== null) logins.push({ provider: r.provider, subject: r.subject, identityId: id, createdAt: r.login_created_at ?? 0 });
    }
    return { identity: toIdentity(first), logins };
  }

  async findLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[]> {
    return (await findLogins(this.storage.db, this.storage.dialect, poolId, keys)).map(toLogin);
  }

  async peekLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[] | undefined> {
    return this.#batches?.busy ? undefined : this.findLogins(poolId, keys);
  }

  async loginsOf(identityIds: string[]): Promise<LinkedLogin[]> {
    return (await loginsOf(this.storage.db, identityIds)).map(toLogin);
  }

  async list(poolId: string, limit: number, after: ListCursor | undefined, hideDisabled: boolean): Promise<IdentityRecord[]> {
    let q = this.storage.db.selectFrom('identities').selectAll().where('pool_id', '=', poolId);
    if (after) q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
    if (hideDisabled) q = q.where('merged_into', 'is', null);
    return (await q.orderBy('created_at').orderBy('id').limit(limit).execute()).map(toIdentity);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.storage.db.deleteFrom('identities').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async transact<T>(fn: (tx: IdentityTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.#batches) return await this.#batches.run(fn);
        return await this.storage.transaction((trx) => fn(new KyselyIdentityTx(trx, this.storage.dialect)));
      } catch (e) {
        // A racing request linked the same login first (or PostgreSQL picked us as a deadlock
        // victim): re-run, so this request reads and joins what the winner committed.
        if (attempt < 5 && (isUniqueViolation(e) || isRetryable(e))) continue;
        throw e;
      }
    }
  }
}

const isRetryable = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001' || code === 'SQLITE_BUSY';
};

const identityRow = (i: IdentityRecord): IdentitiesTable => ({
  id: i.id,
  pool_id: i.poolId,
  authenticated: i.authenticated ? 1 : 0,
  merged_into: i.mergedInto,
  created_at: i.createdAt,
  updated_at: i.updatedAt,
});

class KyselyIdentityTx implements IdentityTx {
  constructor(
    private readonly trx: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async identities(ids: string[]): Promise<IdentityRecord[]> {
    if (ids.length === 0) return [];
    const q = this.trx.selectFrom('identities').selectAll().where('id', 'in', ids).orderBy('id');
    // SQLite's BEGIN IMMEDIATE already holds the write lock; PostgreSQL locks the rows.
    return (await (this.dialect === 'postgres' ? q.forUpdate() : q).execute()).map(toIdentity);
  }

  async findLogins(poolId: string, keys: LoginKey[]): Promise<LinkedLogin[]> {
    return (await findLogins(this.trx, this.dialect, poolId, keys)).map(toLogin);
  }

  async loginsOf(identityIds: string[]): Promise<LinkedLogin[]> {
    return (await loginsOf(this.trx, identityIds)).map(toLogin);
  }

  async insertIdentity(i: IdentityRecord): Promise<void> {
    await insertIdentityRow.rows(this.trx, this.dialect, [i.id, i.poolId, i.authenticated ? 1 : 0, i.mergedInto, i.createdAt, i.updatedAt]);
  }

  async insertLogins(poolId: string, identityId: string, keys: LoginKey[], now: number): Promise<void> {
    if (keys.length === 0) return;
    if (keys.length === 1) {
      await insertOneLogin.rows(this.trx, this.dialect, [poolId, keys[0]!.provider, keys[0]!.subject, identityId, now]);
      return;
    }
    await this.trx
      .insertInto('identity_logins')
      .values(keys.map((k) => ({ pool_id: poolId, provider: k.provider, subject: k.subject, identity_id: identityId, created_at: now })))
      .execute();
  }

  async moveLogins(poolId: string, from: string[], to: string): Promise<void> {
    if (from.length === 0) return;
    await this.trx.updateTable('identity_logins').set({ identity_id: to }).where('pool_id', '=', poolId).where('identity_id', 'in', from).execute();
  }

  async markMerged(ids: string[], into: string, now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.trx
      .updateTable('identities')
      .set({ merged_into: into, updated_at: now })
      .where('id', 'in', ids)
      .execute();
  }

  async touch(id: string, now: number, authenticated: boolean): Promise<void> {
    await this.trx.updateTable('identities').set(authenticated ? { updated_at: now, authenticated: 1 } : { updated_at: now }).where('id', '=', id).execute();
  }

  async deleteLogins(poolId: string, identityId: string, keys: LoginKey[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await this.trx
      .deleteFrom('identity_logins')
      .where('pool_id', '=', poolId)
      .where('identity_id', '=', identityId)
      .where((eb) => eb.or(keys.map((k) => eb.and([eb('provider', '=', k.provider), eb('subject', '=', k.subject)]))))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
