import { AppError } from '../errors.js';
import { mergedCopyName } from './datasets.js';
import type { IdentityRef, SyncRepository } from './ports.js';
import type { PushSyncFanout } from './push-sync.js';
import type { SyncTokens } from './tokens.js';

/** What every Cognito Sync service needs. */
export interface SyncDeps {
  repo: SyncRepository;
  tokens: SyncTokens;
  /** Server region, for event payloads. */
  region: string;
  /** Lambda ARNs, stream names and SNS platform application ARNs the operator mapped to webhooks. */
  webhookTargets: ReadonlySet<string>;
  /** Push sync deliveries of a change (one per subscribed device). */
  pushSync: PushSyncFanout;
  /** Called after a commit that enqueued webhook deliveries (wakes the deliverer). */
  onEnqueued: () => void;
}

/** The identity as the path names it: it must exist in the pool (aws-apis.md §7.3). */
export async function findIdentity(deps: SyncDeps, poolId: string, identityId: string): Promise<IdentityRef | undefined> {
  const row = await deps.repo.datasets.identity(identityId);
  return row && row.poolId === poolId ? row : undefined;
}

export function identityNotFound(identityId: string): AppError {
  return new AppError('NotFound', `Identity not found: ${identityId}`);
}

/** An identity that exists and was not merged away; writes need one. */
export async function requireLiveIdentity(deps: SyncDeps, poolId: string, identityId: string): Promise<IdentityRef> {
  const row = await findIdentity(deps, poolId, identityId);
  if (!row) throw identityNotFound(identityId);
  if (row.mergedInto) throw new AppError('NotFound', `Identity ${identityId} was merged into ${row.mergedInto}`);
  await absorbInto(deps, row);
  return row;
}

/** {@link absorbMerged} for the identity that now holds `identity`'s data, when anything may wait. */
export async function absorbInto(deps: SyncDeps, identity: IdentityRef): Promise<void> {
  // The identity row says whether anything was merged into it: most requests need no more reads.
  if (identity.mergedInto === null && !identity.hasMerged) return;
  await absorbMerged(deps, identity.mergedInto ?? identity.id);
}

/**
 * Brings in the datasets of identities merged into `identityId` (§1.5, §7.5), lazily on the
 * survivor's next request: each live dataset `X` of a merged-away identity `S` becomes the
 * survivor's `X.<S>` — a merged copy that ListRecords on `X` reports in MergedDatasetNames until
 * the client deletes it. Tombstones of `S` are dropped. Idempotent and race-safe: it runs under
 * the survivor's identity lock and re-reads inside the transaction.
 */
export async function absorbMerged(deps: SyncDeps, identityId: string): Promise<void> {
  const merged = await deps.repo.datasets.identitiesMergedInto(identityId);
  if (merged.length === 0) return;
  if ((await deps.repo.datasets.datasetsOf(merged)).length === 0) return;
  await deps.repo.transaction(async (tx) => {
    await tx.datasets.lockIdentity(identityId);
    for (const d of await tx.datasets.datasetsOf(merged)) {
      if (d.deleted) {
        await tx.datasets.deleteDatasetRows(d.identityId, [d.name]);
        continue;
      }
      const name = mergedCopyName(d.name, d.identityId);
      const clash = await tx.datasets.dataset(identityId, name);
      if (clash && !clash.deleted) continue; // already there (cannot happen twice for one source): leave it
      if (clash) await tx.datasets.deleteDatasetRows(identityId, [name]);
      await tx.datasets.moveDataset(
        { identityId: d.identityId, name: d.name },
        { ...d, identityId, name, deletedAtCount: null, mergedBase: d.mergedBase ?? d.name, mergedFrom: d.identityId },
      );
    }
  });
}
