import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { outboxEntriesFor, streamPayload, syncTriggerPayload, type DatasetChange } from '../events.js';
import type { OutboxQueue } from '../ports.js';
import type { ClaimedDelivery, OutboxEntry, PoolSyncConfig } from '../types.js';
import { parseWebhookTargets, WebhookConfigError } from './config.js';
import { WebhookDeliverer } from './deliverer.js';
import { SIGNATURE_HEADER, verifyBody } from './signature.js';

const change: DatasetChange = {
  region: 'us-east-1',
  poolId: 'us-east-1:p',
  identityId: 'us-east-1:i',
  datasetName: 'd',
  operation: 'replace',
  syncCount: 3,
  lastModifiedAt: 1_700_000_000_000,
  changes: [{ key: 'k', op: 'replace', oldValue: 'a', newValue: 'b', record: { key: 'k', value: 'b', syncCount: 3, lastModifiedAt: 1_700_000_000_000, lastModifiedBy: 'x', deviceLastModifiedAt: null } }],
};
const config = (over: Partial<PoolSyncConfig> = {}): PoolSyncConfig => ({ poolId: 'us-east-1:p', pushSync: null, cognitoStreams: null, events: {}, bulkPublish: null, ...over });

describe('event payloads', () => {
  it('shapes the SyncTrigger event like the Lambda event (version 2)', () => {
    expect(JSON.parse(syncTriggerPayload(change))).toEqual({
      version: 2,
      eventType: 'SyncTrigger',
      region: 'us-east-1',
      identityPoolId: 'us-east-1:p',
      identityId: 'us-east-1:i',
      datasetName: 'd',
      datasetRecords: { k: { oldValue: 'a', newValue: 'b', op: 'replace' } },
    });
  });

  it('shapes the stream record like the Kinesis record', () => {
    expect(JSON.parse(streamPayload(change))).toMatchObject({
      identityPoolId: 'us-east-1:p',
      dataSetName: 'd',
      operation: 'replace',
      kinesisSyncRecords: [{ key: 'k', value: 'b', syncCount: 3, op: 'replace', lastModifiedDate: 1_700_000_000_000 }],
      payloadType: 'Inline',
      syncCount: 3,
    });
  });

  it('fires SyncTrigger only for Cognito callers, streams always, disabled streams never', () => {
    const both = config({ events: { SyncTrigger: 'arn:l' }, cognitoStreams: { StreamName: 's', StreamingStatus: 'ENABLED' } });
    expect(outboxEntriesFor(both, change, true, 1).map((e) => [e.kind, e.target])).toEqual([['SyncTrigger', 'arn:l'], ['CognitoStreams', 's']]);
    expect(outboxEntriesFor(both, change, false, 1).map((e) => e.kind)).toEqual(['CognitoStreams']);
    expect(outboxEntriesFor(config({ cognitoStreams: { StreamName: 's', StreamingStatus: 'DISABLED' } }), change, true, 1)).toEqual([]);
    expect(outboxEntriesFor(undefined, change, true, 1)).toEqual([]);
  });
});

describe('COGNATE_SYNC_WEBHOOKS', () => {
  it('parses a JSON map of names to http(s) URLs', () => {
    const t = parseWebhookTargets('{"arn:aws:lambda:us-east-1:1:function:f":"http://127.0.0.1:9/x","s":"https://h/y"}');
    expect(t.get('s')?.href).toBe('https://h/y');
    expect(parseWebhookTargets(undefined).size).toBe(0);
  });

  it('refuses anything else', () => {
    for (const bad of ['[]', 'nope', '{"a":1}', '{"a":"ftp://x"}', '{"a":"not a url"}']) expect(() => parseWebhookTargets(bad)).toThrow(WebhookConfigError);
  });
});

