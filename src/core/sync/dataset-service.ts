import { datasetNotFound } from './datasets.js';
import { outboxEntriesFor } from './events.js';
import { absorbInto, findIdentity, identityNotFound, requireLiveIdentity, type SyncDeps } from './identities.js';
import { pageSize, SYNC_LIMITS } from './limits.js';
import type { UsageTotals } from './ports.js';
import type { DatasetRef } from './record-service.js';
import type { DatasetState } from './types.js';

/** ListDatasets, DescribeDataset, DeleteDataset, DescribeIdentityUsage (aws-apis.md §7.1). */
export class DatasetService {
  constructor(private readonly deps: SyncDeps) {}

  /** ListDatasets has no ResourceNotFound (§7.1): an unknown identity lists nothing. */
  async list(poolId: string, identityId: string, q: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<{ datasets: DatasetState[]; nextToken: string | undefined }> {
    const limit = pageSize(q.maxResults, SYNC_LIMITS.maxDatasetsPage);
    const scope = `datasets/${poolId}/${identityId}`;
    const cursor = q.nextToken ? await this.deps.tokens.openPage(q.nextToken, scope) : undefined;
    const identity = await findIdentity(this.deps, poolId, identityId);
    if (!identity) return { datasets: [], nextToken: undefined };
    await absorbInto(this.deps, identity);
    const rows = await this.deps.repo.datasets.listDatasets(identityId, cursor?.afterKey, limit + 1);
    const datasets = rows.slice(0, limit);
    const last = datasets[datasets.length - 1];
    const nextToken = rows.length > limit && last ? await this.deps.tokens.issuePage(scope, { snapshot: 0, afterCount: 0, afterKey: last.name }) : undefined;
    return { datasets, nextToken };
  }

  async describe(ref: DatasetRef): Promise<DatasetState> {
    const identity = await findIdentity(this.deps, ref.poolId, ref.identityId);
    if (!identity) throw identityNotFound(ref.identityId);
    await absorbInto(this.deps, identity);
    const d = await this.deps.repo.datasets.dataset(ref.identityId, ref.datasetName);
    if (!d || d.deleted) throw datasetNotFound(ref.identityId, ref.datasetName);
    return d;
  }

  /**
   * Deletes the records and keeps a tombstone that holds the counter (+1 for the deletion), so
   * ListRecords can tell devices that synced before it, and a re-created dataset continues above
   * it (§7.2). Returns the dataset as it was.
   */
  async delete(ref: DatasetRef, now: number): Promise<DatasetState> {
    await requireLiveIdentity(this.deps, ref.poolId, ref.identityId);
    const { deleted, enqueued } = await this.deps.repo.transaction(async (tx) => {
      await tx.datasets.lockIdentity(ref.identityId);
      const d = await tx.datasets.dataset(ref.identityId, ref.datasetName, { forUpdate: true });
      if (!d || d.deleted) throw datasetNotFound(ref.identityId, ref.datasetName);
      const syncCount = d.syncCount + 1;
      await tx.datasets.deleteAllRecords(ref.identityId, ref.datasetName);
      await tx.datasets.updateDataset({
        ...d,
        syncCount,
        deleted: true,
        deletedAtCount: syncCount,
        lastModifiedAt: now,
        numRecords: 0,
        dataStorage: 0,
        mergedBase: null,
        mergedFrom: null,
      });
      const config = await tx.pools.config(ref.poolId);
      const change = { region: this.deps.region, poolId: ref.poolId, identityId: ref.identityId, datasetName: ref.datasetName, operation: 'remove' as const, syncCount, lastModifiedAt: now, changes: [] };
      // Subscribers are told of the deletion too (DeleteDataset names no device, so all of them):
      // the count they receive is above theirs, so they sync and learn the dataset is gone.
      const entries = [...outboxEntriesFor(config, change, false, now), ...(await this.deps.pushSync.entries(tx, config, change, undefined, now))];
      await tx.outbox.enqueue(entries, now);
      return { deleted: d, enqueued: entries.length > 0 };
    });
    if (enqueued) this.deps.onEnqueued();
    return deleted;
  }

  async identityUsage(poolId: string, identityId: string): Promise<UsageTotals> {
    const identity = await findIdentity(this.deps, poolId, identityId);
    if (!identity) throw identityNotFound(identityId);
    await absorbInto(this.deps, identity);
    return this.deps.repo.datasets.identityUsage(identityId);
  }
}
