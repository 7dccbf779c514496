import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { requireLiveIdentity, type SyncDeps } from './identities.js';
import type { DatasetRef } from './record-service.js';
import type { SyncDevice } from './types.js';

/**
 * RegisterDevice / SubscribeToDataset / UnsubscribeFromDataset (aws-apis.md §7.1): push sync
 * must be configured on the pool (PushSync.ApplicationArns), else InvalidConfigurationException.
 * Devices and subscriptions are recorded here; the notifications themselves are written by
 * UpdateRecords and DeleteDataset (see push-sync.ts): there is no SNS, so each goes to the
 * webhook the operator mapped the device platform's application ARN to.
 */
export class PushService {
  constructor(private readonly deps: SyncDeps) {}

  async #requirePushSync(poolId: string): Promise<void> {
    const config = await this.deps.repo.pools.config(poolId);
    if (!config?.pushSync?.ApplicationArns?.length) {
      throw new AppError('InvalidParameter', `Push sync is not configured for identity pool ${poolId}`, { wireName: 'InvalidConfigurationException' });
    }
  }

  /** Idempotent: the same identity, platform and token get the same DeviceId. */
  async register(poolId: string, identityId: string, platform: string, token: string, now: number): Promise<string> {
    await requireLiveIdentity(this.deps, poolId, identityId);
    await this.#requirePushSync(poolId);
    return this.deps.repo.transaction(async (tx) => {
      await tx.datasets.lockIdentity(identityId);
      const existing = await tx.pools.findDevice(identityId, platform, token);
      if (existing) return existing.deviceId;
      const device: SyncDevice = { deviceId: randomUUID(), poolId, identityId, platform, token, createdAt: now };
      await tx.pools.insertDevice(device);
      return device.deviceId;
    });
  }

  async subscribe(ref: DatasetRef, deviceId: string, now: number): Promise<void> {
    await this.#device(ref, deviceId);
    await this.deps.repo.pools.subscribe(deviceId, ref.datasetName, now);
  }

  async unsubscribe(ref: DatasetRef, deviceId: string): Promise<void> {
    await this.#device(ref, deviceId);
    await this.deps.repo.pools.unsubscribe(deviceId, ref.datasetName);
  }

  async #device(ref: DatasetRef, deviceId: string): Promise<SyncDevice> {
    await requireLiveIdentity(this.deps, ref.poolId, ref.identityId);
    await this.#requirePushSync(ref.poolId);
    const device = await this.deps.repo.pools.device(deviceId);
    if (!device || device.identityId !== ref.identityId) throw new AppError('NotFound', `Device not found: ${deviceId}`);
    return device;
  }
}
