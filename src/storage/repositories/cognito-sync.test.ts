import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { DatasetService } from '../../core/sync/dataset-service.js';
import type { SyncDeps } from '../../core/sync/identities.js';
import { PoolService } from '../../core/sync/pool-service.js';
import { PushService } from '../../core/sync/push-service.js';
import { PushSyncFanout } from '../../core/sync/push-sync.js';
import { RecordService } from '../../core/sync/record-service.js';
import { SyncTokens } from '../../core/sync/tokens.js';
import type { Storage } from '../database.js';
import { createSyncRepository } from './cognito-sync.js';
import { KyselyOutboxQueue } from './cognito-sync-pools.js';

const key = { kid: '1', key: randomBytes(32) };
const region = 'us-east-1';

const GCM_APP = 'arn:aws:sns:us-east-1:123456789012:app/GCM/App';
const APNS_APP = 'arn:aws:sns:us-east-1:123456789012:app/APNS/App';

function services(storage: Storage) {
  const warnings: object[] = [];
  const webhookTargets = new Set(['stream-1', GCM_APP]);
  const log = { warn: (o: object) => void warnings.push(o), debug: () => undefined };
  const deps: SyncDeps = {
    repo: createSyncRepository(storage),
    tokens: new SyncTokens(async () => [key]),
    region,
    webhookTargets,
    pushSync: new PushSyncFanout(webhookTargets, log),
    onEnqueued: () => undefined,
  };
  return { deps, warnings, records: new RecordService(deps), datasets: new DatasetService(deps), pools: new PoolService(deps), push: new PushService(deps) };
}

async function newIdentity(storage: Storage, poolId?: string): Promise<{ poolId: string; identityId: string }> {
  const pool = poolId ?? `${region}:${randomUUID()}`;
  if (!poolId) await storage.db.insertInto('identity_pools').values({ id: pool, name: 'p', config: '{}', roles: '{}', created_at: 1, updated_at: 1 }).execute();
  const identityId = `${region}:${randomUUID()}`;
  await storage.db.insertInto('identities').values({ id: identityId, pool_id: pool, authenticated: 0, merged_into: null, created_at: 1, updated_at: 1 }).execute();
  return { poolId: pool, identityId };
}

const put = (k: string, v: string | undefined, syncCount: number) => ({ op: v === undefined ? ('remove' as const) : ('replace' as const), key: k, value: v, syncCount });

