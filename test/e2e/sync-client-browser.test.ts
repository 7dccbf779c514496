/**
 * @cognate/sync-client in headless Chromium with its IndexedDB store, against a live Cognate: the
 * library and the official SDK v3 browser clients bundled by esbuild from source, served from
 * other origins than the server (CORS on every call); a guest identity from
 * `fromCognitoIdentityPool`, kept by the app and reused through `fromCognitoIdentity`.
 * Proves persistence across a page reload, an offline edit queued and pushed later, a second
 * device of the same identity starting from empty storage, last-writer-wins on real conflicts,
 * two tabs writing one database at once (Web Locks) and a database deleted while open; every
 * value read back from the pages and from the server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListRecordsCommand, type CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import type { Page, Request as PwRequest } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { launchChromium, type TestBrowser } from '../support/browser.js';
import { openSyncApp, startSyncApp, syncAppCaller, type SyncApp } from '../support/sync-app.js';
import type { SyncAppConfig } from '../support/sync-app/app.js';
import { REGION, createGuestPool, rootClients } from './cognito-sync-fixture.js';

const DATASET = 'prefs';

let data: string;
let server: RunningServer;
let app: SyncApp;
let browser: TestBrowser;
let rootSync: CognitoSyncClient;
let poolId: string;
let identityId = '';
/** Device A (first origin), a second tab of it, and device B (second origin: its own IndexedDB and localStorage). */
let pageA: Page;
let pageA2: Page;
let pageB: Page;
let a: ReturnType<typeof syncAppCaller>;
let a2: ReturnType<typeof syncAppCaller>;
let b: ReturnType<typeof syncAppCaller>;
/** Calls device A's page made to the Cognate server, as `<method> <path or X-Amz-Target>`. */
const serverCalls: string[] = [];

const config = (deviceId: string): SyncAppConfig => ({ endpoint: server.url, region: REGION, identityPoolId: poolId, deviceId });

/** A dataset as the server holds it (ListRecords from 0 with the root credentials). */
async function onServer(dataset = DATASET): Promise<{ values: Record<string, string>; syncCount: number }> {
  const out = await rootSync.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: identityId, DatasetName: dataset, LastSyncCount: 0 }));
  const values: Record<string, string> = {};
  for (const r of out.Records ?? []) if (r.Key !== undefined && r.Value !== undefined) values[r.Key] = r.Value;
  return { values, syncCount: out.DatasetSyncCount ?? -1 };
}

