import type { DatasetState, LocalRecord } from './types.js';

// Record keys are arbitrary strings ("__proto__" included), so plain-object access must stay own-property only.

export function getRecord(state: DatasetState, key: string): LocalRecord | undefined {
  return Object.hasOwn(state.records, key) ? state.records[key] : undefined;
}

export function setRecord(state: DatasetState, key: string, record: LocalRecord): void {
  Object.defineProperty(state.records, key, { value: record, enumerable: true, writable: true, configurable: true });
}

export function deleteRecord(state: DatasetState, key: string): void {
  if (Object.hasOwn(state.records, key)) delete state.records[key];
}

/** Sets an own property even for keys such as "__proto__". */
export function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
