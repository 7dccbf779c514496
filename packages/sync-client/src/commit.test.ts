import { describe, expect, it } from 'vitest';
import { FakeCognitoSync } from '../test/support/fake-cognito-sync.js';
import { TestClock, device } from '../test/support/devices.js';
import { emptyPlan, fromRemote } from './plan.js';
import { afterDeletion, commitPlan, nextSyncCount } from './synchronizer.js';
import type { DatasetState, LocalRecord } from './types.js';

const rec = (value: string | null, syncCount: number, extra: Partial<LocalRecord> = {}): LocalRecord => ({
  value,
  syncCount,
  modified: false,
  deviceLastModified: 1,
  localVersion: 0,
  ...extra,
});

describe('commitPlan', () => {
  it('stores what the server returned, unmodified', () => {
    const snapshot: DatasetState = { lastSyncCount: 4, records: { k: rec('new', 4, { modified: true, localVersion: 1 }) } };
    const next = commitPlan(snapshot, structuredClone(snapshot), emptyPlan(), [{ key: 'k', value: 'new', syncCount: 4, deviceLastModified: 1 }], [
      { key: 'k', value: 'new', syncCount: 5 },
    ]);
    expect(next.records.k).toMatchObject({ value: 'new', syncCount: 5, modified: false, localVersion: 1 });
  });

  it('keeps an edit made during the round, rebased on the new SyncCount', () => {
    const snapshot: DatasetState = { lastSyncCount: 4, records: { k: rec('sent', 4, { modified: true, localVersion: 1 }) } };
    const current: DatasetState = { lastSyncCount: 4, records: { k: rec('newer', 4, { modified: true, localVersion: 2 }) } };
    const next = commitPlan(snapshot, current, emptyPlan(), [{ key: 'k', value: 'sent', syncCount: 4, deviceLastModified: 1 }], [
      { key: 'k', value: 'sent', syncCount: 5 },
    ]);
    expect(next.records.k).toMatchObject({ value: 'newer', syncCount: 5, modified: true, localVersion: 2 });
  });

  it('keeps a key created locally during the round over a pulled one', () => {
    const plan = emptyPlan();
    plan.writes.set('k', fromRemote({ key: 'k', value: 'remote', syncCount: 3 }, 0));
    const current: DatasetState = { lastSyncCount: 0, records: { k: rec('mine', 0, { modified: true, localVersion: 1 }) } };
    const next = commitPlan({ lastSyncCount: 0, records: {} }, current, plan, [], []);
    expect(next.records.k).toMatchObject({ value: 'mine', syncCount: 3, modified: true });
  });

  it('leaves a patched record the server did not echo pending', () => {
    const snapshot: DatasetState = { lastSyncCount: 0, records: { k: rec('v', 0, { modified: true, localVersion: 1 }) } };
    const next = commitPlan(snapshot, structuredClone(snapshot), emptyPlan(), [{ key: 'k', value: 'v', syncCount: 0, deviceLastModified: 1 }], []);
    expect(next.records.k?.modified).toBe(true);
  });

  it('drops removals of keys the server never had', () => {
    const snapshot: DatasetState = { lastSyncCount: 0, records: { gone: rec(null, 0, { modified: true, localVersion: 2 }) } };
    expect(commitPlan(snapshot, structuredClone(snapshot), emptyPlan(), [], []).records).toEqual({});
  });
});

describe('nextSyncCount', () => {
  it('advances only over a provably contiguous push', () => {
    const p = [{ key: 'a', value: 'v', syncCount: 0, deviceLastModified: 1 }];
    expect(nextSyncCount(7, [], [])).toEqual({ lastSyncCount: 7, contiguous: true });
    expect(nextSyncCount(7, p, [{ key: 'a', value: 'v', syncCount: 8 }])).toEqual({ lastSyncCount: 8, contiguous: true });
    expect(nextSyncCount(7, p, [{ key: 'a', value: 'v', syncCount: 9 }])).toEqual({ lastSyncCount: 7, contiguous: false });
    expect(nextSyncCount(7, p, [])).toEqual({ lastSyncCount: 7, contiguous: false });
  });
});

describe('afterDeletion', () => {
  const snapshot: DatasetState = { lastSyncCount: 5, records: { a: rec('1', 5), gone: rec(null, 4), edited: rec('x', 5, { localVersion: 1 }) } };
  const current: DatasetState = { lastSyncCount: 5, records: { ...snapshot.records, edited: rec('y', 5, { modified: true, localVersion: 2 }) } };
  it('purge keeps only edits made during the round', () => {
    expect(afterDeletion(snapshot, current, 'purge')).toEqual({
      lastSyncCount: 0,
      records: { edited: rec('y', 0, { modified: true, localVersion: 2 }) },
    });
  });
  it('recreate keeps every live record as a new local change', () => {
    const next = afterDeletion(snapshot, current, 'recreate');
    expect(Object.keys(next.records).sort()).toEqual(['a', 'edited']);
    expect(next.records.a).toMatchObject({ syncCount: 0, modified: true });
  });
});

describe('local-only removals', () => {
  it('a key put and removed before any sync costs no request and leaves nothing pending', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'v');
    await d.remove('k');
    expect(await d.pendingChanges()).toBe(1);
    await d.synchronize();
    expect(service.count('UpdateRecords')).toBe(0);
    expect(await d.pendingChanges()).toBe(0);
    expect((await d.state()).records).toEqual({});
  });
});
