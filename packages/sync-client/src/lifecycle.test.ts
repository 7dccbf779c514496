import { describe, expect, it } from 'vitest';
import { FakeCognitoSync } from '../test/support/fake-cognito-sync.js';
import { IDENTITY, TestClock, device } from '../test/support/devices.js';
import { OfflineError, type DatasetEvents } from './index.js';

describe('deleted datasets (DatasetDeletedAfterRequestedSyncCount)', () => {
  async function deletedScenario(options: Parameters<typeof device>[2] = {}) {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const d = device(service, clock, options).openOrCreateDataset('d');
    await d.put('a', '1');
    await d.put('b', '2');
    await d.synchronize();
    service.deleteDataset(IDENTITY, 'd');
    const events: Array<DatasetEvents['deleted']> = [];
    d.on('deleted', (e) => events.push(e));
    return { service, d, events };
  }

  it('default: purges local data, emits deleted, and does not crash', async () => {
    const { d, events, service } = await deletedScenario();
    const result = await d.synchronize();
    expect(result).toMatchObject({ status: 'synced', deleted: true, lastSyncCount: 0 });
    expect(events).toEqual([{ dataset: 'd', action: 'purge' }]);
    expect(await d.getAll()).toEqual({});
    expect(service.count('UpdateRecords')).toBe(1);
  });

  it('purge drops unsynced edits too, but not an edit made while the sync runs', async () => {
    const service0 = await deletedScenario();
    await service0.d.put('z', 'unsynced');
    await service0.d.synchronize();
    expect(await service0.d.getAll()).toEqual({});

    let dataset: ReturnType<ReturnType<typeof device>['openOrCreateDataset']> | undefined;
    const { d, service } = await deletedScenario({
      onDatasetDeleted: async () => {
        await dataset?.put('c', 'new');
        return 'purge' as const;
      },
    });
    dataset = d;
    await d.synchronize();
    expect(await d.getAll()).toEqual({ c: 'new' });
    expect(service.dataset(IDENTITY, 'd')?.records.get('c')?.Value).toBe('new');
  });

  it('recreate: pushes the local records into a new dataset whose counter continues', async () => {
    const { d, events, service } = await deletedScenario({ onDatasetDeleted: async () => 'recreate' as const });
    const result = await d.synchronize();
    expect(events[0]?.action).toBe('recreate');
    expect(result).toMatchObject({ deleted: true, pushed: 2, lastSyncCount: 2 });
    const stored = service.dataset(IDENTITY, 'd');
    expect(stored?.deletedAt).toBeUndefined();
    expect(stored?.records.get('a')).toMatchObject({ Value: '1', SyncCount: 2 });
  });

  it('treats DatasetExists:false after a previous sync as deleted', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('a', '1');
    await d.synchronize();
    service.datasets.clear(); // the server lost it entirely
    const result = await d.synchronize();
    expect(result.deleted).toBe(true);
  });
});

describe('merged datasets (MergedDatasetNames)', () => {
  it('default: merges the reported datasets into this one through the resolver, once', async () => {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const client = device(service, clock);
    const d = client.openOrCreateDataset('game');
    await d.put('level', '3');
    await d.put('coins', '10');
    await d.synchronize();
    service.merge(IDENTITY, 'game', 'game.us-east-1:old', { level: '7', badge: 'gold' });
    const merged: Array<DatasetEvents['merged']> = [];
    const conflicts: Array<DatasetEvents['conflict']> = [];
    d.on('merged', (e) => merged.push(e));
    d.on('conflict', (e) => conflicts.push(e));
    const result = await d.synchronize();
    expect(result.merged).toEqual(['game.us-east-1:old']);
    expect(merged).toEqual([{ dataset: 'game', mergedDatasetNames: ['game.us-east-1:old'], action: 'merge' }]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.conflict).toMatchObject({ key: 'level', source: 'merge' });
    // LWW: our level was written after the merged copy, so it stays; the new badge is taken.
    expect(await d.getAll()).toEqual({ level: '3', coins: '10', badge: 'gold' });
    expect(service.dataset(IDENTITY, 'game')?.records.get('badge')?.Value).toBe('gold');

    // Reported again on the next sync (until deleted), but not merged twice: a removed key stays removed.
    await d.remove('badge');
    const again = await d.synchronize();
    expect(again.merged).toEqual([]);
    expect(await d.get('badge')).toBeUndefined();

    // Deleting the merged dataset is the app's choice.
    await client.deleteDataset('game.us-east-1:old');
    expect(service.dataset(IDENTITY, 'game.us-east-1:old')?.deletedAt).toBeDefined();
  });

  it('ignore: leaves local data alone and reports the names on every sync', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), { onDatasetsMerged: () => 'ignore' }).openOrCreateDataset('game');
    service.merge(IDENTITY, 'game', 'game.old', { x: '1' });
    const names: string[][] = [];
    d.on('merged', (e) => names.push(e.mergedDatasetNames));
    await d.synchronize();
    await d.synchronize();
    expect(names).toEqual([['game.old'], ['game.old']]);
    expect(await d.getAll()).toEqual({});
  });
});

describe('offline', () => {
  it('fails softly, keeps modifications, and pushes them once back online', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'v');
    service.offline = true;
    const errors: Error[] = [];
    d.on('error', (e) => errors.push(e));
    const result = await d.synchronize();
    expect(result.status).toBe('offline');
    expect(result.error).toBeInstanceOf(OfflineError);
    expect(errors[0]).toBeInstanceOf(OfflineError);
    expect(await d.pendingChanges()).toBe(1);
    await d.put('k2', 'v2');
    service.offline = false;
    expect(await d.synchronize()).toMatchObject({ status: 'synced', pushed: 2 });
    expect(await d.pendingChanges()).toBe(0);
  });

  it('an identity resolver that needs the network reports offline too', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), {
      identityId: () => Promise.reject(Object.assign(new TypeError('Failed to fetch'), {})),
    }).openOrCreateDataset('d');
    expect((await d.synchronize()).status).toBe('offline');
  });

  it('a response lost after UpdateRecords was applied settles without conflict', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), { conflictResolver: () => { throw new Error('no conflict expected'); } }).openOrCreateDataset('d');
    await d.put('k', 'v');
    service.loseNextUpdateResponse = true;
    expect((await d.synchronize()).status).toBe('offline');
    expect(await d.pendingChanges()).toBe(1);
    expect(await d.synchronize()).toMatchObject({ status: 'synced' });
    expect(await d.pendingChanges()).toBe(0);
  });
});
