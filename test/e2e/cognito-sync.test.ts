/**
 * Cognito Sync end to end: the real server in-process (embedded SQLite), driven only by
 * `@aws-sdk/client-cognito-sync` with credentials from `fromCognitoIdentityPool`, and by the IAM
 * and Cognito Identity clients with the root credentials for set-up (aws-apis.md §7).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BulkPublishCommand,
  DeleteDatasetCommand,
  DescribeDatasetCommand,
  DescribeIdentityPoolUsageCommand,
  DescribeIdentityUsageCommand,
  GetBulkPublishDetailsCommand,
  GetCognitoEventsCommand,
  GetIdentityPoolConfigurationCommand,
  ListDatasetsCommand,
  ListIdentityPoolUsageCommand,
  ListRecordsCommand,
  RegisterDeviceCommand,
  SetCognitoEventsCommand,
  SetIdentityPoolConfigurationCommand,
  SubscribeToDatasetCommand,
  UnsubscribeFromDatasetCommand,
  UpdateRecordsCommand,
  type CognitoSyncClient,
  type RecordPatch,
} from '@aws-sdk/client-cognito-sync';
import { CreateIdentityPoolCommand, GetOpenIdTokenForDeveloperIdentityCommand, MergeDeveloperIdentitiesCommand } from '@aws-sdk/client-cognito-identity';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncWebhookSecret } from '../../src/app/sync-webhooks.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { verifyBody } from '../../src/core/sync/webhooks/signature.js';
import { allowAll, createGuestPool, failure, guestDevice, rootClients, type Endpoint } from './cognito-sync-fixture.js';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:onSync';
const STREAM = 'sync-stream';
/** SNS platform applications mapped to webhooks: push sync picks the one of the device's platform. */
const GCM_APP = 'arn:aws:sns:us-east-1:123456789012:app/GCM/PushApp';
const APNS_SANDBOX_APP = 'arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/PushApp';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: RunningServer;
let endpoint: Endpoint;
let data: string;
let hooks: Server;
const hits: Hit[] = [];
/** Statuses the webhook receiver answers with, in order; then 200. */
const hookStatuses: number[] = [];

beforeAll(async () => {
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = hookStatuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  data = await mkdtemp(join(tmpdir(), 'cognate-sync-e2e-'));
  server = await startServer({
    config: loadServeConfig({ port: '0', data }, {}),
    logger: pino({ level: 'silent' }),
    env: { COGNATE_SYNC_WEBHOOKS: JSON.stringify({ [LAMBDA]: `${hookUrl}/lambda`, [STREAM]: `${hookUrl}/stream`, [GCM_APP]: `${hookUrl}/push-gcm`, [APNS_SANDBOX_APP]: `${hookUrl}/push-apns` }) },
  });
  endpoint = { url: server.url, root: server.context.root };
});

afterAll(async () => {
  await server?.close();
  hooks?.close();
  await rm(data, { recursive: true, force: true });
});

const put = (Key: string, Value: string, SyncCount = 0): RecordPatch => ({ Op: 'replace', Key, Value, SyncCount, DeviceLastModifiedDate: new Date() });

/** ListRecords then UpdateRecords, as a client syncs. */
async function write(sync: CognitoSyncClient, poolId: string, identityId: string, dataset: string, patches: RecordPatch[], lastSyncCount?: number) {
  const listed = await sync.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: identityId, DatasetName: dataset, LastSyncCount: lastSyncCount }));
  return sync.send(new UpdateRecordsCommand({ IdentityPoolId: poolId, IdentityId: identityId, DatasetName: dataset, SyncSessionToken: listed.SyncSessionToken, RecordPatches: patches }));
}

