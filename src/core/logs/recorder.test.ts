import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { LogEvent } from './events.js';
import { LogRecorder, type LogStore } from './recorder.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A store that records each batch; `fail` makes inserts throw (a database that is down). */
class FakeStore implements LogStore {
  batches: LogEvent[][] = [];
  fail: boolean | ((events: readonly LogEvent[]) => boolean) = false;
  delayMs = 0;
  calls = 0;

  get stored(): LogEvent[] {
    return this.batches.flat();
  }

  async insertMany(events: readonly LogEvent[]): Promise<void> {
    this.calls++;
    if (this.delayMs) await sleep(this.delayMs);
    const failing = typeof this.fail === 'function' ? this.fail(events) : this.fail;
    if (failing) throw new Error('database down');
    this.batches.push([...events]);
  }
}

describe('batched tenant log recorder', () => {
  it('never awaits the store in record(); flushes after flushMs in one batch', async () => {
    const store = new FakeStore();
    const recorder = new LogRecorder(store, new ManualClock(1000), {}, { flushMs: 30, flushEvents: 100 });
    recorder.record({ type: 's' });
    recorder.record({ type: 'fp', user_name: 'a@b.test' });
    expect(store.calls).toBe(0);
    expect(recorder.buffered).toBe(2);
    await sleep(10);
    expect(store.calls).toBe(0); // not before flushMs
    await sleep(60);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]?.map((e) => e.type)).toEqual(['s', 'fp']);
    expect(store.batches[0]?.[0]?.date).toBe('1970-01-01T00:00:01.000Z'); // time of record()
    expect(recorder.recorded).toBe(2);
    expect(recorder.buffered).toBe(0);
  });

  it('flushes at once when flushEvents are buffered, at most maxBatch per transaction', async () => {
    const store = new FakeStore();
    const recorder = new LogRecorder(store, new ManualClock(), {}, { flushMs: 60_000, flushEvents: 5, maxBatch: 8 });
    for (let i = 0; i < 4; i++) recorder.record({ type: 's', user_name: `u${i}` });
    await tick();
    expect(store.calls).toBe(0);
    for (let i = 4; i < 20; i++) recorder.record({ type: 's', user_name: `u${i}` });
    await sleep(20);
    expect(store.batches.map((b) => b.length)).toEqual([8, 8]); // the rest (4) waits for flushMs
    expect(recorder.buffered).toBe(4);
    await recorder.settled();
    expect(store.stored.map((e) => e.user_name)).toEqual(Array.from({ length: 20 }, (_, i) => `u${i}`));
  });

  it('settled() writes out what was recorded before it (read-your-writes), sources included', async () => {
    const store = new FakeStore();
    store.delayMs = 5;
    const recorder = new LogRecorder(store, new ManualClock(), {}, { flushMs: 60_000 });
    recorder.record({ type: 's' });
    recorder.record(async () => {
      await sleep(5);
      return [{ type: 'fp' }, { type: 'limit_wc' }];
    });
    recorder.record(async () => undefined);
    await recorder.settled();
    expect(store.stored.map((e) => e.type)).toEqual(['s', 'fp', 'limit_wc']);
    const calls = store.calls;
    await recorder.settled(); // nothing buffered: no store call
    expect(store.calls).toBe(calls);
  });

  it('close() writes out everything, including sources still resolving; later events are dropped', async () => {
    const store = new FakeStore();
    const recorder = new LogRecorder(store, new ManualClock(), {}, { flushMs: 60_000, maxBatch: 3 });
    for (let i = 0; i < 7; i++) recorder.record({ type: 'seccft' });
    recorder.record(async () => {
      await sleep(10);
      return { type: 'sapi' };
    });
    await recorder.close();
    expect(store.stored.map((e) => e.type)).toEqual([...Array<string>(7).fill('seccft'), 'sapi']);
    expect(recorder.recorded).toBe(8);
    recorder.record({ type: 's' });
    expect(recorder.dropped).toBe(1);
    expect(recorder.buffered).toBe(0);
  });

  it('a failing store never throws into record(): the batch is kept and retried with backoff', async () => {
    const store = new FakeStore();
    store.fail = true;
    const errors: number[] = [];
    const recorder = new LogRecorder(store, new ManualClock(), { onFlushError: (_e, streak) => errors.push(streak) }, { flushMs: 5, retryMaxMs: 20 });
    expect(() => recorder.record({ type: 's' })).not.toThrow();
    recorder.record({ type: 'f' });
    await sleep(40);
    expect(store.calls).toBeGreaterThanOrEqual(2);
    expect(errors.slice(0, 2)).toEqual([1, 2]);
    await expect(recorder.settled()).resolves.toBeUndefined(); // gives up waiting, does not hang or throw
    store.fail = false;
    await sleep(60);
    expect(store.stored.map((e) => e.type)).toEqual(['s', 'f']);
    expect(recorder.dropped).toBe(0);
  });

  it('bounds the buffer while the store is down: the oldest events are dropped and counted', async () => {
    const store = new FakeStore();
    store.fail = true;
    const drops: unknown[] = [];
    const recorder = new LogRecorder(store, new ManualClock(), { onDrop: (e) => drops.push(e) }, { flushMs: 60_000, flushEvents: 1_000, maxBuffered: 5 });
    for (let i = 0; i < 8; i++) recorder.record({ type: 's', user_name: `u${i}` });
    expect(recorder.buffered).toBe(5);
    expect(recorder.dropped).toBe(3);
    expect(String(drops[0])).toMatch(/buffer full/);
    store.fail = false;
    await recorder.settled();
    expect(store.stored.map((e) => e.user_name)).toEqual(['u3', 'u4', 'u5', 'u6', 'u7']);
  });

  it('isolates an event the store refuses by halving the batch, and drops only that one', async () => {
    const store = new FakeStore();
    store.fail = (events) => events.some((e) => e.user_name === 'poison');
    const recorder = new LogRecorder(store, new ManualClock(), {}, { flushMs: 1, retryMaxMs: 2, maxAttempts: 2, flushEvents: 1_000 });
    for (let i = 0; i < 8; i++) recorder.record({ type: 's', user_name: i === 5 ? 'poison' : `u${i}` });
    for (let i = 0; i < 100 && recorder.buffered > 0; i++) await sleep(5);
    expect(store.stored.map((e) => e.user_name)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u6', 'u7']);
    expect(recorder.dropped).toBe(1);
    expect(recorder.recorded).toBe(7);
  });

  it('counts failed lookups and a full source queue as drops; close() drops what the store never took', async () => {
    const store = new FakeStore();
    const recorder = new LogRecorder(store, new ManualClock(), {}, { flushMs: 60_000, maxPending: 1 });
    recorder.record(async () => {
      throw new Error('lookup failed');
    });
    recorder.record(async () => ({ type: 's' })); // queue full (1 pending)
    await recorder.settled();
    expect(recorder.dropped).toBe(2);
    store.fail = true;
    recorder.record({ type: 'f' });
    await recorder.close();
    expect(recorder.dropped).toBe(3);
    expect(recorder.buffered).toBe(0);
  });
});
