import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { DatasetState, SyncRecord } from '../../core/sync/types.js';
import type { SyncDatasetsTable, SyncRecordsTable } from '../schema.js';

/** Rows of the Cognito Sync tables ↔ domain values (epoch-ms BIGINTs may arrive as strings). */

/** Records are keyed by the hex SHA-256 of their key: keys can outgrow a btree entry (0004 migration). */
export const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const toDataset = (r: Selectable<SyncDatasetsTable>): DatasetState => ({
  poolId: r.pool_id,
  identityId: r.identity_id,
  name: r.name,
  syncCount: Number(r.sync_count),
  deleted: r.deleted === 1,
  deletedAtCount: r.deleted_at_count === null ? null : Number(r.deleted_at_count),
  createdAt: Number(r.created_at),
  lastModifiedAt: Number(r.last_modified_at),
  lastModifiedBy: r.last_modified_by,
  dataStorage: Number(r.data_storage),
  numRecords: r.num_records,
  mergedBase: r.merged_base,
  mergedFrom: r.merged_from,
});

export const fromDataset = (d: DatasetState): SyncDatasetsTable => ({
  identity_id: d.identityId,
  name: d.name,
  pool_id: d.poolId,
  sync_count: d.syncCount,
  deleted: d.deleted ? 1 : 0,
  deleted_at_count: d.deletedAtCount,
  created_at: d.createdAt,
  last_modified_at: d.lastModifiedAt,
  last_modified_by: d.lastModifiedBy,
  data_storage: d.dataStorage,
  num_records: d.numRecords,
  merged_base: d.mergedBase,
  merged_from: d.mergedFrom,
});

/** The columns a {@link SyncRecord} is made of: the caller knows identity, dataset and key hash, and narrower rows read faster. */
export const RECORD_COLUMNS = ['key', 'value', 'sync_count', 'last_modified_at', 'last_modified_by', 'device_last_modified_at'] as const;

export const toRecord = (r: Pick<Selectable<SyncRecordsTable>, (typeof RECORD_COLUMNS)[number]>): SyncRecord => ({
  key: r.key,
  value: r.value,
  syncCount: Number(r.sync_count),
  lastModifiedAt: Number(r.last_modified_at),
  lastModifiedBy: r.last_modified_by,
  deviceLastModifiedAt: r.device_last_modified_at === null ? null : Number(r.device_last_modified_at),
});
