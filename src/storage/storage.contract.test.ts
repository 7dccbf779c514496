/**
 * The storage contract: what every repository may rely on, on embedded SQLite and on
 * PostgreSQL alike. One suite, run on both dialects by forEachDialect.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { createTestDatabase, forEachDialect, runInChildProcess, runInChildProcesses, type ChildContext } from '../../test/support/storage.js';
import { isUniqueViolation, openStorage, type Storage } from './database.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

type TableName = Exclude<keyof Database, `_${string}`>;

/** Every table of schema.ts: the migrations must create each. */
const ALL_TABLES = [
  'keys',
  'oidc_providers',
  'roles',
  'role_policies',
  'managed_policies',
  'policy_versions',
  'role_attached_policies',
  'identity_pools',
  'identities',
  'identity_logins',
  'principal_tag_maps',
  'auth0_tenant',
  'auth0_clients',
  'auth0_connections',
  'auth0_users',
  'auth0_resource_servers',
  'auth0_client_grants',
  'auth0_login_failures',
  'auth0_ip_attempts',
  'auth0_oidc_payloads',
  'auth0_logs',
  'sync_datasets',
  'sync_records',
  'sync_pool_config',
  'sync_devices',
  'sync_subscriptions',
  'sync_outbox',
] as const satisfies readonly TableName[];

// Compile-time guard: a table added to schema.ts but not listed above fails the typecheck.
type Unlisted = Exclude<TableName, (typeof ALL_TABLES)[number]>;
const everyTableListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** The foundation tables (0001_initial), in foreign-key order (parents first): full-row round trips. */
const TABLES = [
  'keys',
  'oidc_providers',
  'roles',
  'role_policies',
  'managed_policies',
  'policy_versions',
  'role_attached_policies',
  'identity_pools',
  'identities',
  'identity_logins',
  'principal_tag_maps',
] as const satisfies readonly TableName[];
type CoreTable = (typeof TABLES)[number];

const BIG = Number.MAX_SAFE_INTEGER; // 2^53 - 1: the largest epoch-ms value that must survive exactly

/** One full row (every column, nulls included) of every foundation table, linked by foreign keys. */
function sampleRows(tag: string): { [K in CoreTable]: Insertable<Database[K]> } {
  const now = 1_700_000_000_123;
  const pool = `us-east-1:pool-${tag}`;
  const role = `R${tag}`;
  const policy = `arn:aws:iam::000000000000:policy/p-${tag}`;
  return {
    keys: { id: `jwt/${tag}`, purpose: 'jwt', kid: `kid-${tag}`, status: 'current', sealed: 'c2VhbGVk', created_at: BIG, rotated_at: null },
    oidc_providers: {
      arn: `arn:aws:iam::000000000000:oidc-provider/idp.example.com/${tag}`,
      url: `idp.example.com/${tag}`,
      client_ids: '["a","b"]',
      thumbprints: '[]',
      tags: '[{"Key":"k","Value":"ü ✓"}]',
      created_at: now,
    },
    roles: {
      role_id: role,
      name_key: `role-${tag}`.toLowerCase(),
      role_name: `Role-${tag}`,
      path: '/app/',
      arn: `arn:aws:iam::000000000000:role/app/Role-${tag}`,
      assume_role_policy: '{"Version":"2012-10-17","Statement":[]}',
      description: null,
      max_session_duration: 43_200,
      permissions_boundary: null,
      tags: '[]',
      created_at: now,
    },
    role_policies: { role_id: role, policy_name: 'inline', document: '{"Statement":[]}' },
    managed_policies: {
      arn: policy,
      policy_id: `P${tag}`,
      policy_name: `p-${tag}`,
      path: '/',
      description: 'described',
      default_version_id: 'v1',
      next_version: 2,
      tags: '[]',
      created_at: now,
      updated_at: now + 1,
    },
    policy_versions: { policy_arn: policy, version_id: 'v1', document: '{"Statement":[]}', created_at: now },
    role_attached_policies: { role_id: role, policy_arn: policy },
    identity_pools: { id: pool, name: `pool ${tag}`, config: '{}', roles: '{}', created_at: now, updated_at: now },
    identities: { id: `us-east-1:id-${tag}`, pool_id: pool, authenticated: 1, merged_into: null, created_at: now, updated_at: BIG },
    identity_logins: { pool_id: pool, provider: 'idp.example.com/realm', subject: `sub-${tag}`, identity_id: `us-east-1:id-${tag}`, created_at: now },
    principal_tag_maps: { pool_id: pool, provider: 'idp.example.com/realm', use_defaults: 0, tags: '{"team":"dev"}' },
  };
}

