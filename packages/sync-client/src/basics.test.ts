import { describe, expect, it, vi } from 'vitest';
import { FakeCognitoSync } from '../test/support/fake-cognito-sync.js';
import { IDENTITY, TestClock, device } from '../test/support/devices.js';
import { backoffDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { LimitExceededError, LIMITS, ValidationError, lastWriterWins } from './index.js';
import { isNetworkError } from './network.js';
import type { Conflict, DatasetState } from './types.js';

describe('limits and validation', () => {
  const client = device(new FakeCognitoSync(), new TestClock());

  it('checks dataset names', () => {
    expect(() => client.openOrCreateDataset('ok_name.1:2-3')).not.toThrow();
    for (const bad of ['', 'a b', 'x'.repeat(129), 'slash/no', 'é']) {
      expect(() => client.openOrCreateDataset(bad)).toThrow(ValidationError);
    }
  });

  it('checks keys and values', async () => {
    const d = client.openOrCreateDataset('v');
    await expect(d.put('', 'x')).rejects.toMatchObject({ code: 'InvalidKey' });
    await expect(d.put('k'.repeat(1025), 'x')).rejects.toMatchObject({ code: 'InvalidKey' });
    await expect(d.put('k', 42 as unknown as string)).rejects.toMatchObject({ code: 'InvalidValue' });
    await d.put('k'.repeat(1024), '');
    expect(await d.get('k'.repeat(1024))).toBe('');
  });

  it('enforces 1024 records and 1 MB per dataset', async () => {
    const d = client.openOrCreateDataset('many');
    const full: DatasetState = { lastSyncCount: 0, records: {} };
    for (let i = 0; i < LIMITS.recordsPerDataset - 1; i++) {
      full.records[`k${i}`] = { value: 'v', syncCount: 0, modified: true, deviceLastModified: 1, localVersion: 1 };
    }
    await client.storage.save(IDENTITY, 'many', full);
    await d.put(`k${LIMITS.recordsPerDataset - 1}`, 'v');
    await expect(d.put('one-more', 'v')).rejects.toBeInstanceOf(LimitExceededError);
    await d.put('k0', 'replaced'); // replacing is fine
    await d.remove('k1');
    await d.put('one-more', 'v'); // a removed record frees its slot

    const big = client.openOrCreateDataset('big');
    await big.put('a', 'x'.repeat(LIMITS.datasetBytes - 2));
    await expect(big.put('b', 'xx')).rejects.toMatchObject({ code: 'LimitExceeded' });
    await expect(big.put('a', 'é'.repeat(LIMITS.datasetBytes / 2))).rejects.toMatchObject({ code: 'LimitExceeded' });
  });

  it('treats "__proto__" as an ordinary key', async () => {
    const d = client.openOrCreateDataset('proto');
    expect(await d.get('__proto__')).toBeUndefined();
    await d.put('__proto__', 'v');
    expect(await d.get('__proto__')).toBe('v');
    expect(Object.keys(await d.getAll())).toEqual(['__proto__']);
  });
});

describe('emitter', () => {
  it('delivers typed payloads, supports off and once, isolates throwing listeners', () => {
    const failures: unknown[] = [];
    const e = new Emitter<{ a: number; b: string }>((error, event) => failures.push([event, (error as Error).message]));
    const got: unknown[] = [];
    const off = e.on('a', (n) => got.push(n));
    e.once('b', (s) => got.push(s));
    e.on('a', () => {
      throw new Error('listener bug');
    });
    expect(e.emit('a', 1)).toBe(true);
    e.emit('b', 'x');
    expect(e.emit('b', 'y')).toBe(false);
    off();
    e.emit('a', 2);
    expect(got).toEqual([1, 'x']);
    expect(failures).toEqual([['a', 'listener bug'], ['a', 'listener bug']]);
  });
});

describe('lastWriterWins', () => {
  const c = (local: number | undefined, remote: number | undefined, remoteServer?: number): Conflict => ({
    dataset: 'd',
    key: 'k',
    source: 'remote',
    local: { key: 'k', value: 'l', syncCount: 1, ...(local === undefined ? {} : { deviceLastModified: local }) },
    remote: {
      key: 'k',
      value: 'r',
      syncCount: 2,
      ...(remote === undefined ? {} : { deviceLastModified: remote }),
      ...(remoteServer === undefined ? {} : { lastModified: remoteServer }),
    },
  });
  it('newer wins, ties and unknowns go to remote, server date is the fallback', () => {
    expect(lastWriterWins(c(2, 1))).toBe('local');
    expect(lastWriterWins(c(1, 2))).toBe('remote');
    expect(lastWriterWins(c(1, 1))).toBe('remote');
    expect(lastWriterWins(c(undefined, undefined))).toBe('remote');
    expect(lastWriterWins(c(5, undefined, 3))).toBe('local');
    expect(lastWriterWins(c(5, undefined, 7))).toBe('remote');
  });
});

describe('network error detection', () => {
  it('recognizes socket errors and fetch failures, never service answers', () => {
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isNetworkError(new TypeError('Failed to fetch'))).toBe(true);
    expect(isNetworkError(new TypeError('NetworkError when attempting to fetch resource.'))).toBe(true);
    expect(isNetworkError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { name: 'TimeoutError' }))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET', $metadata: { httpStatusCode: 500 } }))).toBe(false);
    expect(isNetworkError(new TypeError('x is not a function'))).toBe(false);
    expect(isNetworkError('ECONNREFUSED')).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, o, () => 0)).toBe(50);
    expect(backoffDelay(1, o, () => 1)).toBe(100);
    expect(backoffDelay(3, o, () => 1)).toBe(400);
    expect(backoffDelay(10, o, () => 1)).toBe(1000);
  });
});

describe('autoSync', () => {
  it('syncs after a local change, backs off while offline, and recovers', async () => {
    const service = new FakeCognitoSync();
    const client = device(service, new TestClock(), { autoSync: { debounceMs: 5, minBackoffMs: 40, maxBackoffMs: 80 } });
    const d = client.openOrCreateDataset('auto');
    const statuses: string[] = [];
    d.on('synced', (r) => statuses.push(r.status));
    d.on('error', () => statuses.push('error'));
    service.offline = true;
    await d.put('k', 'v');
    await vi.waitFor(() => expect(statuses).toEqual(['error', 'error']), { timeout: 2000, interval: 5 });
    service.offline = false;
    await vi.waitFor(() => expect(statuses).toEqual(['error', 'error', 'synced']), { timeout: 2000, interval: 5 });
    expect(service.dataset('us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'auto')?.records.get('k')?.Value).toBe('v');
    await new Promise((r) => setTimeout(r, 200));
    expect(statuses).toHaveLength(3); // settled: no further syncs until the next change
    await d.put('k', 'w');
    await vi.waitFor(() => expect(statuses).toHaveLength(4), { timeout: 2000, interval: 5 });
    client.close();
  });
});