/** An in-memory outbox with the same lease semantics as the SQL one. */
class MemoryQueue implements OutboxQueue {
  rows = new Map<string, OutboxEntry & { attempts: number; availableAt: number; owner: string | null; status: string; error?: string }>();
  add(e: OutboxEntry): void {
    this.rows.set(e.id, { ...e, attempts: 0, availableAt: 0, owner: null, status: 'pending' });
  }
  async claim(owner: string, now: number, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const due = [...this.rows.values()].filter((r) => r.status === 'pending' && r.availableAt <= now).slice(0, limit);
    for (const r of due) Object.assign(r, { owner, availableAt: now + leaseMs, attempts: r.attempts + 1 });
    return due.map((r) => ({ ...r }));
  }
  async complete(id: string, owner: string): Promise<void> {
    if (this.rows.get(id)?.owner === owner) this.rows.delete(id);
  }
  async fail(id: string, owner: string, at: number, error: string, dead: boolean): Promise<void> {
    const r = this.rows.get(id);
    if (r?.owner === owner) Object.assign(r, { owner: null, availableAt: at, error, status: dead ? 'dead' : 'pending' });
  }
  async nextDue(): Promise<number | undefined> {
    const due = [...this.rows.values()].filter((r) => r.status === 'pending').map((r) => r.availableAt);
    return due.length === 0 ? undefined : Math.min(...due);
  }
}

describe('WebhookDeliverer', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function receiver(statuses: number[]): Promise<{ url: string; got: { body: string; headers: IncomingMessage['headers'] }[] }> {
    const got: { body: string; headers: IncomingMessage['headers'] }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ body, headers: req.headers });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
  }

  it('signs, retries after a failure with backoff, and deletes on success', async () => {
    const { url, got } = await receiver([500]);
    const queue = new MemoryQueue();
    const secret = randomBytes(32);
    const clock = new ManualClock(1_000);
    const d = new WebhookDeliverer({ queue, targets: parseWebhookTargets(JSON.stringify({ s: url })), secret: async () => ({ kid: '1', key: secret }), clock, log: { warn: () => undefined }, pollMs: 5, backoffBaseMs: 50 });
    queue.add({ id: 'e1', kind: 'CognitoStreams', target: 's', poolId: 'p', payload: '{"a":1}', createdAt: 1 });
    d.start();
    await expect.poll(() => got.length).toBe(1);
    await expect.poll(() => queue.rows.get('e1')?.owner).toBeNull();
    expect(queue.rows.get('e1')).toMatchObject({ availableAt: 1_050, error: 'HTTP 500', status: 'pending' });
    clock.advance(50);
    await expect.poll(() => queue.rows.size).toBe(0);
    await d.stop();
    expect(got).toHaveLength(2);
    for (const g of got) {
      expect(g.body).toBe('{"a":1}');
      expect(verifyBody(secret, g.body, g.headers[SIGNATURE_HEADER] as string)).toBe(true);
      expect(g.headers['x-cognate-delivery']).toBe('e1');
    }
    expect(verifyBody(randomBytes(32), got[0]!.body, got[0]!.headers[SIGNATURE_HEADER] as string)).toBe(false);
  });

  it('parks a row after the last attempt and keeps unknown targets pending', async () => {
    const queue = new MemoryQueue();
    const clock = new ManualClock(0);
    const d = new WebhookDeliverer({ queue, targets: new Map(), secret: async () => ({ kid: '1', key: randomBytes(32) }), clock, log: { warn: () => undefined }, pollMs: 5, maxAttempts: 2, backoffBaseMs: 1 });
    queue.add({ id: 'e2', kind: 'SyncTrigger', target: 'unmapped', poolId: 'p', payload: '{}', createdAt: 1 });
    d.start();
    await expect.poll(() => queue.rows.get('e2')?.attempts).toBe(1);
    clock.advance(10);
    await expect.poll(() => queue.rows.get('e2')?.status).toBe('dead');
    await d.stop();
    expect(queue.rows.get('e2')?.error).toMatch(/no webhook configured/);
  });
});