/** Lets the wall clock move on, so last-writer-wins has distinct DeviceLastModifiedDates to compare. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 25));

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'cognate-sync-browser-'));
  server = await startServer({ config: loadServeConfig({ port: '0', data }, {}), logger: pino({ level: 'silent' }), env: {} });
  const endpoint = { url: server.url, root: server.context.root };
  rootSync = rootClients(endpoint).sync;
  ({ poolId } = await createGuestPool(endpoint));
  app = await startSyncApp();
  browser = await launchChromium();
  pageA = await browser.context.newPage();
  pageA2 = await browser.context.newPage();
  pageB = await browser.context.newPage();
  a = syncAppCaller(pageA);
  a2 = syncAppCaller(pageA2);
  b = syncAppCaller(pageB);
  pageA.on('request', (r: PwRequest) => {
    const url = new URL(r.url());
    if (url.origin === server.url) serverCalls.push(`${r.method()} ${r.headers()['x-amz-target'] ?? url.pathname}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rootSync?.destroy();
  await server?.close();
  if (data) await rm(data, { recursive: true, force: true });
});

describe('sync client in headless Chromium with IndexedDB', () => {
  it('gets a guest identity, keeps a dataset in IndexedDB and pushes it across origins', async () => {
    const [originA] = app.origins;
    expect(new URL(originA).origin).not.toBe(server.url);
    await openSyncApp(pageA, originA);
    const started = await a('start', config('browser-a'));
    expect(started.restored).toBe(false);
    expect(started.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    identityId = started.identityId;
    expect(serverCalls).toContain('POST AWSCognitoIdentityService.GetId');

    await a('put', DATASET, 'theme', 'dark');
    await a('put', DATASET, 'volume', '7');
    expect(await a('pendingChanges', DATASET)).toBe(2);
    const synced = await a('synchronize', DATASET);
    expect(synced).toMatchObject({ status: 'synced', pushed: 2, conflicts: 0 });
    expect(await a('pendingChanges', DATASET)).toBe(0);
    expect(await a('databases')).toContain('cognate-sync');

    const remote = await onServer();
    expect(remote.values).toEqual({ theme: 'dark', volume: '7' });
    expect(synced.lastSyncCount).toBe(remote.syncCount);
  });

  it('an edit made offline stays queued: synchronize reports offline and loses nothing', async () => {
    await browser.context.setOffline(true);
    try {
      await a('put', DATASET, 'volume', '8');
      const result = await a('synchronize', DATASET);
      expect(result).toMatchObject({ status: 'offline', pushed: 0, error: 'OfflineError' });
    } finally {
      await browser.context.setOffline(false);
    }
    expect(await a('pendingChanges', DATASET)).toBe(1);
    expect((await onServer()).values).toEqual({ theme: 'dark', volume: '7' });
  });

  it('after a reload the dataset comes from IndexedDB with no network call, and the queued edit is pushed', async () => {
    const { syncCount } = await onServer();
    serverCalls.length = 0;
    await pageA.reload();
    await pageA.waitForFunction('typeof window.syncApp === "object"');

    const started = await a('start', config('browser-a'));
    expect(started).toEqual({ identityId, restored: true });
    expect(await a('getAll', DATASET)).toEqual({ theme: 'dark', volume: '8' });
    expect(await a('pendingChanges', DATASET)).toBe(1);
    const state = await a('state', DATASET);
    expect(state.lastSyncCount).toBe(syncCount);
    expect(state.records['volume']).toMatchObject({ value: '8', modified: true });
    expect(state.records['theme']).toMatchObject({ value: 'dark', modified: false });
    expect(serverCalls).toEqual([]);

    const synced = await a('synchronize', DATASET);
    expect(synced).toMatchObject({ status: 'synced', pushed: 1, pulled: 0, conflicts: 0 });
    expect(await a('pendingChanges', DATASET)).toBe(0);
    expect(serverCalls).not.toContain('POST AWSCognitoIdentityService.GetId');
    const remote = await onServer();
    expect(remote.values).toEqual({ theme: 'dark', volume: '8' });
    expect(remote.syncCount).toBeGreaterThan(syncCount);
    expect(synced.lastSyncCount).toBe(remote.syncCount);
  });

  it('a second device of the same identity starts from empty IndexedDB and pulls the dataset', async () => {
    const [, originB] = app.origins;
    await openSyncApp(pageB, originB);
    const started = await b('start', { ...config('browser-b'), identityId });
    expect(started).toEqual({ identityId, restored: false });
    expect(await b('getAll', DATASET)).toEqual({});

    expect(await b('synchronize', DATASET)).toMatchObject({ status: 'synced', pulled: 2, pushed: 0 });
    expect(await b('getAll', DATASET)).toEqual({ theme: 'dark', volume: '8' });
  });

  it('edits of the same keys on both devices are settled by last-writer-wins, the same everywhere', async () => {
    // theme: A writes first, B last (B wins); font: B writes first, A last (A wins).
    await a('put', DATASET, 'theme', 'light');
    await tick();
    await b('put', DATASET, 'theme', 'blue');
    await b('put', DATASET, 'font', 'serif');
    await tick();
    await a('put', DATASET, 'font', 'mono');

    expect(await b('synchronize', DATASET)).toMatchObject({ status: 'synced', pushed: 2, conflicts: 0 });
    expect(await a('synchronize', DATASET)).toMatchObject({ status: 'synced', conflicts: 2, pushed: 1 });
    const decided = (await a('conflicts')).sort((x, y) => x.key.localeCompare(y.key));
    expect(decided).toEqual([
      { key: 'font', local: 'mono', remote: 'serif', resolution: 'local' },
      { key: 'theme', local: 'light', remote: 'blue', resolution: 'remote' },
    ]);
    expect(await b('synchronize', DATASET)).toMatchObject({ status: 'synced', pulled: 1, conflicts: 0 });

    const expected = { theme: 'blue', font: 'mono', volume: '8' };
    expect(await a('getAll', DATASET)).toEqual(expected);
    expect(await b('getAll', DATASET)).toEqual(expected);
    expect(await a('pendingChanges', DATASET)).toBe(0);
    expect(await b('pendingChanges', DATASET)).toBe(0);
    expect((await onServer()).values).toEqual(expected);
  });

  it('two tabs of one origin share the IndexedDB store and lose none of each other\'s edits', async () => {
    await openSyncApp(pageA2, app.origins[0]);
    expect(await a2('start', config('browser-a'))).toEqual({ identityId, restored: true });
    const entries = (prefix: string) => Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`${prefix}${i}`, `${prefix}-value`]));
    await Promise.all([a('putMany', 'tabs', entries('a')), a2('putMany', 'tabs', entries('b'))]);

    const all = { ...entries('a'), ...entries('b') };
    expect(await a('getAll', 'tabs')).toEqual(all);
    expect(await a2('getAll', 'tabs')).toEqual(all);
    expect(await a2('synchronize', 'tabs')).toMatchObject({ status: 'synced', pushed: 50 });
    expect(await a('pendingChanges', 'tabs')).toBe(0);
    expect((await onServer('tabs')).values).toEqual(all);
  });

  it('deleting the database while both tabs hold it open is not blocked; the next sync pulls everything back', async () => {
    const remote = await onServer();
    expect(await a('deleteLocalDatabase')).toBe('deleted');
    expect(await a('getAll', DATASET)).toEqual({});
    expect((await a('state', DATASET)).lastSyncCount).toBe(0);

    expect(await a('synchronize', DATASET)).toMatchObject({ status: 'synced', pulled: 3, pushed: 0, lastSyncCount: remote.syncCount });
    expect(await a('getAll', DATASET)).toEqual(remote.values);
    expect(await a2('getAll', DATASET)).toEqual(remote.values);
  });
});
