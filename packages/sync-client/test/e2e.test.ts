/**
 * End to end against the REAL Cognate server (in-process): two devices of one guest identity edit the
 * same dataset offline, then synchronize, and must end consistent under each conflict policy.
 * Everything goes through the official SDK v3 clients: IAM and Cognito Identity with the root
 * credentials to set up, `fromCognitoIdentityPool` for the devices' credentials, Cognito Sync for data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  SetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/app/server.js';
import { loadServeConfig } from '../../../src/config/load.js';
import { cognitoTrustPolicy } from '../../../test/support/cognito-trust.js';
import {
  FileStore,
  MemoryStore,
  SyncClient,
  localWins,
  remoteWins,
  type ConflictResolver,
  type LocalStore,
} from '../src/index.js';

const REGION = 'us-east-1';

let dir: string;
let server: RunningServer;
let identityPoolId: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cognate-sync-client-e2e-'));
  server = await startServer({
    config: loadServeConfig({ port: '0', data: join(dir, 'server') }, {}),
    logger: pino({ level: 'silent' }),
    env: {},
  });
  const admin = { endpoint: server.url, region: REGION, credentials: server.context.root };
  const identity = new CognitoIdentityClient(admin);
  const iam = new IAMClient(admin);
  const pool = await identity.send(
    new CreateIdentityPoolCommand({ IdentityPoolName: 'sync_client_e2e', AllowUnauthenticatedIdentities: true }),
  );
  identityPoolId = pool.IdentityPoolId!;
  // aws-apis.md §3.5, for guests.
  const trust = cognitoTrustPolicy(identityPoolId, 'unauthenticated');
  const role = await iam.send(new CreateRoleCommand({ RoleName: 'sync-guest', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'sync-guest',
      PolicyName: 'sync',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'cognito-sync:*', Resource: '*' }],
      }),
    }),
  );
  await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: identityPoolId, Roles: { unauthenticated: role.Role!.Arn! } }));
  identity.destroy();
  iam.destroy();
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One user: devices share the identity through the credential provider's cache (as on one account). */
function user() {
  const items = new Map<string, string>();
  const cache = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
  return { cache };
}

interface Device {
  sync: SyncClient;
  syncClient: CognitoSyncClient;
  clock: { ms: number };
}

async function device(
  owner: ReturnType<typeof user>,
  options: { storage?: LocalStore; endpoint?: string; resolver?: ConflictResolver; name: string; clockMs?: number; pageSize?: number },
): Promise<Device> {
  const credentials = fromCognitoIdentityPool({
    identityPoolId,
    cache: owner.cache,
    clientConfig: { endpoint: server.url, region: REGION },
  });
  const identityId = (await credentials()).identityId;
  const syncClient = new CognitoSyncClient({
    endpoint: options.endpoint ?? server.url,
    region: REGION,
    credentials,
    maxAttempts: options.endpoint ? 1 : 3,
  });
  const clock = { ms: options.clockMs ?? Date.now() };
  const sync = new SyncClient({
    client: syncClient,
    identityPoolId,
    identityId: () => identityId,
    storage: options.storage ?? new MemoryStore(),
    deviceId: options.name,
    now: () => clock.ms,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    ...(options.resolver ? { conflictResolver: options.resolver } : {}),
  });
  return { sync, syncClient, clock };
}

/** Custom merge: the union of both sides' '+'-separated tokens (a removed side contributes nothing). */
const unionMerge: ConflictResolver = async (c) => {
  const tokens = new Set([c.local.value, c.remote.value].flatMap((v) => (v === null ? [] : v.split('+'))));
  return { value: tokens.size === 0 ? null : [...tokens].sort().join('+') };
};

const policies: Array<{ name: string; resolver?: ConflictResolver; color: string; size: string | undefined }> = [
  // B edited last, so last-writer-wins keeps B's edits.
  { name: 'last-writer-wins (default)', color: 'green', size: 'L' },
  // B syncs second and sees the conflicts: the server (A's edits) wins.
  { name: 'remote wins', resolver: remoteWins, color: 'blue', size: undefined },
  { name: 'local wins', resolver: localWins, color: 'green', size: 'L' },
  { name: 'custom merge callback', resolver: unionMerge, color: 'blue+green', size: 'L' },
];

