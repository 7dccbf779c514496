import type { Conflict, ConflictResolution, ConflictResolver, RecordView } from './types.js';

function writtenAt(r: RecordView): number {
  return r.deviceLastModified ?? r.lastModified ?? 0;
}

/**
 * Default policy: the side written last wins, by DeviceLastModifiedDate (falling back to the server's
 * LastModifiedDate). Ties go to the remote side, so every device converges on the same value.
 */
export const lastWriterWins: ConflictResolver = (c: Conflict): ConflictResolution =>
  writtenAt(c.local) > writtenAt(c.remote) ? 'local' : 'remote';

/** The server's value always wins: local edits to a key that changed remotely are dropped. */
export const remoteWins: ConflictResolver = () => 'remote';

/** This device's value always wins and is pushed over the remote change. */
export const localWins: ConflictResolver = () => 'local';