function insertAll(db: Kysely<Database>, rows: ReturnType<typeof sampleRows>): Promise<void> {
  return TABLES.reduce<Promise<void>>(async (previous, table) => {
    await previous;
    await db.insertInto(table).values(rows[table] as never).execute();
  }, Promise.resolve());
}

let unique = 0;
const tag = (): string => `${process.pid}x${++unique}`;

const pool = (id: string, updatedAt = 0): Insertable<Database['identity_pools']> => ({
  id,
  name: id,
  config: '{}',
  roles: '{}',
  created_at: 1,
  updated_at: updatedAt,
});

const identity = (id: string, poolId: string): Insertable<Database['identities']> => ({
  id,
  pool_id: poolId,
  authenticated: 0,
  merged_into: null,
  created_at: 1,
  updated_at: 1,
});

async function poolIds(db: Kysely<Database>, ids: string[]): Promise<string[]> {
  const rows = await db.selectFrom('identity_pools').select('id').where('id', 'in', ids).orderBy('id').execute();
  return rows.map((r) => r.id);
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the operation to fail');
}

/**
 * `times` read-modify-write increments of identity_pools.updated_at, all started at once, each
 * in its own transaction: read (FOR UPDATE on PostgreSQL; SQLite's transaction holds the write
 * lock from BEGIN IMMEDIATE), yield to let the others run, write back read + 1. Without the
 * lock, increments are lost. Self-contained: also runs in child processes.
 */
