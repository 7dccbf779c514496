import { sql, type Kysely } from 'kysely';
import type { OutboxQueue, OutboxWriter, PoolStore } from '../../core/sync/ports.js';
import type { ClaimedDelivery, OutboxEntry, PoolSyncConfig, SyncDevice } from '../../core/sync/types.js';
import type { Storage } from '../database.js';
import type { Database, SyncDevicesTable } from '../schema.js';

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** Per-pool Cognito Sync settings and push devices. */
export class KyselyPoolStore implements PoolStore {
  constructor(private readonly db: Kysely<Database>) {}

  async config(poolId: string): Promise<PoolSyncConfig | undefined> {
    const r = await this.db.selectFrom('sync_pool_config').selectAll().where('pool_id', '=', poolId).executeTakeFirst();
    if (!r) return undefined;
    return {
      poolId,
      pushSync: parse(r.push_sync),
      cognitoStreams: parse(r.cognito_streams),
      events: parse<Record<string, string>>(r.events) ?? {},
      bulkPublish: parse(r.bulk_publish),
    };
  }

  async putConfig(c: PoolSyncConfig): Promise<void> {
    const row = { push_sync: text(c.pushSync), cognito_streams: text(c.cognitoStreams), events: JSON.stringify(c.events), bulk_publish: text(c.bulkPublish) };
    await this.db
      .insertInto('sync_pool_config')
      .values({ pool_id: c.poolId, ...row })
      .onConflict((oc) => oc.column('pool_id').doUpdateSet(row))
      .execute();
  }

  async device(deviceId: string): Promise<SyncDevice | undefined> {
    const r = await this.db.selectFrom('sync_devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return r && toDevice(r);
  }

  async findDevice(identityId: string, platform: string, token: string): Promise<SyncDevice | undefined> {
    const r = await this.db.selectFrom('sync_devices').select('device_id').where('identity_id', '=', identityId).where('platform', '=', platform).where('token', '=', token).executeTakeFirst();
    return r ? this.device(r.device_id) : undefined;
  }

  async insertDevice(d: SyncDevice): Promise<void> {
    await this.db.insertInto('sync_devices').values({ device_id: d.deviceId, pool_id: d.poolId, identity_id: d.identityId, platform: d.platform, token: d.token, created_at: d.createdAt }).execute();
  }

  async subscribe(deviceId: string, datasetName: string, now: number): Promise<void> {
    await this.db
      .insertInto('sync_subscriptions')
      .values({ device_id: deviceId, dataset_name: datasetName, created_at: now })
      .onConflict((oc) => oc.columns(['device_id', 'dataset_name']).doNothing())
      .execute();
  }

  async unsubscribe(deviceId: string, datasetName: string): Promise<void> {
    await this.db.deleteFrom('sync_subscriptions').where('device_id', '=', deviceId).where('dataset_name', '=', datasetName).execute();
  }

  /** Through the `sync_devices_identity` index, then the subscriptions primary key. */
  async subscribers(identityId: string, datasetName: string): Promise<SyncDevice[]> {
    const rows = await this.db
      .selectFrom('sync_devices as d')
      .innerJoin('sync_subscriptions as s', 's.device_id', 'd.device_id')
      .selectAll('d')
      .where('d.identity_id', '=', identityId)
      .where('s.dataset_name', '=', datasetName)
      .orderBy('d.device_id')
      .execute();
    return rows.map(toDevice);
  }
}

// created_at is a bigint: a string from pg.
const toDevice = (r: SyncDevicesTable): SyncDevice => ({
  deviceId: r.device_id,
  poolId: r.pool_id,
  identityId: r.identity_id,
  platform: r.platform,
  token: r.token,
  createdAt: Number(r.created_at),
});

/** Outbox inserts, inside the transaction of the change. */
export class KyselyOutboxWriter implements OutboxWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(entries: OutboxEntry[], now: number): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('sync_outbox')
      .values(entries.map((e) => ({ id: e.id, kind: e.kind, target: e.target, pool_id: e.poolId, payload: e.payload, status: 'pending', attempts: 0, available_at: now, lease_owner: null, last_error: null, created_at: e.createdAt })))
      .execute();
  }
}

/**
 * The deliverers' side. A claim is one UPDATE … WHERE available_at <= now RETURNING: on
 * PostgreSQL a concurrent claimer blocks on the row lock and then re-checks the WHERE against the
 * committed lease, so it skips the row; on SQLite writers are serialized. A crashed deliverer's
 * lease simply expires and the row is claimed again (at-least-once).
 */
export class KyselyOutboxQueue implements OutboxQueue {
  constructor(private readonly storage: Storage) {}

  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const db = this.storage.db;
    const due = db.selectFrom('sync_outbox').select('id').where('status', '=', 'pending').where('available_at', '<=', now).orderBy('available_at').limit(limit);
    const rows = await db
      .updateTable('sync_outbox')
      .set({ lease_owner: owner, available_at: now + leaseMs, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', due)
      .where('status', '=', 'pending')
      .where('available_at', '<=', now)
      .returningAll()
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as ClaimedDelivery['kind'],
      target: r.target,
      poolId: r.pool_id,
      payload: r.payload,
      createdAt: Number(r.created_at),
      attempts: r.attempts,
    }));
  }

  async complete(id: string, owner: string): Promise<void> {
    await this.storage.db.deleteFrom('sync_outbox').where('id', '=', id).where('lease_owner', '=', owner).execute();
  }

  async fail(id: string, owner: string, nextAttemptAt: number, error: string, dead: boolean): Promise<void> {
    await this.storage.db
      .updateTable('sync_outbox')
      .set({ lease_owner: null, available_at: nextAttemptAt, last_error: error.slice(0, 2000), status: dead ? 'dead' : 'pending' })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async nextDue(): Promise<number | undefined> {
    const r = await this.storage.db.selectFrom('sync_outbox').select((eb) => eb.fn.min('available_at').as('due')).where('status', '=', 'pending').executeTakeFirst();
    return r?.due === null || r?.due === undefined ? undefined : Number(r.due);
  }
}
