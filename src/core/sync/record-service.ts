import { AppError } from '../errors.js';
import { freshDataset, listView } from './datasets.js';
import { outboxEntriesFor, type DatasetChange } from './events.js';
import { absorbInto, findIdentity, requireLiveIdentity, type SyncDeps } from './identities.js';
import { pageSize, SYNC_LIMITS, tooManyDatasets } from './limits.js';
import { applyPatches } from './patches.js';
import type { DatasetState, RecordPatch, SyncRecord } from './types.js';

export interface DatasetRef {
  poolId: string;
  identityId: string;
  datasetName: string;
}

export interface ListRecordsResult {
  records: SyncRecord[];
  nextToken: string | undefined;
  datasetSyncCount: number;
  lastModifiedBy: string | undefined;
  mergedDatasetNames: string[] | undefined;
  datasetExists: boolean;
  deletedAfter: boolean;
  syncSessionToken: string;
}

export interface UpdateRecordsInput extends DatasetRef {
  syncSessionToken: string;
  patches: RecordPatch[];
  /** The writing device (RegisterDevice's DeviceId): LastModifiedBy, and left out of push sync. */
  deviceId: string | undefined;
  /** true for Cognito credentials: only they fire SyncTrigger (see events.ts). */
  cognitoCaller: boolean;
}

/** ListRecords and UpdateRecords: the sync-count model of aws-apis.md §7.2 and §7.6. */
export class RecordService {
  constructor(private readonly deps: SyncDeps) {}

  async list(ref: DatasetRef, q: { lastSyncCount?: number | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<ListRecordsResult> {
    const { repo, tokens } = this.deps;
    const lastSyncCount = q.lastSyncCount ?? 0;
    const limit = pageSize(q.maxResults, SYNC_LIMITS.maxRecordsPage);
    // ListRecords has no ResourceNotFound (§7.1): an unknown identity just has no datasets.
    const identity = await findIdentity(this.deps, ref.poolId, ref.identityId);
    if (identity) await absorbInto(this.deps, identity);
    const { dataset, mergedCopies: merged } = identity ? await repo.datasets.datasetWithCopies(ref.identityId, ref.datasetName) : { dataset: undefined, mergedCopies: [] };
    const view = listView(dataset, lastSyncCount);
    const scope = `${ref.poolId}/${ref.identityId}/${ref.datasetName}/${lastSyncCount}`;
    // One count snapshot for every page: records written after it wait for the next sync.
    const cursor = q.nextToken ? await tokens.openPage(q.nextToken, scope) : undefined;
    const snapshot = cursor?.snapshot ?? view.syncCount;
    const after = cursor ? { count: cursor.afterCount, key: cursor.afterKey } : { count: lastSyncCount, key: null };
    const rows = dataset ? await repo.datasets.recordsSince(ref.identityId, ref.datasetName, after, snapshot, limit + 1) : [];
    const records = rows.slice(0, limit);
    const last = records[records.length - 1];
    const nextToken = rows.length > limit && last ? await tokens.issuePage(scope, { snapshot, afterCount: last.syncCount, afterKey: last.key }) : undefined;
    return {
      records,
      nextToken,
      datasetSyncCount: snapshot,
      lastModifiedBy: dataset && !dataset.deleted ? dataset.lastModifiedBy : undefined,
      // Only when a merge really produced copies: the JS client cannot handle them (§7.5, §7.6).
      mergedDatasetNames: merged.length > 0 ? merged : undefined,
      datasetExists: view.exists,
      deletedAfter: view.deletedAfter,
      syncSessionToken: await tokens.issueSession({ ...ref, syncCount: snapshot }),
    };
  }

  /** One transaction: all patches apply with one SyncCount increment, or none does. */
  async update(input: UpdateRecordsInput, now: number): Promise<SyncRecord[]> {
    const { repo, tokens } = this.deps;
    const tokenCount = await tokens.openSession(input.syncSessionToken, input);
    await requireLiveIdentity(this.deps, input.poolId, input.identityId);
    const by = input.deviceId ?? input.identityId;
    const { records, enqueued } = await repo.transaction(async (tx) => {
      await tx.datasets.lockIdentity(input.identityId);
      const dataset = await tx.datasets.dataset(input.identityId, input.datasetName, { forUpdate: true });
      const current = dataset?.syncCount ?? 0;
      if (tokenCount > current) throw new AppError('InvalidParameter', 'SyncSessionToken not valid for these inputs');
      // Deliberately stricter than AWS is known to be (aws-apis.md §7.6): a token issued before
      // the dataset's latest change is refused with 409, so a client that listed at count N never
      // writes over changes made after N to *other* keys and then skips past them. The JS client
      // treats the 409 like any failed push and restarts its sync.
      if (tokenCount < current) {
        throw new AppError('Conflict', `Current SyncCount for dataset: ${input.datasetName} is: ${current} not: ${tokenCount}`);
      }
      const live = dataset !== undefined && !dataset.deleted;
      if (!live && (await tx.datasets.countLiveDatasets(input.identityId)) >= SYNC_LIMITS.datasetsPerIdentity) {
        throw tooManyDatasets(input.identityId);
      }
      const keys = input.patches.map((p) => p.key);
      const existing = new Map((live ? await tx.datasets.records(input.identityId, input.datasetName, keys) : []).map((r) => [r.key, r]));
      const result = applyPatches({ datasetName: input.datasetName, dataset, existing, patches: input.patches, now, by });
      const base: DatasetState = live ? dataset : freshDataset(input.poolId, input.identityId, input.datasetName, dataset, now, by);
      const next: DatasetState = { ...base, syncCount: result.syncCount, lastModifiedAt: now, lastModifiedBy: by, numRecords: result.numRecords, dataStorage: result.dataStorage };
      if (dataset) await tx.datasets.updateDataset(next);
      else await tx.datasets.insertDataset(next);
      await tx.datasets.upsertRecords(input.identityId, input.datasetName, result.records);
      const config = await tx.pools.config(input.poolId);
      const change: DatasetChange = { region: this.deps.region, poolId: input.poolId, identityId: input.identityId, datasetName: input.datasetName, operation: 'replace', syncCount: result.syncCount, lastModifiedAt: now, changes: result.changes };
      // Push sync skips the writing device: it already has the change.
      const entries = [...outboxEntriesFor(config, change, input.cognitoCaller, now), ...(await this.deps.pushSync.entries(tx, config, change, input.deviceId, now))];
      await tx.outbox.enqueue(entries, now);
      return { records: result.records, enqueued: entries.length > 0 };
    });
    if (enqueued) this.deps.onEnqueued();
    return records;
  }
}
