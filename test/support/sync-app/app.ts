/**
 * The browser side of the sync client e2e test: a tiny app written as an app author would write
 * it, with the official SDK v3 clients and @cognate/sync-client from its TypeScript source, bundled
 * by esbuild (test/support/sync-app.ts). The test drives it through `window.syncApp`; every
 * answer is plain JSON so it crosses page.evaluate unchanged.
 */
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { fromCognitoIdentity, fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { IndexedDbStore, SyncClient, type Dataset, type DatasetState } from '../../../packages/sync-client/src/index.js';

export interface SyncAppConfig {
  endpoint: string;
  region: string;
  identityPoolId: string;
  deviceId: string;
  /** Join this identity (a second device of the same user) instead of the one this origin remembers. */
  identityId?: string;
}

export interface SyncOutcome {
  status: 'synced' | 'offline';
  pulled: number;
  pushed: number;
  conflicts: number;
  lastSyncCount: number;
  /** Name of the error behind an `offline` result. */
  error?: string;
}

export interface ConflictSeen {
  key: string;
  local: string | null;
  remote: string | null;
  resolution: 'local' | 'remote' | 'value';
}

export interface SyncAppApi {
  /** Sets up the client; resolves the identity over the network only when this origin has none yet. */
  start(config: SyncAppConfig): Promise<{ identityId: string; restored: boolean }>;
  put(dataset: string, key: string, value: string): Promise<void>;
  /** One put after another, as a user typing. */
  putMany(dataset: string, entries: Record<string, string>): Promise<void>;
  getAll(dataset: string): Promise<Record<string, string>>;
  pendingChanges(dataset: string): Promise<number>;
  state(dataset: string): Promise<DatasetState>;
  synchronize(dataset: string): Promise<SyncOutcome>;
  /** Conflicts decided so far in this page (the client's `conflict` events). */
  conflicts(): ConflictSeen[];
  /** Names of this origin's IndexedDB databases. */
  databases(): Promise<string[]>;
  /** Deletes the store's database, as an app clearing local data on sign-out; `blocked` if an open connection holds it. */
  deleteLocalDatabase(): Promise<'deleted' | 'blocked'>;
}

/** IndexedDbStore's default database name. */
const DATABASE = 'cognate-sync';
const ID_KEY = (poolId: string): string => `sync-app:identity:${poolId}`;

let client: SyncClient | undefined;
const conflicts: ConflictSeen[] = [];

function sync(): SyncClient {
  if (!client) throw new Error('syncApp.start() first');
  return client;
}

const subscribed = new WeakSet<Dataset>();

function dataset(name: string): Dataset {
  const d = sync().openOrCreateDataset(name);
  // openOrCreateDataset returns one instance per name, so subscribe once.
  if (!subscribed.has(d)) {
    subscribed.add(d);
    d.on('conflict', ({ conflict, resolution }) => {
      conflicts.push({
        key: conflict.key,
        local: conflict.local.value,
        remote: conflict.remote.value,
        resolution: typeof resolution === 'string' ? resolution : 'value',
      });
    });
  }
  return d;
}

const api: SyncAppApi = {
  async start(config) {
    const clientConfig = { endpoint: config.endpoint, region: config.region };
    // The identity id is kept by the app (README "Identity"): known offline, and a failed
    // credential call cannot make the SDK forget it.
    const remembered = localStorage.getItem(ID_KEY(config.identityPoolId));
    const stored = config.identityId ?? remembered;
    const credentials = stored
      ? fromCognitoIdentity({ identityId: stored, clientConfig })
      : fromCognitoIdentityPool({ identityPoolId: config.identityPoolId, clientConfig });
    const known = stored || (await credentials()).identityId;
    localStorage.setItem(ID_KEY(config.identityPoolId), known);
    client = new SyncClient({
      client: new CognitoSyncClient({ ...clientConfig, credentials }),
      identityPoolId: config.identityPoolId,
      identityId: () => known,
      storage: new IndexedDbStore({ databaseName: DATABASE }),
      deviceId: config.deviceId,
    });
    return { identityId: known, restored: remembered !== null && config.identityId === undefined };
  },
  put: (name, key, value) => dataset(name).put(key, value),
  async putMany(name, entries) {
    for (const [key, value] of Object.entries(entries)) await dataset(name).put(key, value);
  },
  getAll: async (name) => ({ ...(await dataset(name).getAll()) }),
  pendingChanges: (name) => dataset(name).pendingChanges(),
  state: (name) => dataset(name).state(),
  async synchronize(name) {
    const r = await dataset(name).synchronize();
    return {
      status: r.status,
      pulled: r.pulled,
      pushed: r.pushed,
      conflicts: r.conflicts,
      lastSyncCount: r.lastSyncCount,
      ...(r.error ? { error: r.error.name } : {}),
    };
  },
  conflicts: () => [...conflicts],
  databases: async () => (await indexedDB.databases()).map((d) => d.name ?? ''),
  deleteLocalDatabase: () =>
    new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(DATABASE);
      req.onsuccess = () => resolve('deleted');
      // Without a versionchange handler, a connection open in any tab stalls the delete until that tab closes.
      req.onblocked = () => resolve('blocked');
      req.onerror = () => reject(req.error ?? new Error('deleteDatabase failed'));
    }),
};

Object.assign(globalThis, { syncApp: api });
