import { LimitExceededError, ValidationError } from './errors.js';
import { getRecord } from './records.js';
import type { DatasetState } from './types.js';

/** Cognito Sync quotas (aws-apis.md §7.4), enforced client-side so the server never has to refuse. */
export const LIMITS = {
  datasetNamePattern: /^[a-zA-Z0-9_.:-]{1,128}$/,
  keyMinLength: 1,
  keyMaxLength: 1024,
  recordsPerDataset: 1024,
  datasetBytes: 1024 * 1024,
} as const;

const encoder = new TextEncoder();

/** UTF-8 byte length, the unit Cognito Sync uses for DataStorage. */
export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

export function assertDatasetName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !LIMITS.datasetNamePattern.test(name)) {
    throw new ValidationError('InvalidDatasetName', `Dataset name must match [a-zA-Z0-9_.:-]{1,128}, got ${JSON.stringify(name)}`);
  }
}

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length < LIMITS.keyMinLength || key.length > LIMITS.keyMaxLength) {
    throw new ValidationError('InvalidKey', `Record key must be a string of 1-1024 characters`);
  }
}

export function assertValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new ValidationError('InvalidValue', `Record values are strings (Cognito Sync stores text); serialize first`);
  }
}

/** Live records and their byte size; removed records (tombstones) do not count. */
export function usage(state: DatasetState): { records: number; bytes: number } {
  let records = 0;
  let bytes = 0;
  for (const [key, r] of Object.entries(state.records)) {
    if (r.value === null) continue;
    records += 1;
    bytes += byteLength(key) + byteLength(r.value);
  }
  return { records, bytes };
}

/** Throws when writing `value` at `key` would break the per-dataset quotas. */
export function assertFits(state: DatasetState, key: string, value: string): void {
  const { records, bytes } = usage(state);
  const previous = getRecord(state, key);
  const wasLive = previous !== undefined && previous.value !== null;
  const nextRecords = records + (wasLive ? 0 : 1);
  const nextBytes = bytes - (wasLive ? byteLength(key) + byteLength(previous.value ?? '') : 0) + byteLength(key) + byteLength(value);
  if (nextRecords > LIMITS.recordsPerDataset) {
    throw new LimitExceededError(`A dataset holds at most ${LIMITS.recordsPerDataset} records`);
  }
  if (nextBytes > LIMITS.datasetBytes) {
    throw new LimitExceededError(`A dataset holds at most ${LIMITS.datasetBytes} bytes (keys + values, UTF-8)`);
  }
}