describe('two devices, offline edits, real Cognate server', () => {
  for (const [i, policy] of policies.entries()) {
    it(`ends consistent: ${policy.name}`, async () => {
      const owner = user();
      const dataset = `profile_${i}`;
      const base = Date.now() - 120_000;
      const a = await device(owner, { name: 'device-a', clockMs: base, ...(policy.resolver ? { resolver: policy.resolver } : {}) });
      const bStore = new FileStore(join(dir, `device-b-${i}`));
      const bOptions = { name: 'device-b', storage: bStore, ...(policy.resolver ? { resolver: policy.resolver } : {}) };
      const b = await device(owner, { ...bOptions, clockMs: base });

      // Both devices start from the same synced state.
      const da = a.sync.openOrCreateDataset(dataset);
      await da.put('color', 'red');
      await da.put('size', 'M');
      await da.put('tags', 'x');
      expect(await da.synchronize()).toMatchObject({ status: 'synced', pushed: 3 });
      const db = b.sync.openOrCreateDataset(dataset);
      expect(await db.synchronize()).toMatchObject({ status: 'synced', pulled: 3 });
      expect(await db.getAll()).toEqual({ color: 'red', size: 'M', tags: 'x' });

      // Offline edits: A first, B later.
      a.clock.ms = base + 10_000;
      await da.put('color', 'blue');
      await da.remove('size');
      await da.put('only-a', '1');
      b.clock.ms = base + 20_000;
      await db.put('color', 'green');
      await db.put('size', 'L');
      await db.put('tags', 'y');
      await db.put('only-b', '2');

      // B really is offline first: its sync fails softly and the edits survive (in its FileStore).
      const deadEndpoint = 'http://127.0.0.1:9';
      const bOffline = await device(owner, { ...bOptions, endpoint: deadEndpoint, clockMs: b.clock.ms });
      const offline = await bOffline.sync.openOrCreateDataset(dataset).synchronize();
      expect(offline.status).toBe('offline');
      expect(await db.pendingChanges()).toBe(4);
      bOffline.syncClient.destroy();

      // Back online: A, then B (which meets the conflicts), then A again to pull the outcome.
      expect(await da.synchronize()).toMatchObject({ status: 'synced', conflicts: 0 });
      const conflicts: string[] = [];
      db.on('conflict', (e) => conflicts.push(e.conflict.key));
      const bResult = await db.synchronize();
      expect(bResult.status).toBe('synced');
      expect(conflicts.sort()).toEqual(['color', 'size']);
      await da.synchronize();

      const expected: Record<string, string> = { color: policy.color, tags: 'y', 'only-a': '1', 'only-b': '2' };
      if (policy.size !== undefined) expected.size = policy.size;
      expect(await da.getAll()).toEqual(expected);
      expect(await db.getAll()).toEqual(expected);
      expect(await da.pendingChanges()).toBe(0);
      expect(await db.pendingChanges()).toBe(0);

      // A third, fresh device sees exactly the same data on the server.
      const c = await device(owner, { name: 'device-c' });
      const dc = c.sync.openOrCreateDataset(dataset);
      await dc.synchronize();
      expect(await dc.getAll()).toEqual(expected);
      expect((await dc.state()).lastSyncCount).toBe((await da.state()).lastSyncCount);
      expect((await db.state()).lastSyncCount).toBe((await da.state()).lastSyncCount);

      for (const d of [a, b, c]) d.syncClient.destroy();
    });
  }

  it('a deleted dataset is reported and purged, not a crash', async () => {
    const owner = user();
    const a = await device(owner, { name: 'device-a' });
    const b = await device(owner, { name: 'device-b' });
    const da = a.sync.openOrCreateDataset('to_delete');
    await da.put('k', 'v');
    await da.synchronize();
    const db = b.sync.openOrCreateDataset('to_delete');
    await db.synchronize();
    await a.sync.deleteDataset('to_delete');
    const deleted: string[] = [];
    db.on('deleted', (e) => deleted.push(e.action));
    const result = await db.synchronize();
    expect(result).toMatchObject({ status: 'synced', deleted: true });
    expect(deleted).toEqual(['purge']);
    expect(await db.getAll()).toEqual({});
    // The dataset can be written again afterwards.
    await db.put('k', 'again');
    expect(await db.synchronize()).toMatchObject({ status: 'synced', pushed: 1 });
    await da.synchronize();
    expect(await da.get('k')).toBe('again');
    for (const d of [a, b]) d.syncClient.destroy();
  });

  it('pages ListRecords over a dataset larger than one page', async () => {
    const owner = user();
    const a = await device(owner, { name: 'device-a' });
    const b = await device(owner, { name: 'device-b', pageSize: 100 });
    const listCalls: Array<string | undefined> = [];
    b.syncClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListRecordsCommand') listCalls.push((args.input as { NextToken?: string }).NextToken);
        return next(args);
      },
      { step: 'initialize' },
    );
    const da = a.sync.openOrCreateDataset('many');
    for (let i = 0; i < 250; i++) await da.put(`k${String(i).padStart(4, '0')}`, `v${i}`);
    expect(await da.synchronize()).toMatchObject({ status: 'synced', pushed: 250 });
    const db = b.sync.openOrCreateDataset('many');
    expect(await db.synchronize()).toMatchObject({ status: 'synced', pulled: 250, lastSyncCount: 1 });
    expect(listCalls).toHaveLength(3);
    expect(listCalls[0]).toBeUndefined();
    expect(typeof listCalls[1]).toBe('string');
    expect(Object.keys(await db.getAll())).toHaveLength(250);
    for (const d of [a, b]) d.syncClient.destroy();
  });
});
