import { randomUUID } from 'node:crypto';
import type { OutboxEntry, PoolSyncConfig, RecordChange, SyncRecord } from './types.js';

/**
 * Dataset changes as Cognito Events (the Lambda "SyncTrigger" event, version 2) and as
 * Cognito Streams (the Kinesis record) would carry them. Here there is no Lambda or Kinesis:
 * the Lambda ARN / stream name is mapped by the operator to a webhook (COGNATE_SYNC_WEBHOOKS)
 * and the body below is POSTed to it by the outbox deliverer, after the change commits.
 */
export interface DatasetChange {
  region: string;
  poolId: string;
  identityId: string;
  datasetName: string;
  /** 'replace' for record updates, 'remove' for a deleted dataset (the stream's `operation`). */
  operation: 'replace' | 'remove';
  syncCount: number;
  lastModifiedAt: number;
  changes: RecordChange[];
}

/** The Lambda sync-trigger event shape: `datasetRecords: { key: { oldValue, newValue, op } }`. */
export function syncTriggerPayload(c: DatasetChange): string {
  const datasetRecords: Record<string, { oldValue: string | null; newValue: string | null; op: string }> = {};
  for (const ch of c.changes) datasetRecords[ch.key] = { oldValue: ch.oldValue, newValue: ch.newValue, op: ch.op };
  return JSON.stringify({
    version: 2,
    eventType: 'SyncTrigger',
    region: c.region,
    identityPoolId: c.poolId,
    identityId: c.identityId,
    datasetName: c.datasetName,
    datasetRecords,
  });
}

const streamRecord = (r: SyncRecord, op: string) => ({
  key: r.key,
  value: r.value,
  syncCount: r.syncCount,
  lastModifiedDate: r.lastModifiedAt,
  deviceLastModifiedDate: r.deviceLastModifiedAt ?? r.lastModifiedAt,
  op,
});

/** The Cognito Streams record shape (times in epoch milliseconds, payload inline). */
export function streamPayload(c: DatasetChange): string {
  return JSON.stringify({
    identityPoolId: c.poolId,
    identityId: c.identityId,
    dataSetName: c.datasetName,
    operation: c.operation,
    kinesisSyncRecords: c.changes.map((ch) => streamRecord(ch.record, ch.op)),
    lastModifiedDate: c.lastModifiedAt,
    kinesisSyncRecordsURL: null,
    payloadType: 'Inline',
    syncCount: c.syncCount,
  });
}

export function streamTarget(config: PoolSyncConfig | undefined): string | undefined {
  const s = config?.cognitoStreams;
  return s?.StreamName && s.StreamingStatus !== 'DISABLED' ? s.StreamName : undefined;
}

/**
 * The deliveries one change produces. SyncTrigger fires only for callers holding Cognito
 * credentials, as AWS documents ("with developer credentials, your Lambda function will not be
 * invoked"), and only for record updates; streams see every change.
 */
export function outboxEntriesFor(config: PoolSyncConfig | undefined, change: DatasetChange, cognitoCaller: boolean, now: number): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  const trigger = config?.events['SyncTrigger'];
  if (trigger && cognitoCaller && change.operation === 'replace') {
    entries.push({ id: randomUUID(), kind: 'SyncTrigger', target: trigger, poolId: change.poolId, payload: syncTriggerPayload(change), createdAt: now });
  }
  const stream = streamTarget(config);
  if (stream) entries.push({ id: randomUUID(), kind: 'CognitoStreams', target: stream, poolId: change.poolId, payload: streamPayload(change), createdAt: now });
  return entries;
}
