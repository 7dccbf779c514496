import { SyncClient, type SyncClientOptions } from '../../src/index.js';
import { MemoryStore } from '../../src/stores/memory-store.js';
import { FakeCognitoSync } from './fake-cognito-sync.js';

export const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
export const IDENTITY = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

/** A settable clock shared by a test's devices. */
export class TestClock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms;
  tick(by = 1000): number {
    return (this.ms += by);
  }
}

/** A device: its own local store, the same identity and fake service as the others. */
export function device(service: FakeCognitoSync, clock: TestClock, options: Partial<SyncClientOptions> = {}): SyncClient {
  return new SyncClient({
    client: service.client(),
    identityPoolId: POOL,
    identityId: () => IDENTITY,
    storage: new MemoryStore(),
    now: clock.now,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...options,
  });
}
