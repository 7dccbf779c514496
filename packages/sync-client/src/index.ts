export { SyncClient } from './client.js';
export type { DatasetOptions, DeletedHandler, MergedHandler, SyncClientOptions } from './client.js';
export { Dataset } from './dataset.js';
export type { AutoSyncOptions } from './auto-sync.js';
export type { RetryOptions } from './synchronizer.js';
export { lastWriterWins, localWins, remoteWins } from './resolvers.js';
export {
  ConflictRetriesExhaustedError,
  LimitExceededError,
  OfflineError,
  RemoteError,
  StoreError,
  SyncClientError,
  TooManyRoundsError,
  ValidationError,
} from './errors.js';
export type { SyncErrorCode } from './errors.js';
export { LIMITS } from './limits.js';
export { Emitter } from './emitter.js';
export type { Listener } from './emitter.js';
export type { LocalStore } from './stores/local-store.js';
export { MemoryStore } from './stores/memory-store.js';
export { FileStore } from './stores/file-store.js';
export { IndexedDbStore } from './stores/indexeddb-store.js';
export type { IndexedDbStoreOptions } from './stores/indexeddb-store.js';
export type {
  Conflict,
  ConflictResolution,
  ConflictResolver,
  DatasetEvents,
  DatasetState,
  DeletedAction,
  LocalRecord,
  MergedAction,
  RecordView,
  RemoteRecord,
  SyncResult,
} from './types.js';
