/**
 * The legacy browser client: amazon-cognito-js 1.1.0's Sync Manager on aws-sdk v2, unmodified,
 * against the real server (aws-apis.md §7.6). It is browser-first: its default store is
 * `window.localStorage`, so each simulated device gets a tiny in-memory Storage of its own.
 */
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { createGuestPool, REGION } from './cognito-sync-fixture.js';

type Callback<T> = (err: Error | null, value: T) => void;

interface SyncRecordLike {
  getKey(): string;
  getValue(): string;
}

interface SyncConflict {
  resolveWithRemoteRecord(): SyncRecordLike;
  resolveWithLocalRecord(): SyncRecordLike;
}

interface SyncDataset {
  put(key: string, value: string, cb: Callback<unknown>): void;
  get(key: string, cb: Callback<string | undefined>): void;
  resolve(records: SyncRecordLike[], cb: Callback<unknown>): void;
  synchronize(callbacks: {
    onSuccess(dataset: SyncDataset, newRecords: unknown[]): void;
    onFailure(err: Error): void;
    onConflict?(dataset: SyncDataset, conflicts: SyncConflict[], cb: (resume: boolean) => void): void;
    onDatasetDeleted?(dataset: SyncDataset, name: string, cb: (resume: boolean) => void): void;
    onDatasetsMerged?(dataset: SyncDataset, names: string[], cb: (resume: boolean) => void): void;
  }): void;
}

interface SyncManager {
  openOrCreateDataset(name: string, cb: Callback<SyncDataset>): void;
}

interface CognitoCredentials {
  identityId: string;
  getPromise(): Promise<void>;
}

interface AwsV2 {
  config: { update(options: Record<string, unknown>): void; credentials: unknown };
  CognitoIdentityCredentials: new (params: Record<string, unknown>) => CognitoCredentials;
  CognitoSyncManager: new (options?: Record<string, unknown>) => SyncManager;
}

const require = createRequire(import.meta.url);
const AWS = require('aws-sdk') as AwsV2;
require('amazon-cognito-js'); // attaches AWS.CognitoSyncManager to the aws-sdk module

/** The part of the Web Storage API the Sync Manager's StoreLocalStorage uses. */
class MemoryStorage {
  readonly #items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}

const globals = globalThis as unknown as { window?: { localStorage: MemoryStorage } };

/** A device: its own credentials object and local storage, the same identity when `identityId` is given. */
async function device(poolId: string, identityId?: string): Promise<{ manager: SyncManager; credentials: CognitoCredentials }> {
  const credentials = new AWS.CognitoIdentityCredentials({ IdentityPoolId: poolId, ...(identityId ? { IdentityId: identityId } : {}) });
  AWS.config.credentials = credentials;
  await credentials.getPromise();
  // StoreLocalStorage captures window.localStorage when the manager is built.
  globals.window = { localStorage: new MemoryStorage() };
  try {
    return { manager: new AWS.CognitoSyncManager(), credentials };
  } finally {
    delete globals.window;
  }
}

const call = <T>(fn: (cb: Callback<T>) => void): Promise<T> => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

function synchronize(dataset: SyncDataset, onConflict?: (conflicts: SyncConflict[]) => SyncRecordLike[]): Promise<void> {
  return new Promise((resolve, reject) =>
    dataset.synchronize({
      onSuccess: () => resolve(),
      onFailure: reject,
      onConflict: (ds, conflicts, cb) => {
        if (!onConflict) return cb(false);
        ds.resolve(onConflict(conflicts), () => cb(true));
      },
      onDatasetDeleted: (_ds, _name, cb) => cb(false),
      onDatasetsMerged: (_ds, _names, cb) => cb(false),
    }),
  );
}

let server: RunningServer;
let data: string;

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'cognate-sync-legacy-'));
  server = await startServer({ config: loadServeConfig({ port: '0', data }, {}), logger: pino({ level: 'silent' }), env: {} });
  AWS.config.update({ region: REGION, endpoint: server.url });
});

afterAll(async () => {
  await server?.close();
  await rm(data, { recursive: true, force: true });
});

describe('amazon-cognito-js Sync Manager (aws-sdk v2)', () => {
  it('syncs a dataset from one device to a second device of the same identity, both ways', async () => {
    const { poolId } = await createGuestPool({ url: server.url, root: server.context.root });
    const first = await device(poolId);
    const a = await call<SyncDataset>((cb) => first.manager.openOrCreateDataset('MainDataset', cb));
    await call((cb) => a.put('highScore', '42', cb));
    await call((cb) => a.put('level', '7', cb));
    await synchronize(a);

    const second = await device(poolId, first.credentials.identityId);
    expect(second.credentials.identityId).toBe(first.credentials.identityId);
    const b = await call<SyncDataset>((cb) => second.manager.openOrCreateDataset('MainDataset', cb));
    await synchronize(b);
    expect(await call<string | undefined>((cb) => b.get('highScore', cb))).toBe('42');
    expect(await call<string | undefined>((cb) => b.get('level', cb))).toBe('7');

    // The second device writes; the first pulls it (records → local update → restart → push nothing).
    await call((cb) => b.put('level', '8', cb));
    await synchronize(b);
    await synchronize(a);
    expect(await call<string | undefined>((cb) => a.get('level', cb))).toBe('8');

    // Both change the same key: the later sync sees the conflict and keeps its own value.
    await call((cb) => a.put('highScore', '50', cb));
    await call((cb) => b.put('highScore', '60', cb));
    await synchronize(a);
    let conflicts = 0;
    await synchronize(b, (found) => {
      conflicts += found.length;
      return found.map((c) => c.resolveWithLocalRecord());
    });
    expect(conflicts).toBe(1);
    await synchronize(a);
    expect(await call<string | undefined>((cb) => a.get('highScore', cb))).toBe('60');
  });
});
