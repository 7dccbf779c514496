import { AppError } from '../errors.js';

/** Cognito Sync quotas (aws-apis.md §7.4, §8.3). */
export const SYNC_LIMITS = {
  datasetsPerIdentity: 20,
  recordsPerDataset: 1024,
  /** 1 MB of UTF-8 key + value bytes per dataset */
  bytesPerDataset: 1024 * 1024,
  datasetNameMax: 128,
  /** ListRecords page size the JS client asks for; also our default and cap. */
  maxRecordsPage: 1024,
  maxDatasetsPage: 64,
  maxPoolsPage: 60,
  /** Bulk publish: one successful run per 24 h. */
  bulkPublishIntervalMs: 24 * 60 * 60 * 1000,
} as const;

/** DataStorage of one record: UTF-8 bytes of key + value; removed records weigh nothing (§7.2). */
export function recordBytes(key: string, value: string | null): number {
  return value === null ? 0 : Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
}

const DATASET_NAME = /^[a-zA-Z0-9_.:-]{1,128}$/;

/** The model's DatasetName rule (validated by the codec too); used for names built here. */
export function isDatasetName(name: string): boolean {
  return DATASET_NAME.test(name);
}

export function tooManyDatasets(identityId: string): AppError {
  return new AppError('LimitExceeded', `Exceeded the maximum number of datasets (${SYNC_LIMITS.datasetsPerIdentity}) for identity: ${identityId}`);
}

export function tooManyRecords(datasetName: string): AppError {
  return new AppError('LimitExceeded', `Exceeded the maximum number of records (${SYNC_LIMITS.recordsPerDataset}) for dataset: ${datasetName}`);
}

export function datasetTooLarge(datasetName: string, bytes: number): AppError {
  return new AppError('LimitExceeded', `Exceeded the maximum size (${SYNC_LIMITS.bytesPerDataset} bytes) for dataset: ${datasetName} (would be ${bytes} bytes)`);
}

/** Page size from a request's MaxResults: default and cap `max`, at least 1. */
export function pageSize(requested: number | undefined, max: number): number {
  if (requested === undefined) return max;
  if (requested < 1) throw new AppError('InvalidParameter', `MaxResults must be at least 1, got ${requested}`);
  return Math.min(requested, max);
}
