import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { buildLogEvent } from '../../core/logs/events.js';
import { insertChunk, KyselyLogRepository } from './auth0-logs.js';

it('log batches are split into power-of-two inserts of at most 256 rows', () => {
  expect([1, 2, 3, 200, 256, 257, 1000].map(insertChunk)).toEqual([1, 2, 2, 128, 256, 256, 256]);
});

/** The batched tenant log's store (core/logs/recorder.ts) on both dialects. */
forEachDialect('auth0 log batches', (storage) => {
  it('stores a batch in one transaction, any size, skipping ids already stored', async () => {
    const logs = new KyselyLogRepository(storage());
    const at = Date.parse('2024-05-01T10:00:00Z');
    const events = Array.from({ length: 300 }, (_, i) => buildLogEvent({ type: i % 2 ? 'seccft' : 'sertft', client_id: `c${i}`, description: `e${i}` }, at + i));
    await logs.insertMany(events.slice(0, 299));
    await logs.insertMany([events[0]!, events[299]!, events[299]!]); // stored and repeated ids are skipped
    await logs.insertMany([]);
    const page = await logs.search({ query: [], ascending: true, offset: 0, limit: 1000, withTotal: true });
    expect(page.total).toBe(300);
    expect(page.logs.map((l) => l.log_id)).toEqual(events.map((e) => e.log_id));
    expect(await logs.find(events[150]!.log_id)).toEqual(events[150]);
  });
});