async function increment(storage: Storage, ctx: ChildContext<{ poolId: string; times: number }>): Promise<number> {
  const { poolId, times } = ctx.args;
  const once = (): Promise<void> =>
    storage.transaction(async (trx) => {
      let read = trx.selectFrom('identity_pools').select('updated_at').where('id', '=', poolId);
      if (storage.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirstOrThrow();
      await new Promise((resolve) => setTimeout(resolve, 1));
      await trx.updateTable('identity_pools').set({ updated_at: row.updated_at + 1 }).where('id', '=', poolId).execute();
    });
  await Promise.all(Array.from({ length: times }, once));
  return times;
}

async function counter(db: Kysely<Database>, poolId: string): Promise<number> {
  const row = await db.selectFrom('identity_pools').select('updated_at').where('id', '=', poolId).executeTakeFirstOrThrow();
  return row.updated_at;
}

forEachDialect('storage contract', (storage, env) => {
  it('applies every migration once; opening again is a no-op', async () => {
    await env.database().open(); // second open: Migrator finds nothing pending (closed by the fixture)
    const third = await openStorage(env.database().options);
    await third.close();

    const applied = await sql<{ name: string }>`select name from cognate_migrations order by name`.execute(storage().db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });

  it('several processes opening a fresh database at once all succeed (migrations run once)', async () => {
    const fresh = await createTestDatabase(env.dialect);
    try {
      const counts = await runInChildProcesses(4, fresh.options, async (s) => (await s.db.selectFrom('keys').selectAll().execute()).length, () => null);
      expect(counts).toEqual([0, 0, 0, 0]);
      const check = await fresh.open();
      const applied = await sql<{ name: string }>`select name from cognate_migrations order by name`.execute(check.db);
      expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
    } finally {
      await fresh.destroy();
    }
  });

  it('creates every table of schema.ts', async () => {
    expect(everyTableListed).toBe(true);
    const tables = (await storage().db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining([...ALL_TABLES]));
    for (const table of ALL_TABLES) {
      await expect(storage().db.selectFrom(table).selectAll().limit(1).execute(), table).resolves.toBeInstanceOf(Array);
    }
  });

  it('round-trips a full row of every foundation table exactly (BIGINT epoch ms as number, nulls, unicode JSON text)', async () => {
    const rows = sampleRows(tag());
    await insertAll(storage().db, rows);
    for (const table of TABLES) {
      const stored = await storage().db.selectFrom(table).selectAll().execute();
      expect(stored, table).toContainEqual(rows[table]);
    }
    const key = await storage().db.selectFrom('keys').selectAll().where('id', '=', rows.keys.id).executeTakeFirstOrThrow();
    expect(typeof key.created_at).toBe('number');
    expect(key.created_at).toBe(BIG);
    expect(key.rotated_at).toBeNull();
  });

  it('compares and aggregates BIGINT as numbers', async () => {
    const t = tag();
    const ids = [0, 2 ** 31, 2 ** 40, BIG].map((at, i) => ({ ...pool(`cmp-${t}-${i}`, at) }));
    await storage().db.insertInto('identity_pools').values(ids).execute();
    const big = await storage()
      .db.selectFrom('identity_pools')
      .select('id')
      .where('id', 'like', `cmp-${t}-%`)
      .where('updated_at', '>', 2 ** 32)
      .orderBy('updated_at')
      .execute();
    expect(big.map((r) => r.id)).toEqual([`cmp-${t}-2`, `cmp-${t}-3`]);
    const agg = await storage()
      .db.selectFrom('identity_pools')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('max')])
      .where('id', 'like', `cmp-${t}-%`)
      .executeTakeFirstOrThrow();
    expect(agg).toEqual({ n: 4, max: BIG });
  });

  it('transaction commits every write and returns the callback result', async () => {
    const t = tag();
    const result = await storage().transaction(async (trx) => {
      await trx.insertInto('identity_pools').values(pool(`commit-${t}`)).execute();
      await trx.insertInto('identities').values(identity(`commit-${t}-id`, `commit-${t}`)).execute();
      const seen = await trx.selectFrom('identities').select('id').where('pool_id', '=', `commit-${t}`).execute();
      return seen.length;
    });
    expect(result).toBe(1);
    expect(await poolIds(storage().db, [`commit-${t}`])).toEqual([`commit-${t}`]);
    const other = await env.database().open(); // another connection sees the commit
    expect(await poolIds(other.db, [`commit-${t}`])).toEqual([`commit-${t}`]);
  });

  it('transaction rolls back everything when the callback throws, and rethrows the same error', async () => {
    const t = tag();
    const boom = new Error('boom');
    const error = await failureOf(
      storage().transaction(async (trx) => {
        await trx.insertInto('identity_pools').values(pool(`throw-${t}`)).execute();
        await trx.insertInto('identities').values(identity(`throw-${t}-id`, `throw-${t}`)).execute();
        throw boom;
      }),
    );
    expect(error).toBe(boom);
    expect(await poolIds(storage().db, [`throw-${t}`])).toEqual([]);
    expect(await storage().db.selectFrom('identities').select('id').where('id', '=', `throw-${t}-id`).execute()).toEqual([]);
  });

  it('a unique violation in the second insert leaves nothing half-written', async () => {
    const t = tag();
    await storage().db.insertInto('identity_pools').values(pool(`dup-${t}`)).execute();
    const error = await failureOf(
      storage().transaction(async (trx) => {
        await trx.insertInto('identity_pools').values(pool(`first-${t}`)).execute();
        await trx.insertInto('identity_pools').values(pool(`dup-${t}`)).execute();
      }),
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(await poolIds(storage().db, [`first-${t}`, `dup-${t}`])).toEqual([`dup-${t}`]);
  });

  it('a failed transaction leaves no connection inside a transaction', async () => {
    const t = tag();
    // More failures than the PostgreSQL pool has connections: each must be returned clean.
    for (let i = 0; i < 12; i++) {
      await failureOf(
        storage().transaction(async (trx) => {
          await trx.insertInto('identity_pools').values(pool(`leak-${t}-${i}`)).execute();
          await trx.insertInto('identity_pools').values(pool(`leak-${t}-${i}`)).execute();
        }),
      );
    }
    await storage().db.insertInto('identity_pools').values(pool(`after-${t}`)).execute();
    // Had a connection stayed inside BEGIN, this write would be invisible to anyone else.
    const other = await env.database().open();
    expect(await poolIds(other.db, [`after-${t}`, `leak-${t}-0`])).toEqual([`after-${t}`]);
    if (env.dialect === 'postgres') {
      const idle = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`.execute(storage().db);
      expect(idle.rows[0]?.n).toBe(0);
    }
  });

  it('uncommitted writes are invisible to another Storage until commit', async () => {
    const t = tag();
    const other = await env.database().open();
    let seenInside: string[] = ['not read'];
    await storage().transaction(async (trx) => {
      await trx.insertInto('identity_pools').values(pool(`iso-${t}`)).execute();
      seenInside = await poolIds(other.db, [`iso-${t}`]);
    });
    expect(seenInside).toEqual([]);
    expect(await poolIds(other.db, [`iso-${t}`])).toEqual([`iso-${t}`]);
  });

  it('isUniqueViolation: true for duplicate primary and unique keys, false for other failures', async () => {
    const rows = sampleRows(tag());
    await insertAll(storage().db, rows);
    const db = storage().db;
    const duplicatePk = await failureOf(db.insertInto('keys').values({ ...rows.keys, kid: 'other' }).execute());
    const duplicateCompositePk = await failureOf(db.insertInto('identity_logins').values(rows.identity_logins).execute());
    const duplicateUnique = await failureOf(
      db.insertInto('oidc_providers').values({ ...rows.oidc_providers, arn: `${rows.oidc_providers.arn}-2` }).execute(),
    );
    const duplicateRoleName = await failureOf(db.insertInto('roles').values({ ...rows.roles, role_id: `${rows.roles.role_id}-2` }).execute());
    // Unique expression index (lower(policy_name)): a different error path on SQLite.
    const duplicatePolicyName = await failureOf(
      db
        .insertInto('managed_policies')
        .values({
          ...rows.managed_policies,
          arn: `${rows.managed_policies.arn}-2`,
          policy_id: `${rows.managed_policies.policy_id}-2`,
          policy_name: rows.managed_policies.policy_name.toUpperCase(),
        })
        .execute(),
    );
    for (const e of [duplicatePk, duplicateCompositePk, duplicateUnique, duplicateRoleName, duplicatePolicyName]) {
      expect(isUniqueViolation(e)).toBe(true);
    }

    const missingParent = await failureOf(db.insertInto('identities').values(identity(`orphan-${tag()}`, 'no-such-pool')).execute());
    const notNull = await failureOf(db.insertInto('keys').values({ ...rows.keys, id: `k-${tag()}`, sealed: null as unknown as string }).execute());
    for (const e of [missingParent, notNull, new Error('x'), null, undefined, 'SQLITE_CONSTRAINT_UNIQUE', { code: 23505 }]) {
      expect(isUniqueViolation(e)).toBe(false);
    }
  });

  it('deleting an identity pool cascades to its identities, logins and tag maps only', async () => {
    const doomed = sampleRows(tag());
    const kept = sampleRows(tag());
    const db = storage().db;
    await insertAll(db, doomed);
    await insertAll(db, kept);
    const extra = identity(`${doomed.identities.id}-2`, doomed.identity_pools.id);
    await db.insertInto('identities').values(extra).execute();
    await db.insertInto('identity_logins').values({ ...doomed.identity_logins, subject: 'second', identity_id: extra.id }).execute();

    await db.deleteFrom('identity_pools').where('id', '=', doomed.identity_pools.id).execute();

    const pools = [doomed.identity_pools.id, kept.identity_pools.id];
    expect(await db.selectFrom('identities').select('id').where('pool_id', 'in', pools).execute()).toEqual([{ id: kept.identities.id }]);
    expect(await db.selectFrom('identity_logins').select('subject').where('pool_id', 'in', pools).execute()).toEqual([
      { subject: kept.identity_logins.subject },
    ]);
    expect(await db.selectFrom('principal_tag_maps').select('pool_id').where('pool_id', 'in', pools).execute()).toEqual([
      { pool_id: kept.identity_pools.id },
    ]);
  });

  it('deleting an identity removes its logins', async () => {
    const rows = sampleRows(tag());
    await insertAll(storage().db, rows);
    await storage().db.deleteFrom('identities').where('id', '=', rows.identities.id).execute();
    expect(await storage().db.selectFrom('identity_logins').select('subject').where('identity_id', '=', rows.identities.id).execute()).toEqual([]);
  });

  it('50 concurrent read-modify-write transactions on one Storage end at exactly 50', async () => {
    const poolId = `count-one-${tag()}`;
    await storage().db.insertInto('identity_pools').values(pool(poolId)).execute();
    await increment(storage(), { kysely: await import('kysely'), args: { poolId, times: 50 } });
    expect(await counter(storage().db, poolId)).toBe(50);
  });

  if (env.dialect === 'postgres') {
    // Not on SQLite: better-sqlite3 is synchronous, so a second in-process connection waiting
    // for the write lock blocks the event loop the lock holder needs to commit. SQLite's
    // concurrency unit is the process (see the next test).
    it('two Storage instances in one process: 50 concurrent increments end at exactly 50', async () => {
      const poolId = `count-two-${tag()}`;
      await storage().db.insertInto('identity_pools').values(pool(poolId)).execute();
      const [a, b] = [await env.database().open(), await env.database().open()];
      const kysely = await import('kysely');
      await Promise.all([a, b].map((s) => increment(s, { kysely, args: { poolId, times: 25 } })));
      expect(await counter(storage().db, poolId)).toBe(50);
    });
  }

  it('two processes on the same database: 50 concurrent increments end at exactly 50', async () => {
    const poolId = `count-proc-${tag()}`;
    await storage().db.insertInto('identity_pools').values(pool(poolId)).execute();
    const done = await runInChildProcesses(2, env.database().options, increment, () => ({ poolId, times: 25 }));
    expect(done).toEqual([25, 25]);
    expect(await counter(storage().db, poolId)).toBe(50);
  });

  it('another process opening the same database sees committed data', async () => {
    const rows = sampleRows(tag());
    await storage().transaction(async (trx) => insertAll(trx, rows));
    if (env.dialect === 'sqlite') {
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(storage().db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
    }
    const seen = await runInChildProcess(
      env.database().options,
      async (s, ctx) => {
        const identity = await s.db.selectFrom('identities').selectAll().where('id', '=', ctx.args.id).executeTakeFirst();
        const keys = await s.db.selectFrom('keys').select('created_at').where('id', '=', ctx.args.key).execute();
        return { identity, keys };
      },
      { id: rows.identities.id, key: rows.keys.id },
    );
    expect(seen).toEqual({ identity: rows.identities, keys: [{ created_at: BIG }] });
    // …and writes made there are visible here.
    await runInChildProcess(
      env.database().options,
      async (s, ctx) => {
        await s.transaction((trx) => trx.updateTable('identities').set({ authenticated: 0 }).where('id', '=', ctx.args.id).execute());
      },
      { id: rows.identities.id },
    );
    const after = await storage().db.selectFrom('identities').select('authenticated').where('id', '=', rows.identities.id).executeTakeFirstOrThrow();
    expect(after.authenticated).toBe(0);
  });
});
