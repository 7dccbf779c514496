/**
 * One error family for the library. Every error thrown by `SyncClient`, `Dataset` or a store is a
 * `SyncClientError`; `code` tells them apart without `instanceof` across bundles.
 */
export type SyncErrorCode =
  | 'InvalidDatasetName'
  | 'InvalidKey'
  | 'InvalidValue'
  | 'LimitExceeded'
  | 'Offline'
  | 'ConflictRetriesExhausted'
  | 'TooManyRounds'
  | 'Remote'
  | 'Store';

/** Base class of every error this library throws. */
export class SyncClientError extends Error {
  override readonly name: string = 'SyncClientError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A dataset name, record key or value broke the Cognito Sync rules (checked before any request). */
export class ValidationError extends SyncClientError {
  override readonly name = 'ValidationError';
  constructor(code: 'InvalidDatasetName' | 'InvalidKey' | 'InvalidValue', message: string) {
    super(code, message);
  }
}

/** A Cognito Sync quota (1024 records, 1 MB per dataset) would be exceeded, locally or on the server. */
export class LimitExceededError extends SyncClientError {
  override readonly name = 'LimitExceededError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('LimitExceeded', message, options);
  }
}

/** The service could not be reached. `synchronize()` reports this softly; local changes are kept. */
export class OfflineError extends SyncClientError {
  override readonly name = 'OfflineError';
  constructor(options?: { cause?: unknown }) {
    super('Offline', 'Cognito Sync is unreachable; local changes are kept for the next synchronize()', options);
  }
}

/** UpdateRecords kept answering 409 ResourceConflictException after every allowed retry. */
export class ConflictRetriesExhaustedError extends SyncClientError {
  override readonly name = 'ConflictRetriesExhaustedError';
  constructor(dataset: string, attempts: number, options?: { cause?: unknown }) {
    super('ConflictRetriesExhausted', `Dataset ${dataset}: still conflicting after ${attempts} attempts`, options);
  }
}

/** The server never settled (e.g. it keeps reporting a deleted dataset); a guard against endless loops. */
export class TooManyRoundsError extends SyncClientError {
  override readonly name = 'TooManyRoundsError';
  constructor(dataset: string, rounds: number) {
    super('TooManyRounds', `Dataset ${dataset}: synchronization did not settle after ${rounds} rounds`);
  }
}

/** Any other error answered by Cognito Sync, with the service's exception name and HTTP status. */
export class RemoteError extends SyncClientError {
  override readonly name = 'RemoteError';
  constructor(
    readonly remoteCode: string,
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('Remote', `${remoteCode}: ${message}`, options);
  }
}

/** A `LocalStore` failed to read or write. */
export class StoreError extends SyncClientError {
  override readonly name = 'StoreError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('Store', message, options);
  }
}
