import { describe, expect, it } from 'vitest';
import { FakeCognitoSync } from '../test/support/fake-cognito-sync.js';
import { IDENTITY, TestClock, device } from '../test/support/devices.js';
import { ConflictRetriesExhaustedError, RemoteError, type Conflict, type ConflictResolver } from './index.js';

describe('synchronize: push and pull', () => {
  it('pushes local records, then another device pulls them', async () => {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const a = device(service, clock).openOrCreateDataset('prefs');
    await a.put('theme', 'dark');
    await a.put('lang', 'fr');
    const pushed = await a.synchronize();
    expect(pushed).toMatchObject({ status: 'synced', pushed: 2, lastSyncCount: 1 });
    expect(await a.pendingChanges()).toBe(0);

    const b = device(service, clock).openOrCreateDataset('prefs');
    const pulled = await b.synchronize();
    expect(pulled).toMatchObject({ status: 'synced', pulled: 2, pushed: 0, lastSyncCount: 1 });
    expect(await b.getAll()).toEqual({ theme: 'dark', lang: 'fr' });
  });

  it('propagates removals, and a removed key can be written again', async () => {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const a = device(service, clock).openOrCreateDataset('d');
    const b = device(service, clock).openOrCreateDataset('d');
    await a.put('k', 'v');
    await a.synchronize();
    await b.synchronize();
    await b.remove('k');
    await b.synchronize();
    await a.synchronize();
    expect(await a.get('k')).toBeUndefined();
    // The tombstone keeps its SyncCount, so writing the key again is not a 409.
    await a.put('k', 'again');
    expect(await a.synchronize()).toMatchObject({ status: 'synced', retries: 0 });
    await b.synchronize();
    expect(await b.get('k')).toBe('again');
  });

  it('first sync of a dataset that does not exist on the server (DatasetExists:false) is a no-op', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('fresh');
    expect(await d.synchronize()).toMatchObject({ status: 'synced', pulled: 0, pushed: 0, lastSyncCount: 0 });
    expect(service.count('UpdateRecords')).toBe(0);
  });

  it('pages ListRecords with NextToken until done', async () => {
    const service = new FakeCognitoSync();
    service.pageSize = 3;
    const changes: Record<string, string> = {};
    for (let i = 0; i < 10; i++) changes[`k${i}`] = `v${i}`;
    service.write(IDENTITY, 'big', changes);
    const d = device(service, new TestClock()).openOrCreateDataset('big');
    expect(await d.synchronize()).toMatchObject({ pulled: 10, lastSyncCount: 1 });
    expect(Object.keys(await d.getAll())).toHaveLength(10);
    expect(service.count('ListRecords')).toBe(4);
    const tokens = service.calls.filter((c) => c.op === 'ListRecords').map((c) => c.query?.nextToken);
    expect(tokens[0]).toBeUndefined();
    expect(tokens.slice(1).every((t) => typeof t === 'string')).toBe(true);
  });

  it('an empty Records answer to UpdateRecords never hangs and settles on the next pull', async () => {
    const service = new FakeCognitoSync();
    service.emptyUpdateResponse = true;
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'v');
    const result = await d.synchronize();
    expect(result.status).toBe('synced');
    expect(await d.pendingChanges()).toBe(0);
    expect((await d.state()).records.k).toMatchObject({ value: 'v', syncCount: 1, modified: false });
  });

  it('does not skip another device write that lands between ListRecords and UpdateRecords', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('mine', '1');
    let once = true;
    service.beforeUpdate = () => {
      if (once) service.write(IDENTITY, 'd', { theirs: '2' });
      once = false;
    };
    const result = await d.synchronize();
    expect(result.lastSyncCount).toBe(2);
    expect(await d.getAll()).toEqual({ mine: '1', theirs: '2' });
  });

  it('keeps a local edit made while a sync is in flight', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'first');
    service.beforeUpdate = () => {
      service.beforeUpdate = undefined;
      void d.put('k', 'second');
    };
    const first = d.synchronize();
    await first;
    // The edit raced the commit: whichever order, it must survive and still be pending or pushed.
    await d.synchronize();
    expect(await d.get('k')).toBe('second');
    const other = device(service, new TestClock()).openOrCreateDataset('d');
    await other.synchronize();
    expect(await other.get('k')).toBe('second');
  });

  it('coalesces concurrent synchronize() calls', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'v');
    const results = await Promise.all([d.synchronize(), d.synchronize(), d.synchronize()]);
    expect(results.map((r) => r.status)).toEqual(['synced', 'synced', 'synced']);
    expect(service.count('UpdateRecords')).toBe(1);
    expect(service.count('ListRecords')).toBe(2);
  });
});