forEachDialect('cognito sync repository', (storage, env) => {
  let s: ReturnType<typeof services>;
  beforeAll(() => {
    s = services(storage());
  });

  it('runs the sync-count cycle: list, write, list since, stale token, delete, re-create', async () => {
    const who = await newIdentity(storage());
    const ref = { ...who, datasetName: 'Main' };
    const first = await s.records.list(ref, {});
    expect(first).toMatchObject({ datasetExists: false, datasetSyncCount: 0, records: [], deletedAfter: false, mergedDatasetNames: undefined });
    const w1 = await s.records.update({ ...ref, syncSessionToken: first.syncSessionToken, patches: [put('a', '1', 0), put('b', '2', 0)], deviceId: undefined, cognitoCaller: true }, 10);
    expect(w1.map((r) => r.syncCount)).toEqual([1, 1]);
    const second = await s.records.list(ref, { lastSyncCount: 0 });
    expect(second).toMatchObject({ datasetExists: true, datasetSyncCount: 1, lastModifiedBy: who.identityId });
    expect(second.records.map((r) => [r.key, r.value])).toEqual(expect.arrayContaining([['a', '1'], ['b', '2']]));
    await expect(s.records.update({ ...ref, syncSessionToken: first.syncSessionToken, patches: [put('c', '3', 0)], deviceId: undefined, cognitoCaller: true }, 11)).rejects.toMatchObject({ code: 'Conflict' });
    const w2 = await s.records.update({ ...ref, syncSessionToken: second.syncSessionToken, patches: [put('a', undefined, 1)], deviceId: 'dev', cognitoCaller: true }, 12);
    expect(w2).toEqual([expect.objectContaining({ key: 'a', value: null, syncCount: 2, lastModifiedBy: 'dev' })]);
    const since1 = await s.records.list(ref, { lastSyncCount: 1 });
    expect(since1.records.map((r) => [r.key, r.value, r.syncCount])).toEqual([['a', null, 2]]);
    expect((await s.datasets.describe(ref)).numRecords).toBe(1);
    expect((await s.datasets.delete(ref, 13)).numRecords).toBe(1);
    await expect(s.datasets.describe(ref)).rejects.toMatchObject({ code: 'NotFound' });
    await expect(s.datasets.delete(ref, 13)).rejects.toMatchObject({ code: 'NotFound' });
    expect(await s.records.list(ref, { lastSyncCount: 2 })).toMatchObject({ datasetExists: false, deletedAfter: true, datasetSyncCount: 3, records: [] });
    const fresh = await s.records.list(ref, { lastSyncCount: 0 });
    expect(fresh).toMatchObject({ datasetExists: false, deletedAfter: false, datasetSyncCount: 3 });
    const w3 = await s.records.update({ ...ref, syncSessionToken: fresh.syncSessionToken, patches: [put('a', 'again', 0)], deviceId: undefined, cognitoCaller: true }, 14);
    expect(w3[0]!.syncCount).toBe(4);
    expect(await s.records.list(ref, { lastSyncCount: 2 })).toMatchObject({ datasetExists: true, deletedAfter: true, datasetSyncCount: 4 });
    await expect(s.records.list(ref, { lastSyncCount: 5 })).rejects.toMatchObject({ code: 'InvalidParameter', message: 'No such SyncCount: 5 exists for this Dataset' });
  });

  it('pages ListRecords on one count snapshot', async () => {
    const who = await newIdentity(storage());
    const ref = { ...who, datasetName: 'paged' };
    let token = (await s.records.list(ref, {})).syncSessionToken;
    await s.records.update({ ...ref, syncSessionToken: token, patches: ['a', 'b', 'c', 'd', 'e'].map((k) => put(k, k, 0)), deviceId: undefined, cognitoCaller: false }, 1);
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await s.records.list(ref, { maxResults: 2, nextToken: next });
      if (pages === 0) {
        // A write between pages is not part of this listing (its count is above the snapshot).
        token = (await s.records.list(ref, { lastSyncCount: 1 })).syncSessionToken;
        await s.records.update({ ...ref, syncSessionToken: token, patches: [put('z', 'z', 0)], deviceId: undefined, cognitoCaller: false }, 2);
      }
      expect(page.datasetSyncCount).toBe(1);
      seen.push(...page.records.map((r) => r.key));
      next = page.nextToken;
      pages++;
    } while (next);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('enforces 20 datasets per identity and 1,024 records per dataset', async () => {
    const who = await newIdentity(storage());
    for (let i = 0; i < 20; i++) {
      const ref = { ...who, datasetName: `ds${i}` };
      const t = (await s.records.list(ref, {})).syncSessionToken;
      await s.records.update({ ...ref, syncSessionToken: t, patches: [put('k', 'v', 0)], deviceId: undefined, cognitoCaller: false }, 1);
    }
    const ref = { ...who, datasetName: 'ds20' };
    const t = (await s.records.list(ref, {})).syncSessionToken;
    await expect(s.records.update({ ...ref, syncSessionToken: t, patches: [put('k', 'v', 0)], deviceId: undefined, cognitoCaller: false }, 1)).rejects.toMatchObject({ code: 'LimitExceeded' });
    const full = { ...who, datasetName: 'ds0' };
    const t2 = (await s.records.list(full, { lastSyncCount: 1 })).syncSessionToken;
    const patches = Array.from({ length: 1023 }, (_, i) => put(`r${i}`, 'v', 0));
    await s.records.update({ ...full, syncSessionToken: t2, patches, deviceId: undefined, cognitoCaller: false }, 2);
    const t3 = (await s.records.list(full, { lastSyncCount: 2 })).syncSessionToken;
    await expect(s.records.update({ ...full, syncSessionToken: t3, patches: [put('one-more', 'v', 0)], deviceId: undefined, cognitoCaller: false }, 3)).rejects.toMatchObject({ code: 'LimitExceeded' });
    expect((await s.datasets.list(who.poolId, who.identityId, {})).datasets).toHaveLength(20);
    const bytes = 20 * 2 + patches.reduce((n, p) => n + p.key.length + 1, 0);
    expect(await s.datasets.identityUsage(who.poolId, who.identityId)).toMatchObject({ datasetCount: 20, dataStorage: bytes });
  });

  it('lets exactly one of two racing writers with the same token win', async () => {
    // PostgreSQL: two pools, so truly concurrent transactions. SQLite: better-sqlite3 is
    // synchronous, so a second connection in the same process would block the event loop on the
    // file lock; one process has one connection (cross-process races are in the e2e tests).
    const other = env.dialect === 'postgres' ? await env.database().open() : storage();
    const s2 = services(other);
    const who = await newIdentity(storage());
    const ref = { ...who, datasetName: 'race' };
    for (let round = 0; round < 5; round++) {
      const listed = await s.records.list(ref, { lastSyncCount: round });
      const results = await Promise.allSettled([
        s.records.update({ ...ref, syncSessionToken: listed.syncSessionToken, patches: [put('k', `a${round}`, round)], deviceId: 'a', cognitoCaller: false }, 1),
        s2.records.update({ ...ref, syncSessionToken: listed.syncSessionToken, patches: [put('k', `b${round}`, round)], deviceId: 'b', cognitoCaller: false }, 1),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(['Conflict']);
    }
    expect((await s.datasets.describe(ref))).toMatchObject({ numRecords: 1 });
    expect((await s.records.list(ref, {})).datasetSyncCount).toBe(5);
  });

  it('turns datasets of a merged-away identity into merged copies of the survivor', async () => {
    const survivor = await newIdentity(storage());
    const merged = await newIdentity(storage(), survivor.poolId);
    const ref = { ...merged, datasetName: 'Main' };
    const t = (await s.records.list(ref, {})).syncSessionToken;
    await s.records.update({ ...ref, syncSessionToken: t, patches: [put('k', 'old', 0)], deviceId: undefined, cognitoCaller: false }, 1);
    await storage().db.updateTable('identities').set({ merged_into: survivor.identityId }).where('id', '=', merged.identityId).execute();
    const copy = `Main.${merged.identityId}`;
    const main = await s.records.list({ ...survivor, datasetName: 'Main' }, {});
    expect(main.mergedDatasetNames).toEqual([copy]);
    expect((await s.records.list({ ...survivor, datasetName: copy }, {})).records.map((r) => r.value)).toEqual(['old']);
    expect((await s.datasets.list(survivor.poolId, survivor.identityId, {})).datasets.map((d) => d.name)).toEqual([copy]);
    await s.datasets.delete({ ...survivor, datasetName: copy }, 2);
    expect((await s.records.list({ ...survivor, datasetName: 'Main' }, {})).mergedDatasetNames).toBeUndefined();
    await expect(s.records.update({ ...ref, syncSessionToken: t, patches: [put('k', 'x', 1)], deviceId: undefined, cognitoCaller: false }, 3)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('writes push sync deliveries for the other subscribed devices in the transaction of the change', async () => {
    const who = await newIdentity(storage());
    const ref = { ...who, datasetName: 'Main' };
    const pushRows = async () =>
      (await storage().db.selectFrom('sync_outbox').select(['kind', 'target', 'payload']).where('pool_id', '=', who.poolId).where('kind', '=', 'PushSync').orderBy('created_at').execute()).map((r) => ({
        target: r.target,
        body: JSON.parse(r.payload) as Record<string, unknown>,
      }));
    const sync = async (deviceId: string | undefined, at: number) => {
      const listed = await s.records.list(ref, { lastSyncCount: (await s.records.list(ref, {})).datasetSyncCount });
      await s.records.update({ ...ref, syncSessionToken: listed.syncSessionToken, patches: [put(`k${at}`, 'v', 0)], deviceId, cognitoCaller: true }, at);
    };
    await s.pools.setConfig(who.poolId, { PushSync: { ApplicationArns: [APNS_APP, GCM_APP], RoleArn: 'arn:aws:iam::123456789012:role/push' } });
    const [a, b, c, d] = await Promise.all(
      [['GCM', 'tok-a'], ['GCM', 'tok-b'], ['APNS', 'tok-c'], ['GCM', 'tok-d']].map(([platform, token]) => s.push.register(who.poolId, who.identityId, platform!, token!, 1)),
    );
    for (const device of [a!, b!, c!]) await s.push.subscribe(ref, device, 1);
    await s.push.subscribe({ ...ref, datasetName: 'Other' }, d!, 1);
    expect((await s.deps.repo.pools.subscribers(who.identityId, 'Main')).map((x) => x.token).sort()).toEqual(['tok-a', 'tok-b', 'tok-c']);

    await sync(a, 10); // A wrote: B is told (GCM app mapped), C is not (its APNS app has no webhook), D is not subscribed
    expect(await pushRows()).toEqual([
      {
        target: GCM_APP,
        body: {
          eventType: 'PushSync',
          applicationArn: GCM_APP,
          platform: 'GCM',
          token: 'tok-b',
          deviceId: b,
          identityPoolId: who.poolId,
          identityId: who.identityId,
          datasetName: 'Main',
          syncCount: 1,
          data: { source: 'cognito-sync', identityPoolId: who.poolId, identityId: who.identityId, datasetName: 'Main', syncCount: '1' },
        },
      },
    ]);
    await s.push.unsubscribe(ref, b!);
    await sync(a, 11);
    expect(await pushRows()).toHaveLength(1);
    await sync(undefined, 12); // no DeviceId: every subscriber, A included
    await s.datasets.delete(ref, 13);
    expect((await pushRows()).slice(1).map((r) => [r.body.token, r.body.syncCount])).toEqual([['tok-a', 3], ['tok-a', 4]]);
    expect(s.warnings.filter((w) => JSON.stringify(w).includes(APNS_APP))).toHaveLength(1);
  });

  it('writes stream deliveries in the same transaction and leases each to one claimer', async () => {
    const who = await newIdentity(storage());
    await s.pools.setConfig(who.poolId, { CognitoStreams: { StreamName: 'stream-1', RoleArn: 'arn:aws:iam::123456789012:role/r' } });
    await expect(s.pools.setConfig(who.poolId, { CognitoStreams: { StreamName: 'unmapped' } })).rejects.toMatchObject({ code: 'InvalidParameter' });
    const ref = { ...who, datasetName: 'streamed' };
    const t = (await s.records.list(ref, {})).syncSessionToken;
    await s.records.update({ ...ref, syncSessionToken: t, patches: [put('k', 'v', 0)], deviceId: undefined, cognitoCaller: false }, 1);
    const other = await env.database().open();
    const [q1, q2] = [new KyselyOutboxQueue(storage()), new KyselyOutboxQueue(other)];
    const now = Date.now() + 60_000;
    const [a, b] = await Promise.all([q1.claim('one', now, 30_000, 100), q2.claim('two', now, 30_000, 100)]);
    const mine = [...a, ...b].filter((d) => d.poolId === who.poolId);
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0]!.payload)).toMatchObject({ identityId: who.identityId, dataSetName: 'streamed', syncCount: 1 });
    const owner = a.some((d) => d.id === mine[0]!.id) ? 'one' : 'two';
    await q1.fail(mine[0]!.id, owner === 'one' ? 'two' : 'one', 0, 'not the owner', false); // ignored
    await q1.complete(mine[0]!.id, owner);
    expect(await storage().db.selectFrom('sync_outbox').select('id').where('id', '=', mine[0]!.id).execute()).toEqual([]);
    for (const d of [...a, ...b]) if (d.id !== mine[0]!.id) await q1.complete(d.id, a.includes(d) ? 'one' : 'two');
    expect(await s.pools.usage(who.poolId)).toMatchObject({ datasetCount: 1, dataStorage: 2, syncSessions: 1 });
  });
});
