import {
  DeleteDatasetCommand,
  ListRecordsCommand,
  UpdateRecordsCommand,
  type CognitoSyncClient,
  type RecordPatch,
  type _Record,
} from '@aws-sdk/client-cognito-sync';
import { LimitExceededError, OfflineError, RemoteError } from './errors.js';
import { isNetworkError } from './network.js';
import type { RemoteRecord } from './types.js';

/** The result of ListRecords followed through every page. */
export interface RemoteSnapshot {
  records: RemoteRecord[];
  /** DatasetSyncCount of the first page: every change up to it is in `records`. */
  datasetSyncCount: number;
  syncSessionToken: string;
  exists: boolean;
  deletedAfterRequestedSyncCount: boolean;
  mergedDatasetNames: string[];
}

/** One change to push; `value: null` is a remove. */
export interface Patch {
  key: string;
  value: string | null;
  syncCount: number;
  deviceLastModified: number;
}

/** Where the dataset lives on the server. */
export interface DatasetAddress {
  identityPoolId: string;
  identityId: string;
  datasetName: string;
}

/** Thrown internally when UpdateRecords answers 409 (or a stale session token): the round is retried. */
export class RoundConflict extends Error {
  override readonly name = 'RoundConflict';
}

function toMillis(d: Date | undefined): number | undefined {
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.getTime() : undefined;
}

function toRemote(r: _Record): RemoteRecord | undefined {
  if (typeof r.Key !== 'string') return undefined;
  const out: RemoteRecord = { key: r.Key, value: r.Value ?? null, syncCount: r.SyncCount ?? 0 };
  const lastModified = toMillis(r.LastModifiedDate);
  const deviceLastModified = toMillis(r.DeviceLastModifiedDate);
  if (lastModified !== undefined) out.lastModified = lastModified;
  if (deviceLastModified !== undefined) out.deviceLastModified = deviceLastModified;
  if (r.LastModifiedBy !== undefined) out.lastModifiedBy = r.LastModifiedBy;
  return out;
}

/** Maps an SDK failure onto the library's error family (or the internal RoundConflict). */
export function translate(error: unknown): Error {
  if (isNetworkError(error)) return new OfflineError({ cause: error });
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const status = e.$metadata?.httpStatusCode;
  if (name === 'ResourceConflictException' || status === 409) return new RoundConflict(message, { cause: error });
  // A session token issued before another device's write is refused as InvalidParameter (aws-apis.md §7.2).
  if (name === 'InvalidParameterException' && /SyncSessionToken/i.test(message)) {
    return new RoundConflict(message, { cause: error });
  }
  if (name === 'LimitExceededException') return new LimitExceededError(message, { cause: error });
  return new RemoteError(name, status, message, { cause: error });
}

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw translate(e);
  }
}

/** The three Cognito Sync operations the synchronizer needs, over the official SDK v3 client. */
export class RemoteDatasets {
  constructor(
    private readonly client: CognitoSyncClient,
    private readonly deviceId?: string,
    private readonly pageSize = 1024,
  ) {}

  /** ListRecords from `lastSyncCount`, following NextToken until the last page. */
  async list(at: DatasetAddress, lastSyncCount: number): Promise<RemoteSnapshot> {
    const byKey = new Map<string, RemoteRecord>();
    let snapshot: Omit<RemoteSnapshot, 'records'> | undefined;
    let nextToken: string | undefined;
    const seenTokens = new Set<string>();
    do {
      const page = await call(() =>
        this.client.send(
          new ListRecordsCommand({
            IdentityPoolId: at.identityPoolId,
            IdentityId: at.identityId,
            DatasetName: at.datasetName,
            LastSyncCount: lastSyncCount,
            MaxResults: this.pageSize,
            NextToken: nextToken,
            SyncSessionToken: snapshot?.syncSessionToken,
          }),
        ),
      );
      for (const raw of page.Records ?? []) {
        const r = toRemote(raw);
        const seen = r && byKey.get(r.key);
        if (r && (!seen || seen.syncCount <= r.syncCount)) byKey.set(r.key, r);
      }
      snapshot = {
        // The first page's count is the safe one: a write landing between pages is fetched again next time.
        datasetSyncCount: snapshot?.datasetSyncCount ?? page.DatasetSyncCount ?? 0,
        syncSessionToken: page.SyncSessionToken ?? snapshot?.syncSessionToken ?? '',
        exists: page.DatasetExists ?? snapshot?.exists ?? true,
        deletedAfterRequestedSyncCount:
          (snapshot?.deletedAfterRequestedSyncCount ?? false) || page.DatasetDeletedAfterRequestedSyncCount === true,
        mergedDatasetNames: [...new Set([...(snapshot?.mergedDatasetNames ?? []), ...(page.MergedDatasetNames ?? [])])],
      };
      nextToken = page.NextToken || undefined;
      // A server that repeats a token would otherwise page forever.
      if (nextToken !== undefined) {
        if (seenTokens.has(nextToken)) nextToken = undefined;
        else seenTokens.add(nextToken);
      }
    } while (nextToken !== undefined);
    return { ...snapshot, records: [...byKey.values()] };
  }

  /** UpdateRecords; returns the records as stored (possibly empty if the server misbehaves). */
  async update(at: DatasetAddress, syncSessionToken: string, patches: Patch[]): Promise<RemoteRecord[]> {
    const RecordPatches: RecordPatch[] = patches.map((p) => ({
      Op: p.value === null ? 'remove' : 'replace',
      Key: p.key,
      ...(p.value === null ? {} : { Value: p.value }),
      SyncCount: p.syncCount,
      DeviceLastModifiedDate: new Date(p.deviceLastModified),
    }));
    const out = await call(() =>
      this.client.send(
        new UpdateRecordsCommand({
          IdentityPoolId: at.identityPoolId,
          IdentityId: at.identityId,
          DatasetName: at.datasetName,
          SyncSessionToken: syncSessionToken,
          RecordPatches,
          ...(this.deviceId === undefined ? {} : { DeviceId: this.deviceId }),
        }),
      ),
    );
    return (out.Records ?? []).map(toRemote).filter((r): r is RemoteRecord => r !== undefined);
  }

  /** DeleteDataset; a dataset that is already gone counts as deleted. */
  async delete(at: DatasetAddress): Promise<void> {
    try {
      await call(() =>
        this.client.send(
          new DeleteDatasetCommand({
            IdentityPoolId: at.identityPoolId,
            IdentityId: at.identityId,
            DatasetName: at.datasetName,
          }),
        ),
      );
    } catch (e) {
      if (e instanceof RemoteError && e.remoteCode === 'ResourceNotFoundException') return;
      throw e;
    }
  }
}