describe('synchronize: conflict matrix', () => {
  async function conflictOn(resolver?: ConflictResolver, localAt = 5000, remoteAt = 2000) {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const d = device(service, clock, resolver ? { conflictResolver: resolver } : {}).openOrCreateDataset('d');
    await d.put('k', 'base');
    await d.synchronize();
    clock.ms = 1_700_000_000_000 + localAt;
    await d.put('k', 'local');
    service.write(IDENTITY, 'd', { k: 'remote' }, 'other', 1_700_000_000_000 + remoteAt);
    const conflicts: Conflict[] = [];
    d.on('conflict', (e) => conflicts.push(e.conflict));
    const result = await d.synchronize();
    return { service, d, result, conflicts };
  }

  it('default last-writer-wins: the newer local edit wins', async () => {
    const { d, result, conflicts, service } = await conflictOn(undefined, 5000, 2000);
    expect(result.conflicts).toBe(1);
    expect(conflicts[0]).toMatchObject({ key: 'k', local: { value: 'local' }, remote: { value: 'remote' }, source: 'remote' });
    expect(await d.get('k')).toBe('local');
    expect(service.dataset(IDENTITY, 'd')?.records.get('k')?.Value).toBe('local');
  });

  it('default last-writer-wins: the newer remote edit wins', async () => {
    const { d, service } = await conflictOn(undefined, 2000, 5000);
    expect(await d.get('k')).toBe('remote');
    expect(await d.pendingChanges()).toBe(0);
    expect(service.dataset(IDENTITY, 'd')?.count).toBe(2);
  });

  it('last-writer-wins tie goes to remote', async () => {
    const { d } = await conflictOn(undefined, 3000, 3000);
    expect(await d.get('k')).toBe('remote');
  });

  it('custom resolvers: remote, local, value, async, remove', async () => {
    expect(await (await conflictOn(() => 'remote')).d.get('k')).toBe('remote');
    expect(await (await conflictOn(() => 'local', 0, 9000)).d.get('k')).toBe('local');
    const merged = await conflictOn(async (c) => ({ value: `${c.local.value}+${c.remote.value}` }));
    expect(await merged.d.get('k')).toBe('local+remote');
    expect(merged.service.dataset(IDENTITY, 'd')?.records.get('k')?.Value).toBe('local+remote');
    const removed = await conflictOn(() => ({ value: null }));
    expect(await removed.d.get('k')).toBeUndefined();
    expect(removed.service.dataset(IDENTITY, 'd')?.records.get('k')?.Value).toBeUndefined();
  });

  it('no conflict when both sides wrote the same value, or only one side changed', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), { conflictResolver: () => { throw new Error('must not be called'); } }).openOrCreateDataset('d');
    await d.put('same', 'x');
    await d.put('localOnly', 'l');
    service.write(IDENTITY, 'd', { same: 'x', remoteOnly: 'r' });
    const result = await d.synchronize();
    expect(result.conflicts).toBe(0);
    expect(await d.getAll()).toEqual({ same: 'x', localOnly: 'l', remoteOnly: 'r' });
  });

  it('local remove vs remote update is a conflict the resolver sees with a null local value', async () => {
    const service = new FakeCognitoSync();
    const seen: Conflict[] = [];
    const d = device(service, new TestClock(), { conflictResolver: (c) => (seen.push(c), 'local') }).openOrCreateDataset('d');
    await d.put('k', 'v');
    await d.synchronize();
    await d.remove('k');
    service.write(IDENTITY, 'd', { k: 'updated' });
    await d.synchronize();
    expect(seen[0]?.local.value).toBeNull();
    expect(service.dataset(IDENTITY, 'd')?.records.get('k')?.Value).toBeUndefined();
  });

  it('a resolver returning garbage rejects the sync and keeps local changes', async () => {
    const service = new FakeCognitoSync();
    const clock = new TestClock();
    const d = device(service, clock, { conflictResolver: () => 'mine' as never }).openOrCreateDataset('d');
    await d.put('k', 'local');
    service.write(IDENTITY, 'd', { k: 'remote' });
    const errors: Error[] = [];
    d.on('error', (e) => errors.push(e));
    await expect(d.synchronize()).rejects.toThrow(TypeError);
    expect(errors).toHaveLength(1);
    expect(await d.get('k')).toBe('local');
  });
});

