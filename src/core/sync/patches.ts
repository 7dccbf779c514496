import { AppError } from '../errors.js';
import { datasetTooLarge, recordBytes, SYNC_LIMITS, tooManyRecords } from './limits.js';
import type { DatasetState, RecordChange, RecordPatch, SyncRecord } from './types.js';

export interface PatchInput {
  datasetName: string;
  /** The dataset as stored (live, tombstoned, or absent). */
  dataset: DatasetState | undefined;
  /** Stored records for the patched keys (removed ones included). */
  existing: ReadonlyMap<string, SyncRecord>;
  patches: RecordPatch[];
  now: number;
  /** LastModifiedBy for the records and the dataset. */
  by: string;
}

export interface PatchResult {
  /** The dataset's new SyncCount: exactly one above the old one (aws-apis.md §7.2). */
  syncCount: number;
  /** Every patched record in its new state, in patch order — never empty (§7.6). */
  records: SyncRecord[];
  changes: RecordChange[];
  numRecords: number;
  dataStorage: number;
}

export function conflictMessage(key: string, current: number, given: number): string {
  return `Current SyncCount for: ${key} is: ${current} not: ${given}`;
}

/**
 * The pure core of UpdateRecords: per-record SyncCount checks (any mismatch rejects the whole
 * batch with 409), one dataset increment stamped on every patched record, and the record-count
 * and size limits computed over the resulting dataset.
 */
export function applyPatches(input: PatchInput): PatchResult {
  const { patches, existing, dataset, now, by, datasetName } = input;
  if (patches.length === 0) throw new AppError('InvalidParameter', 'RecordPatches must contain at least one patch');
  const seen = new Set<string>();
  for (const p of patches) {
    if (seen.has(p.key)) throw new AppError('InvalidParameter', `Duplicate key in RecordPatches: ${p.key}`);
    seen.add(p.key);
  }
  for (const p of patches) {
    const current = existing.get(p.key)?.syncCount ?? 0;
    if (p.syncCount !== current) throw new AppError('Conflict', conflictMessage(p.key, current, p.syncCount));
  }
  const live = dataset !== undefined && !dataset.deleted;
  const syncCount = (dataset?.syncCount ?? 0) + 1;
  let numRecords = live ? dataset.numRecords : 0;
  let dataStorage = live ? dataset.dataStorage : 0;
  const records: SyncRecord[] = [];
  const changes: RecordChange[] = [];
  for (const p of patches) {
    const before = existing.get(p.key);
    // A `remove` ignores any Value (the JS client sends "" or nothing, §7.6).
    const value = p.op === 'replace' ? (p.value ?? '') : null;
    const record: SyncRecord = {
      key: p.key,
      value,
      syncCount,
      lastModifiedAt: now,
      lastModifiedBy: by,
      deviceLastModifiedAt: p.deviceLastModifiedAt ?? null,
    };
    const oldValue = before?.value ?? null;
    numRecords += (value === null ? 0 : 1) - (oldValue === null ? 0 : 1);
    dataStorage += recordBytes(p.key, value) - recordBytes(p.key, oldValue);
    records.push(record);
    changes.push({ key: p.key, op: p.op, oldValue, newValue: value, record });
  }
  if (numRecords > SYNC_LIMITS.recordsPerDataset) throw tooManyRecords(datasetName);
  if (dataStorage > SYNC_LIMITS.bytesPerDataset) throw datasetTooLarge(datasetName, dataStorage);
  return { syncCount, records, changes, numRecords, dataStorage };
}