describe('Cognito Sync with Cognito credentials', () => {
  let poolId: string;
  let a: Awaited<ReturnType<typeof guestDevice>>;
  let b: Awaited<ReturnType<typeof guestDevice>>;

  beforeAll(async () => {
    ({ poolId } = await createGuestPool(endpoint));
    a = await guestDevice(endpoint, poolId);
    b = await guestDevice(endpoint, poolId);
    expect(a.identityId).not.toBe(b.identityId);
  });

  it('syncs: a fresh dataset, a write stamped with one new SyncCount, a listing since', async () => {
    const ids = { IdentityPoolId: poolId, IdentityId: a.identityId, DatasetName: 'Main' };
    const first = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0, MaxResults: 1024 }));
    expect(first).toMatchObject({ DatasetExists: false, DatasetSyncCount: 0, Count: 0, DatasetDeletedAfterRequestedSyncCount: false });
    expect(first.MergedDatasetNames).toBeUndefined();
    expect(first.SyncSessionToken).toBeTruthy();
    const updated = await a.sync.send(
      new UpdateRecordsCommand({ ...ids, SyncSessionToken: first.SyncSessionToken, DeviceId: 'phone', ClientContext: Buffer.from('{}').toString('base64'), RecordPatches: [put('score', '10'), put('name', 'Ada')] }),
    );
    expect(updated.Records?.map((r) => [r.Key, r.Value, r.SyncCount, r.LastModifiedBy])).toEqual([['score', '10', 1, 'phone'], ['name', 'Ada', 1, 'phone']]);
    expect(updated.Records?.[0]?.LastModifiedDate).toBeInstanceOf(Date);
    const removed = await write(a.sync, poolId, a.identityId, 'Main', [{ Op: 'remove', Key: 'name', SyncCount: 1 }], 1);
    expect(removed.Records).toEqual([expect.objectContaining({ Key: 'name', SyncCount: 2 })]);
    expect(removed.Records?.[0]?.Value).toBeUndefined();
    const since = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 1 }));
    expect(since).toMatchObject({ DatasetExists: true, DatasetSyncCount: 2, Count: 1 });
    expect(since.Records?.map((r) => [r.Key, r.Value, r.SyncCount])).toEqual([['name', undefined, 2]]);
    const atHead = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 2 }));
    expect(atHead).toMatchObject({ Count: 0, DatasetSyncCount: 2 });
    const described = await a.sync.send(new DescribeDatasetCommand(ids));
    expect(described.Dataset).toMatchObject({ DatasetName: 'Main', IdentityId: a.identityId, NumRecords: 1, DataStorage: 'score'.length + 2 });
    const listed = await a.sync.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: a.identityId }));
    expect(listed.Datasets?.map((d) => d.DatasetName)).toEqual(['Main']);
    const usage = await a.sync.send(new DescribeIdentityUsageCommand({ IdentityPoolId: poolId, IdentityId: a.identityId }));
    expect(usage.IdentityUsage).toMatchObject({ IdentityId: a.identityId, DatasetCount: 1, DataStorage: 7 });
  });

  it('refuses every operation on another identity’s data, even with cognito-sync:* on *', async () => {
    await write(b.sync, poolId, b.identityId, 'Secret', [put('pin', '1234')]);
    const bDataset = { IdentityPoolId: poolId, IdentityId: b.identityId, DatasetName: 'Secret' };
    const calls: [string, () => Promise<unknown>][] = [
      ['ListDatasets', () => a.sync.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: b.identityId }))],
      ['DescribeDataset', () => a.sync.send(new DescribeDatasetCommand(bDataset))],
      ['ListRecords', () => a.sync.send(new ListRecordsCommand(bDataset))],
      ['UpdateRecords', () => a.sync.send(new UpdateRecordsCommand({ ...bDataset, SyncSessionToken: 'x', RecordPatches: [put('pin', '0000', 1)] }))],
      ['DeleteDataset', () => a.sync.send(new DeleteDatasetCommand(bDataset))],
      ['DescribeIdentityUsage', () => a.sync.send(new DescribeIdentityUsageCommand({ IdentityPoolId: poolId, IdentityId: b.identityId }))],
      ['RegisterDevice', () => a.sync.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: b.identityId, Platform: 'GCM', Token: 't' }))],
      ['SubscribeToDataset', () => a.sync.send(new SubscribeToDatasetCommand({ ...bDataset, DeviceId: 'd' }))],
      ['UnsubscribeFromDataset', () => a.sync.send(new UnsubscribeFromDatasetCommand({ ...bDataset, DeviceId: 'd' }))],
    ];
    for (const [op, call] of calls) {
      const f = await failure(call());
      expect({ op, name: f.name, status: f.status }).toEqual({ op, name: 'AccessDeniedException', status: 403 });
      expect(f.message).toMatch(new RegExp(`^User: arn:aws:sts::123456789012:assumed-role/.+ is not authorized to perform: cognito-sync:${op} on resource: arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${poolId}/identity/${b.identityId}`));
    }
    const listDenied = await failure(a.sync.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: b.identityId })));
    expect(listDenied.message.endsWith(`/identity/${b.identityId}/dataset/null`)).toBe(true);
    const devOnly: [string, () => Promise<unknown>][] = [
      ['DescribeIdentityPoolUsage', () => a.sync.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: poolId }))],
      ['ListIdentityPoolUsage', () => a.sync.send(new ListIdentityPoolUsageCommand({}))],
      ['GetIdentityPoolConfiguration', () => a.sync.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }))],
      ['SetIdentityPoolConfiguration', () => a.sync.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName: STREAM } }))],
      ['GetCognitoEvents', () => a.sync.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))],
      ['SetCognitoEvents', () => a.sync.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: LAMBDA } }))],
      ['BulkPublish', () => a.sync.send(new BulkPublishCommand({ IdentityPoolId: poolId }))],
      ['GetBulkPublishDetails', () => a.sync.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId }))],
    ];
    for (const [op, call] of devOnly) expect({ op, ...(await failure(call())), message: '' }).toEqual({ op, name: 'NotAuthorizedException', status: 403, message: '' });
    // B's data is untouched; root (developer credentials) reaches any identity.
    const root = rootClients(endpoint).sync;
    const seen = await root.send(new ListRecordsCommand(bDataset));
    expect(seen.Records?.map((r) => [r.Key, r.Value])).toEqual([['pin', '1234']]);
    expect(await failure(root.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: b.identityId, Platform: 'GCM', Token: 't' })))).toMatchObject({ name: 'NotAuthorizedException', status: 403 });
  });

  it('lets exactly one of two racing writers with the same SyncCount win', async () => {
    const other = await guestDevice(endpoint, poolId, a.identityId); // the same identity on a second device
    expect(other.identityId).toBe(a.identityId);
    const ids = { IdentityPoolId: poolId, IdentityId: a.identityId, DatasetName: 'Race' };
    for (let round = 0; round < 4; round++) {
      const [l1, l2] = await Promise.all([a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: round })), other.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: round }))]);
      const results = await Promise.allSettled([
        a.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: l1.SyncSessionToken, RecordPatches: [put('k', `a${round}`, round)] })),
        other.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: l2.SyncSessionToken, RecordPatches: [put('k', `b${round}`, round)] })),
      ]);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toMatchObject({ name: 'ResourceConflictException', $metadata: { httpStatusCode: 409 } });
    }
    const final = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0 }));
    expect(final.DatasetSyncCount).toBe(4);
    expect(final.Records).toHaveLength(1);
  });

  it('answers record conflicts and stale or foreign tokens as AWS does', async () => {
    const ids = { IdentityPoolId: poolId, IdentityId: a.identityId, DatasetName: 'Conflicts' };
    await write(a.sync, poolId, a.identityId, 'Conflicts', [put('k', 'v1')]);
    const stale = await failure(write(a.sync, poolId, a.identityId, 'Conflicts', [put('k', 'v2', 0)], 1));
    expect(stale).toEqual({ name: 'ResourceConflictException', status: 409, message: 'Current SyncCount for: k is: 1 not: 0' });
    const old = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 1 }));
    await write(a.sync, poolId, a.identityId, 'Conflicts', [put('k', 'v2', 1)], 1);
    const oldToken = await failure(a.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: old.SyncSessionToken, RecordPatches: [put('other', 'x')] })));
    expect(oldToken).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const foreign = await a.sync.send(new ListRecordsCommand({ ...ids, DatasetName: 'Elsewhere' }));
    expect(await failure(a.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: foreign.SyncSessionToken, RecordPatches: [put('x', 'y')] })))).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'SyncSessionToken not valid for these inputs',
    });
    expect(await failure(a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 99 })))).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'No such SyncCount: 99 exists for this Dataset',
    });
  });

  it('keeps a deleted dataset’s counter and tells devices that synced before the deletion', async () => {
    const ids = { IdentityPoolId: poolId, IdentityId: a.identityId, DatasetName: 'Doomed' };
    await write(a.sync, poolId, a.identityId, 'Doomed', [put('a', '1')]);
    await write(a.sync, poolId, a.identityId, 'Doomed', [put('b', '2')], 1);
    const deleted = await a.sync.send(new DeleteDatasetCommand(ids));
    expect(deleted.Dataset).toMatchObject({ DatasetName: 'Doomed', NumRecords: 2 });
    expect(await failure(a.sync.send(new DescribeDatasetCommand(ids)))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await failure(a.sync.send(new DeleteDatasetCommand(ids)))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 2 }))).toMatchObject({ DatasetExists: false, DatasetDeletedAfterRequestedSyncCount: true, Count: 0 });
    const fresh = await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0 }));
    expect(fresh).toMatchObject({ DatasetExists: false, DatasetDeletedAfterRequestedSyncCount: false, DatasetSyncCount: 3 });
    const recreated = await a.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: fresh.SyncSessionToken, RecordPatches: [put('a', 'again')] }));
    expect(recreated.Records?.[0]?.SyncCount).toBe(4);
    expect((await a.sync.send(new DescribeDatasetCommand(ids))).Dataset).toMatchObject({ NumRecords: 1 });
    expect(await a.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 1 }))).toMatchObject({ DatasetExists: true, DatasetDeletedAfterRequestedSyncCount: true });
  });

  it('enforces the AWS limits with AWS error names', async () => {
    const device = await guestDevice(endpoint, poolId);
    for (let i = 0; i < 20; i++) await write(device.sync, poolId, device.identityId, `set_${i}`, [put('k', 'v')]);
    expect(await failure(write(device.sync, poolId, device.identityId, 'set_20', [put('k', 'v')]))).toMatchObject({ name: 'LimitExceededException', status: 400 });
    const many = Array.from({ length: 1024 }, (_, i) => put(`key${i}`, 'v'));
    await write(device.sync, poolId, device.identityId, 'set_0', many.slice(0, 1023), 1);
    expect(await failure(write(device.sync, poolId, device.identityId, 'set_0', many.slice(1023).concat(put('key1024', 'v')), 2))).toMatchObject({ name: 'LimitExceededException' });
    expect(await failure(write(device.sync, poolId, device.identityId, 'set_1', [put('big', 'x'.repeat(600_000)), put('big2', 'y'.repeat(600_000))], 1))).toMatchObject({ name: 'LimitExceededException' });
    expect(await failure(write(device.sync, poolId, device.identityId, 'bad/name', [put('k', 'v')]))).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(await failure(write(device.sync, poolId, device.identityId, 'x'.repeat(129), [put('k', 'v')]))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(write(device.sync, poolId, device.identityId, 'set_2', [put('k'.repeat(1025), 'v')], 1))).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('refuses what the role policy denies (deny wins)', async () => {
    const denyWrites = { Version: '2012-10-17', Statement: [...allowAll.Statement, { Effect: 'Deny', Action: 'cognito-sync:UpdateRecords', Resource: '*' }] };
    const { poolId: deniedPool } = await createGuestPool(endpoint, denyWrites);
    const device = await guestDevice(endpoint, deniedPool);
    const denied = await failure(write(device.sync, deniedPool, device.identityId, 'Main', [put('k', 'v')]));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(denied.message).toContain(`cognito-sync:UpdateRecords on resource: arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${deniedPool}/identity/${device.identityId}/dataset/Main`);
    // A role scoped to the caller's own data with policy variables (aws-apis.md §5.4).
    const scoped = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-sync:*', Resource: 'arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${cognito-identity.amazonaws.com:aud}/identity/${cognito-identity.amazonaws.com:sub}/*' }] };
    const { poolId: scopedPool } = await createGuestPool(endpoint, scoped);
    const own = await guestDevice(endpoint, scopedPool);
    await expect(write(own.sync, scopedPool, own.identityId, 'Main', [put('k', 'v')])).resolves.toBeDefined();
  });
});

describe('Cognito Sync developer operations', () => {
  it('reports pool usage and configuration, and validates webhook targets', async () => {
    const { poolId } = await createGuestPool(endpoint);
    const device = await guestDevice(endpoint, poolId);
    await write(device.sync, poolId, device.identityId, 'Main', [put('k', 'vv')]);
    const root = rootClients(endpoint).sync;
    const usage = await root.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: poolId }));
    expect(usage.IdentityPoolUsage).toMatchObject({ IdentityPoolId: poolId, DataStorage: 3, SyncSessionsCount: 1 });
    expect(usage.IdentityPoolUsage?.LastModifiedDate).toBeInstanceOf(Date);
    const all = await root.send(new ListIdentityPoolUsageCommand({ MaxResults: 60 }));
    expect(all.IdentityPoolUsages?.map((u) => u.IdentityPoolId)).toContain(poolId);
    expect(await root.send(new GetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId }))).toMatchObject({ IdentityPoolId: poolId });
    expect(await failure(root.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName: 'not-mapped' } })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(root.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: 'arn:aws:lambda:us-east-1:123456789012:function:unknown' } })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await failure(root.send(new DescribeIdentityPoolUsageCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('registers push devices only once push sync is configured', async () => {
    const { poolId } = await createGuestPool(endpoint);
    const device = await guestDevice(endpoint, poolId);
    const reg = { IdentityPoolId: poolId, IdentityId: device.identityId, Platform: 'GCM' as const, Token: 'push-token' };
    expect(await failure(device.sync.send(new RegisterDeviceCommand(reg)))).toMatchObject({ name: 'InvalidConfigurationException', status: 400 });
    const root = rootClients(endpoint).sync;
    const pushSync = { ApplicationArns: ['arn:aws:sns:us-east-1:123456789012:app/GCM/MyApp'], RoleArn: 'arn:aws:iam::123456789012:role/push' };
    expect(await root.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, PushSync: pushSync }))).toMatchObject({ PushSync: pushSync });
    const { DeviceId } = await device.sync.send(new RegisterDeviceCommand(reg));
    expect(DeviceId).toBeTruthy();
    expect((await device.sync.send(new RegisterDeviceCommand(reg))).DeviceId).toBe(DeviceId);
    const sub = { IdentityPoolId: poolId, IdentityId: device.identityId, DatasetName: 'Main', DeviceId: DeviceId! };
    await device.sync.send(new SubscribeToDatasetCommand(sub));
    await device.sync.send(new UnsubscribeFromDatasetCommand(sub));
    expect(await failure(device.sync.send(new SubscribeToDatasetCommand({ ...sub, DeviceId: 'no-such-device' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('merged identities (aws-apis.md §1.5, §7.5)', () => {
  it('reports the merged-away identity’s datasets as <name>.<identity id> until they are deleted', async () => {
    const { identity } = rootClients(endpoint);
    const root = rootClients(endpoint).sync;
    const provider = 'login.example.com';
    const pool = await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'merging', AllowUnauthenticatedIdentities: false, DeveloperProviderName: provider }));
    const poolId = pool.IdentityPoolId!;
    const idOf = async (user: string) => (await identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { [provider]: user } }))).IdentityId!;
    const source = await idOf('user-1');
    const destination = await idOf('user-2');
    await write(root, poolId, source, 'Main', [put('coins', '5')]);
    await write(root, poolId, destination, 'Main', [put('coins', '9')]);
    const merged = await identity.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, DeveloperProviderName: provider, SourceUserIdentifier: 'user-1', DestinationUserIdentifier: 'user-2' }));
    expect(merged.IdentityId).toBe(destination);
    const copy = `Main.${source}`;
    const main = await root.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: destination, DatasetName: 'Main' }));
    expect(main.MergedDatasetNames).toEqual([copy]);
    expect(main.Records?.map((r) => r.Value)).toEqual(['9']);
    const copied = await root.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: destination, DatasetName: copy }));
    expect(copied.Records?.map((r) => [r.Key, r.Value])).toEqual([['coins', '5']]);
    await root.send(new DeleteDatasetCommand({ IdentityPoolId: poolId, IdentityId: destination, DatasetName: copy }));
    expect((await root.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: destination, DatasetName: 'Main' }))).MergedDatasetNames).toBeUndefined();
  });
});

describe('Cognito Events and Streams through webhooks', () => {
  it('delivers SyncTrigger and stream records, signed, retrying after the receiver fails', async () => {
    const { poolId } = await createGuestPool(endpoint);
    const root = rootClients(endpoint).sync;
    await root.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: LAMBDA } }));
    expect((await root.send(new GetCognitoEventsCommand({ IdentityPoolId: poolId }))).Events).toEqual({ SyncTrigger: LAMBDA });
    const streams = await root.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, CognitoStreams: { StreamName: STREAM, RoleArn: 'arn:aws:iam::123456789012:role/stream' } }));
    expect(streams.CognitoStreams).toEqual({ StreamName: STREAM, RoleArn: 'arn:aws:iam::123456789012:role/stream', StreamingStatus: 'ENABLED' });
    const device = await guestDevice(endpoint, poolId);
    hookStatuses.push(500, 500);
    const before = hits.length;
    await write(device.sync, poolId, device.identityId, 'Main', [put('level', '3')]);
    await expect.poll(() => hits.slice(before).filter((h) => h.body.includes(device.identityId)).length, { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(4);
    const mine = hits.slice(before).filter((h) => h.body.includes(device.identityId));
    const { secretHex } = await syncWebhookSecret(server.context);
    for (const h of mine) expect(verifyBody(Buffer.from(secretHex, 'hex'), h.body, h.headers['x-cognate-signature'] as string)).toBe(true);
    const trigger = mine.filter((h) => h.path === '/lambda');
    const stream = mine.filter((h) => h.path === '/stream');
    expect(new Set(trigger.map((h) => h.headers['x-cognate-delivery'])).size).toBe(1);
    expect(trigger.length + stream.length).toBe(mine.length);
    expect(Math.max(...mine.map((h) => Number(h.headers['x-cognate-attempt'])))).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(trigger[0]!.body)).toEqual({
      version: 2,
      eventType: 'SyncTrigger',
      region: 'us-east-1',
      identityPoolId: poolId,
      identityId: device.identityId,
      datasetName: 'Main',
      datasetRecords: { level: { oldValue: null, newValue: '3', op: 'replace' } },
    });
    expect(JSON.parse(stream[0]!.body)).toMatchObject({ identityPoolId: poolId, identityId: device.identityId, dataSetName: 'Main', operation: 'replace', payloadType: 'Inline', syncCount: 1, kinesisSyncRecords: [{ key: 'level', value: '3', syncCount: 1, op: 'replace' }] });

    const beforeBulk = hits.length;
    expect(await root.send(new BulkPublishCommand({ IdentityPoolId: poolId }))).toEqual(expect.objectContaining({ IdentityPoolId: poolId }));
    expect(await root.send(new GetBulkPublishDetailsCommand({ IdentityPoolId: poolId }))).toMatchObject({ BulkPublishStatus: 'SUCCEEDED' });
    expect(await failure(root.send(new BulkPublishCommand({ IdentityPoolId: poolId })))).toMatchObject({ name: 'AlreadyStreamedException', status: 400 });
    await expect.poll(() => hits.slice(beforeBulk).some((h) => h.path === '/stream' && h.body.includes(device.identityId)), { timeout: 10_000 }).toBe(true);
  });
});

describe('push sync through webhooks', () => {
  /** Resolves once the pool's outbox is empty: everything enqueued was delivered (or nothing was). */
  const drained = (poolId: string) =>
    expect
      .poll(async () => (await server.context.storage.db.selectFrom('sync_outbox').select('id').where('pool_id', '=', poolId).where('status', '=', 'pending').execute()).length, { timeout: 15_000, interval: 50 })
      .toBe(0);
  const pushHits = (since: number, identityId: string) => hits.slice(since).filter((h) => h.path.startsWith('/push-') && h.body.includes(identityId));

  /** ListRecords then UpdateRecords from a registered device (its DeviceId in the request). */
  async function writeFrom(sync: CognitoSyncClient, ids: { IdentityPoolId: string; IdentityId: string; DatasetName: string }, deviceId: string | undefined, patches: RecordPatch[]) {
    const head = await sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0 }));
    const listed = await sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: head.DatasetSyncCount }));
    return sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: listed.SyncSessionToken, DeviceId: deviceId, RecordPatches: patches }));
  }

  it('notifies the identity’s other subscribed devices, by their platform’s application, signed', async () => {
    const { poolId } = await createGuestPool(endpoint);
    const root = rootClients(endpoint).sync;
    await root.send(new SetIdentityPoolConfigurationCommand({ IdentityPoolId: poolId, PushSync: { ApplicationArns: [GCM_APP, APNS_SANDBOX_APP], RoleArn: 'arn:aws:iam::123456789012:role/push' } }));
    const phone = await guestDevice(endpoint, poolId);
    const tablet = await guestDevice(endpoint, poolId, phone.identityId); // the same identity on a second device
    const identityId = phone.identityId;
    const ids = { IdentityPoolId: poolId, IdentityId: identityId, DatasetName: 'Main' };
    const a = (await phone.sync.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: identityId, Platform: 'GCM', Token: 'fcm-token-a' }))).DeviceId!;
    const b = (await tablet.sync.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: identityId, Platform: 'APNS_SANDBOX', Token: 'apns-token-b' }))).DeviceId!;
    await phone.sync.send(new SubscribeToDatasetCommand({ ...ids, DeviceId: a }));
    await tablet.sync.send(new SubscribeToDatasetCommand({ ...ids, DeviceId: b }));

    let before = hits.length;
    await writeFrom(phone.sync, ids, a, [put('level', '3')]);
    await drained(poolId);
    const [hit, ...more] = pushHits(before, identityId);
    expect(more).toEqual([]);
    expect(hit!.path).toBe('/push-apns');
    expect(hit!.headers).toMatchObject({ 'x-cognate-event-type': 'PushSync', 'x-cognate-target': APNS_SANDBOX_APP, 'content-type': 'application/json' });
    const { secretHex } = await syncWebhookSecret(server.context);
    expect(verifyBody(Buffer.from(secretHex, 'hex'), hit!.body, hit!.headers['x-cognate-signature'] as string)).toBe(true);
    expect(JSON.parse(hit!.body)).toEqual({
      eventType: 'PushSync',
      applicationArn: APNS_SANDBOX_APP,
      platform: 'APNS_SANDBOX',
      token: 'apns-token-b',
      deviceId: b,
      identityPoolId: poolId,
      identityId,
      datasetName: 'Main',
      syncCount: 1,
      data: { source: 'cognito-sync', identityPoolId: poolId, identityId, datasetName: 'Main', syncCount: '1' },
    });

    // B unsubscribes: A's next write notifies nobody; B's write still notifies A.
    await tablet.sync.send(new UnsubscribeFromDatasetCommand({ ...ids, DeviceId: b }));
    before = hits.length;
    await writeFrom(phone.sync, ids, a, [put('level', '4', 1)]);
    await drained(poolId);
    expect(pushHits(before, identityId)).toEqual([]);
    await writeFrom(tablet.sync, ids, b, [put('level', '5', 2)]);
    await drained(poolId);
    expect(pushHits(before, identityId).map((h) => [h.path, JSON.parse(h.body).token, JSON.parse(h.body).syncCount])).toEqual([['/push-gcm', 'fcm-token-a', 3]]);

    // DeleteDataset names no device: every subscriber hears of it, with the deletion's count.
    before = hits.length;
    await tablet.sync.send(new DeleteDatasetCommand(ids));
    await drained(poolId);
    expect(pushHits(before, identityId).map((h) => JSON.parse(h.body))).toEqual([expect.objectContaining({ token: 'fcm-token-a', deviceId: a, syncCount: 4, data: expect.objectContaining({ syncCount: '4' }) })]);
  });

  it('sends nothing for a pool without push sync, whose devices cannot register', async () => {
    const { poolId } = await createGuestPool(endpoint);
    const device = await guestDevice(endpoint, poolId);
    const ids = { IdentityPoolId: poolId, IdentityId: device.identityId, DatasetName: 'Main' };
    expect(await failure(device.sync.send(new RegisterDeviceCommand({ IdentityPoolId: poolId, IdentityId: device.identityId, Platform: 'GCM', Token: 'fcm-token' })))).toMatchObject({
      name: 'InvalidConfigurationException',
      status: 400,
    });
    const before = hits.length;
    await writeFrom(device.sync, ids, 'not-registered', [put('k', 'v')]);
    await device.sync.send(new DeleteDatasetCommand(ids));
    await drained(poolId);
    expect(hits.slice(before).filter((h) => h.body.includes(device.identityId))).toEqual([]);
  });
});