describe('synchronize: 409 and retries', () => {
  it('retries the whole round on ResourceConflictException', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('k', 'v');
    service.failNext('UpdateRecords', 409, 'ResourceConflictException', 'Current SyncCount for: k is: 3 not: 0');
    const result = await d.synchronize();
    expect(result).toMatchObject({ status: 'synced', retries: 1, pushed: 1 });
    expect(service.count('ListRecords')).toBe(2);
  });

  it('with strict session tokens, a write between list and update is retried and merged', async () => {
    const service = new FakeCognitoSync();
    service.strictTokens = true;
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    await d.put('mine', '1');
    let once = true;
    service.beforeUpdate = () => {
      if (once) service.write(IDENTITY, 'd', { theirs: '2' });
      once = false;
    };
    const result = await d.synchronize();
    expect(result.retries).toBe(1);
    expect(await d.getAll()).toEqual({ mine: '1', theirs: '2' });
    expect(result.lastSyncCount).toBe(2);
  });

  it('repairs a stale local SyncCount by re-pulling from 0 after repeated conflicts', async () => {
    const service = new FakeCognitoSync();
    service.write(IDENTITY, 'd', { k: 'server' });
    const clock = new TestClock();
    clock.tick(60_000);
    const client = device(service, clock);
    const d = client.openOrCreateDataset('d');
    await d.put('k', 'local');
    // A local state claiming to have seen count 1 without the record (e.g. a restored backup):
    // incremental pulls return nothing and every push is refused with 409 until the full re-pull.
    await client.storage.save(IDENTITY, 'd', { ...(await d.state()), lastSyncCount: 1 });
    const conflicts: string[] = [];
    d.on('conflict', (e) => conflicts.push(e.conflict.key));
    const result = await d.synchronize();
    expect(result).toMatchObject({ status: 'synced', retries: 2, conflicts: 1 });
    expect(conflicts).toEqual(['k']);
    expect(service.dataset(IDENTITY, 'd')?.records.get('k')?.Value).toBe('local');
  });

  it('gives up after maxAttempts with a typed error and keeps local changes', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock(), { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }).openOrCreateDataset('d');
    await d.put('k', 'v');
    for (let i = 0; i < 3; i++) service.failNext('UpdateRecords', 409, 'ResourceConflictException');
    await expect(d.synchronize()).rejects.toBeInstanceOf(ConflictRetriesExhaustedError);
    expect(await d.pendingChanges()).toBe(1);
    expect(await d.synchronize()).toMatchObject({ status: 'synced' });
  });

  it('other service errors are typed RemoteErrors', async () => {
    const service = new FakeCognitoSync();
    const d = device(service, new TestClock()).openOrCreateDataset('d');
    service.failNext('ListRecords', 403, 'NotAuthorizedException', 'nope');
    const error = await d.synchronize().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'Remote', remoteCode: 'NotAuthorizedException', status: 403 });
  });
});
