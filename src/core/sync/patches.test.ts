import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { listView, mergedCopyName } from './datasets.js';
import { applyPatches } from './patches.js';
import type { DatasetState, SyncRecord } from './types.js';

const dataset = (over: Partial<DatasetState> = {}): DatasetState => ({
  poolId: 'p',
  identityId: 'i',
  name: 'd',
  syncCount: 5,
  deleted: false,
  deletedAtCount: null,
  createdAt: 1,
  lastModifiedAt: 1,
  lastModifiedBy: 'x',
  dataStorage: 2,
  numRecords: 1,
  mergedBase: null,
  mergedFrom: null,
  ...over,
});
const rec = (key: string, value: string | null, syncCount: number): SyncRecord => ({ key, value, syncCount, lastModifiedAt: 1, lastModifiedBy: 'x', deviceLastModifiedAt: null });
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? `${e.code}: ${e.message}` : 'other';
  }
  return undefined;
};

describe('applyPatches (aws-apis.md §7.2)', () => {
  it('raises the dataset count by exactly one and stamps it on every patched record', () => {
    const r = applyPatches({
      datasetName: 'd',
      dataset: dataset(),
      existing: new Map([['a', rec('a', 'x', 3)]]),
      patches: [
        { op: 'replace', key: 'a', value: 'yy', syncCount: 3 },
        { op: 'replace', key: 'b', value: 'z', syncCount: 0, deviceLastModifiedAt: 42 },
        { op: 'remove', key: 'c', value: '', syncCount: 0 },
      ],
      now: 100,
      by: 'dev',
    });
    expect(r.syncCount).toBe(6);
    expect(r.records.map((x) => [x.key, x.value, x.syncCount])).toEqual([['a', 'yy', 6], ['b', 'z', 6], ['c', null, 6]]);
    expect(r.records[1]!.deviceLastModifiedAt).toBe(42);
    expect(r.numRecords).toBe(2);
    expect(r.dataStorage).toBe(2 - 2 + 3 + 2);
    expect(r.changes.map((c) => [c.key, c.oldValue, c.newValue, c.op])).toEqual([['a', 'x', 'yy', 'replace'], ['b', null, 'z', 'replace'], ['c', null, null, 'remove']]);
  });

  it('rejects the whole batch with AWS’s conflict message when any SyncCount is stale', () => {
    const msg = codeOf(() =>
      applyPatches({
        datasetName: 'd',
        dataset: dataset(),
        existing: new Map([['a', rec('a', 'x', 3)]]),
        patches: [{ op: 'replace', key: 'new', value: 'v', syncCount: 0 }, { op: 'replace', key: 'a', value: 'v', syncCount: 2 }],
        now: 1,
        by: 'b',
      }),
    );
    expect(msg).toBe('Conflict: Current SyncCount for: a is: 3 not: 2');
  });

  it('counts removed records as present for the SyncCount check but not for the limits', () => {
    const r = applyPatches({ datasetName: 'd', dataset: dataset({ numRecords: 0, dataStorage: 0 }), existing: new Map([['a', rec('a', null, 4)]]), patches: [{ op: 'replace', key: 'a', value: 'v', syncCount: 4 }], now: 1, by: 'b' });
    expect(r.numRecords).toBe(1);
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: dataset(), existing: new Map([['a', rec('a', null, 4)]]), patches: [{ op: 'replace', key: 'a', value: 'v', syncCount: 0 }], now: 1, by: 'b' }))).toMatch(/^Conflict/);
  });

  it('continues the counter of a deleted dataset and starts it empty', () => {
    const r = applyPatches({ datasetName: 'd', dataset: dataset({ deleted: true, syncCount: 9, numRecords: 0, dataStorage: 0 }), existing: new Map(), patches: [{ op: 'replace', key: 'k', value: 'v', syncCount: 0 }], now: 1, by: 'b' });
    expect(r.syncCount).toBe(10);
    expect(r.numRecords).toBe(1);
  });

  it('enforces 1,024 records and 1 MB of UTF-8 key + value bytes', () => {
    const full = dataset({ numRecords: 1024, dataStorage: 1024 });
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: full, existing: new Map(), patches: [{ op: 'replace', key: 'k', value: 'v', syncCount: 0 }], now: 1, by: 'b' }))).toMatch(/^LimitExceeded/);
    const big = 'é'.repeat(262_144); // 524,288 bytes
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: undefined, existing: new Map(), patches: [{ op: 'replace', key: 'a', value: big, syncCount: 0 }, { op: 'replace', key: 'b', value: big, syncCount: 0 }], now: 1, by: 'b' }))).toMatch(/^LimitExceeded/);
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: undefined, existing: new Map(), patches: [{ op: 'replace', key: 'a', value: big, syncCount: 0 }], now: 1, by: 'b' }))).toBeUndefined();
  });

  it('refuses empty and duplicate patch lists (UpdateRecords never answers an empty Records)', () => {
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: undefined, existing: new Map(), patches: [], now: 1, by: 'b' }))).toMatch(/^InvalidParameter/);
    expect(codeOf(() => applyPatches({ datasetName: 'd', dataset: undefined, existing: new Map(), patches: [{ op: 'replace', key: 'a', syncCount: 0 }, { op: 'remove', key: 'a', syncCount: 0 }], now: 1, by: 'b' }))).toMatch(/^InvalidParameter/);
  });
});

describe('listView (aws-apis.md §7.2, §7.6)', () => {
  it('reports a missing dataset as not existing at count 0', () => {
    expect(listView(undefined, 0)).toEqual({ exists: false, deletedAfter: false, syncCount: 0 });
    expect(codeOf(() => listView(undefined, 3))).toBe('InvalidParameter: No such SyncCount: 3 exists for this Dataset');
  });

  it('accepts lastSyncCount equal to the current count and refuses a larger one', () => {
    expect(listView(dataset(), 5)).toEqual({ exists: true, deletedAfter: false, syncCount: 5 });
    expect(codeOf(() => listView(dataset(), 6))).toBe('InvalidParameter: No such SyncCount: 6 exists for this Dataset');
  });

  it('tells only devices that synced before a deletion about it', () => {
    const tomb = dataset({ deleted: true, syncCount: 6, deletedAtCount: 6 });
    expect(listView(tomb, 0)).toEqual({ exists: false, deletedAfter: false, syncCount: 6 });
    expect(listView(tomb, 5)).toEqual({ exists: false, deletedAfter: true, syncCount: 6 });
    expect(listView(tomb, 6)).toEqual({ exists: false, deletedAfter: false, syncCount: 6 });
    const recreated = dataset({ syncCount: 8, deletedAtCount: 6 });
    expect(listView(recreated, 4).deletedAfter).toBe(true);
    expect(listView(recreated, 7).deletedAfter).toBe(false);
    expect(listView(recreated, 0).deletedAfter).toBe(false);
  });
});

describe('mergedCopyName (aws-apis.md §7.5)', () => {
  it('names the copy <name>.<identity id> within 128 characters', () => {
    const id = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    expect(mergedCopyName('Main', id)).toBe(`Main.${id}`);
    const long = mergedCopyName('x'.repeat(128), id);
    expect(long.length).toBe(128);
    expect(long.endsWith(`.${id}`)).toBe(true);
  });
});
