import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeCognitoSync } from '../../test/support/fake-cognito-sync.js';
import { IDENTITY, TestClock, device } from '../../test/support/devices.js';
import { fakeIndexedDB } from '../../test/support/fake-indexeddb.js';
import type { DatasetState } from '../types.js';
import { FileStore } from './file-store.js';
import { IndexedDbStore } from './indexeddb-store.js';
import type { LocalStore } from './local-store.js';
import { MemoryStore } from './memory-store.js';

const ID = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sync-client-'));
  dirs.push(dir);
  return dir;
}

function state(value: string): DatasetState {
  return {
    lastSyncCount: 3,
    records: { k: { value, syncCount: 3, modified: false, deviceLastModified: 1, localVersion: 0 } },
  };
}

const stores: Array<[string, () => Promise<LocalStore>]> = [
  ['MemoryStore', async () => new MemoryStore()],
  ['FileStore', async () => new FileStore(join(await tempDir(), 'nested', 'dir'))],
  ['IndexedDbStore', async () => new IndexedDbStore({ indexedDB: fakeIndexedDB() as unknown as IDBFactory })],
];

describe.each(stores)('LocalStore contract: %s', (_name, make) => {
  it('loads what was saved, as a copy', async () => {
    const store = await make();
    expect(await store.load(ID, 'd')).toBeUndefined();
    const s = state('v');
    await store.save(ID, 'd', s);
    s.records.k!.value = 'mutated';
    const loaded = await store.load(ID, 'd');
    expect(loaded).toEqual(state('v'));
    loaded!.lastSyncCount = 99;
    expect((await store.load(ID, 'd'))?.lastSyncCount).toBe(3);
  });

  it('keeps identities and datasets apart, lists and deletes', async () => {
    const store = await make();
    await store.save(ID, 'a', state('1'));
    await store.save(ID, 'b', state('2'));
    await store.save('us-east-1:other', 'a', state('3'));
    expect((await store.list(ID)).sort()).toEqual(['a', 'b']);
    expect(await store.list('us-east-1:other')).toEqual(['a']);
    await store.delete(ID, 'a');
    await store.delete(ID, 'missing');
    expect(await store.list(ID)).toEqual(['b']);
    expect((await store.load('us-east-1:other', 'a'))?.records.k?.value).toBe('3');
  });

  it('survives awkward names: __proto__ as dataset name and record key', async () => {
    const store = await make();
    const s: DatasetState = { lastSyncCount: 0, records: {} };
    Object.defineProperty(s.records, '__proto__', {
      value: { value: 'x', syncCount: 0, modified: true, deviceLastModified: 1, localVersion: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    await store.save(ID, '__proto__', s);
    const loaded = await store.load(ID, '__proto__');
    expect(Object.hasOwn(loaded!.records, '__proto__')).toBe(true);
    expect(await store.list(ID)).toEqual(['__proto__']);
  });

  it('serializes concurrent saves of different datasets without losing any', async () => {
    const store = await make();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(ID, `d${i}`, state(String(i)))));
    expect((await store.list(ID)).length).toBe(20);
  });
});

describe('FileStore specifics', () => {
  it('writes one JSON file per identity with an encoded name, and leaves no temp files', async () => {
    const dir = await tempDir();
    const store = new FileStore(dir);
    await store.save(ID, 'd', state('v'));
    await store.save(ID, 'd', state('w'));
    const files = await readdir(dir);
    expect(files).toEqual([`${encodeURIComponent(ID)}.json`]);
    const json = JSON.parse(await readFile(join(dir, files[0]!), 'utf8')) as { version: number; datasets: Record<string, DatasetState> };
    expect(json.version).toBe(1);
    expect(json.datasets.d?.records.k?.value).toBe('w');
    // A second instance sees the same data.
    expect((await new FileStore(dir).load(ID, 'd'))?.records.k?.value).toBe('w');
  });
});

describe('IndexedDbStore specifics', () => {
  it('runs every load-modify-save of a dataset under a Web Lock named after the database, identity and dataset', async () => {
    const held: string[] = [];
    const locks = {
      request: <T>(name: string, callback: () => Promise<T>): Promise<T> => {
        held.push(name);
        return callback();
      },
    } as unknown as LockManager;
    const store = new IndexedDbStore({ indexedDB: fakeIndexedDB() as unknown as IDBFactory, databaseName: 'db', locks });
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), { storage: store }).openOrCreateDataset('d');
    await Promise.all([d.put('a', '1'), d.put('b', '2')]);
    await d.synchronize();
    expect(held.length).toBeGreaterThanOrEqual(3); // two puts and the sync's commit
    expect(new Set(held)).toEqual(new Set([`sync-client\ndb\n${IDENTITY}\nd`]));
    expect(await d.getAll()).toEqual({ a: '1', b: '2' });
  });
});
