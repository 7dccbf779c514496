import { randomUUID } from 'node:crypto';
import type { DatasetChange } from './events.js';
import type { SyncStores } from './ports.js';
import type { OutboxEntry, PoolSyncConfig, SyncDevice } from './types.js';

/** What push sync logs: only the operator's mistakes, once each. */
export interface SyncLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/**
 * The platform segment of an SNS platform application ARN,
 * `arn:aws:sns:<region>:<account>:app/<PLATFORM>/<name>` (the model's `ApplicationArn` pattern).
 * SNS names an FCM application `GCM`, as RegisterDevice's `Platform` does.
 */
export function applicationPlatform(arn: string): string | undefined {
  return /^arn:aws[-a-z]*:sns:[^:]*:[^:]*:app\/([A-Z_]+)\/[^/]+$/.exec(arn)?.[1];
}

/** The pool's platform application for a device's platform: the first PushSync.ApplicationArns entry of that platform. */
export function applicationFor(config: PoolSyncConfig | undefined, platform: string): string | undefined {
  return config?.pushSync?.ApplicationArns?.find((arn) => applicationPlatform(arn) === platform);
}

/**
 * One webhook body per device and change. `data` is the dictionary Cognito's silent push carries
 * to the app (Developer Guide, "Implementing push synchronization": `source` = `cognito-sync`,
 * `identityPoolId`, `identityId`, `datasetName`, `syncCount`); the receiver sends it as the GCM/FCM
 * `data` message or beside `aps: { content-available: 1 }` for APNs. Its `syncCount` is a string:
 * FCM data values are strings and the Android SDK's PushSyncUpdate parses it with Long.parseLong.
 * The rest tells the operator where to send it.
 */
export function pushSyncPayload(applicationArn: string, device: SyncDevice, c: DatasetChange): string {
  return JSON.stringify({
    eventType: 'PushSync',
    applicationArn,
    platform: device.platform,
    token: device.token,
    deviceId: device.deviceId,
    identityPoolId: c.poolId,
    identityId: c.identityId,
    datasetName: c.datasetName,
    syncCount: c.syncCount,
    data: { source: 'cognito-sync', identityPoolId: c.poolId, identityId: c.identityId, datasetName: c.datasetName, syncCount: String(c.syncCount) },
  });
}

/**
 * Push sync (aws-apis.md §7.1): a dataset change notifies every device subscribed to that dataset
 * of the identity, except the device that made it (UpdateRecords' `DeviceId`), through the pool's
 * platform application for the device's platform. There is no SNS here: the application ARN is
 * mapped to a webhook (COGNATE_SYNC_WEBHOOKS) and one outbox row per device is written in the
 * transaction of the change. Unmapped applications are skipped and logged once.
 */
export class PushSyncFanout {
  readonly #logged = new Set<string>();

  constructor(
    private readonly targets: ReadonlySet<string>,
    private readonly log: SyncLog,
  ) {}

  /** The deliveries a change produces; reads subscriptions only when a mapped application exists. */
  async entries(tx: SyncStores, config: PoolSyncConfig | undefined, change: DatasetChange, originDeviceId: string | undefined, now: number): Promise<OutboxEntry[]> {
    const arns = config?.pushSync?.ApplicationArns ?? [];
    if (!arns.some((arn) => this.#mapped(arn))) return [];
    const entries: OutboxEntry[] = [];
    for (const device of await tx.pools.subscribers(change.identityId, change.datasetName)) {
      if (device.deviceId === originDeviceId) continue;
      const arn = applicationFor(config, device.platform);
      if (arn === undefined) {
        this.#once(`${change.poolId}/${device.platform}`, () =>
          this.log.debug({ poolId: change.poolId, platform: device.platform }, 'cognito-sync push sync: the pool has no platform application for this platform'),
        );
        continue;
      }
      if (!this.#mapped(arn)) continue;
      entries.push({ id: randomUUID(), kind: 'PushSync', target: arn, poolId: change.poolId, payload: pushSyncPayload(arn, device, change), createdAt: now });
    }
    return entries;
  }

  #mapped(arn: string): boolean {
    if (this.targets.has(arn)) return true;
    this.#once(arn, () => this.log.warn({ applicationArn: arn }, 'cognito-sync push sync: no webhook is configured for this platform application (COGNATE_SYNC_WEBHOOKS); its notifications are not sent'));
    return false;
  }

  /** Keys are configured ARNs and pool/platform pairs; the bound only guards memory. */
  #once(key: string, fn: () => void): void {
    if (this.#logged.has(key)) return;
    if (this.#logged.size < 10_000) this.#logged.add(key);
    fn();
  }
}
