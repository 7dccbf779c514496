import { cloneState, type LocalStore } from './local-store.js';
import type { DatasetState } from '../types.js';

/** Keeps datasets in memory only (tests, server-side use, or apps that sync on every start). */
export class MemoryStore implements LocalStore {
  readonly #data = new Map<string, Map<string, DatasetState>>();

  async load(identityId: string, dataset: string): Promise<DatasetState | undefined> {
    const state = this.#data.get(identityId)?.get(dataset);
    return state && cloneState(state);
  }

  async save(identityId: string, dataset: string, state: DatasetState): Promise<void> {
    let datasets = this.#data.get(identityId);
    if (!datasets) this.#data.set(identityId, (datasets = new Map()));
    datasets.set(dataset, cloneState(state));
  }

  async delete(identityId: string, dataset: string): Promise<void> {
    this.#data.get(identityId)?.delete(dataset);
  }

  async list(identityId: string): Promise<string[]> {
    return [...(this.#data.get(identityId)?.keys() ?? [])];
  }
}
