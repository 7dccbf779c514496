import type { DatasetState } from '../types.js';

/**
 * Where a device keeps its datasets between runs. Implementations must return copies (callers mutate
 * what `load` returns) and make `save` atomic: after a crash a dataset is either the old or the new state.
 * The client serializes calls for one (identity, dataset) pair; different pairs may run concurrently.
 */
export interface LocalStore {
  /** The dataset's state, or `undefined` if this device has none. */
  load(identityId: string, dataset: string): Promise<DatasetState | undefined>;
  save(identityId: string, dataset: string, state: DatasetState): Promise<void>;
  /** Forgets the dataset locally (no-op if absent). */
  delete(identityId: string, dataset: string): Promise<void>;
  /** Names of the datasets kept for an identity. */
  list(identityId: string): Promise<string[]>;
  /**
   * Optional, for stores that other JavaScript contexts write too (IndexedDB: every tab and worker of
   * the origin). Runs `section` — a load-modify-save of one dataset — exclusively across those
   * contexts. Within one context the client already serializes sections.
   */
  exclusive?<T>(identityId: string, dataset: string, section: () => Promise<T>): Promise<T>;
}

/** The state of a dataset this device has never synchronized. */
export function emptyState(): DatasetState {
  return { lastSyncCount: 0, records: {} };
}

/** A deep copy through JSON: states are plain data, and this works the same in every runtime. */
export function cloneState(state: DatasetState): DatasetState {
  return JSON.parse(JSON.stringify(state)) as DatasetState;
}
