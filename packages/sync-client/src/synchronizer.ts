import { backoffDelay, sleep } from './backoff.js';
import { ConflictRetriesExhaustedError, RemoteError, TooManyRoundsError } from './errors.js';
import { datasetSection, type KeyedLock } from './lock.js';
import { applyMerged, applyRemote, emptyPlan, fromRemote, patchesOf, type Plan, type PlanContext } from './plan.js';
import { deleteRecord, getRecord, setRecord } from './records.js';
import { RoundConflict, type DatasetAddress, type Patch, type RemoteDatasets, type RemoteSnapshot } from './remote.js';
import { emptyState, type LocalStore } from './stores/local-store.js';
import type {
  ConflictResolver,
  DatasetEvents,
  DatasetState,
  DeletedAction,
  LocalRecord,
  MergedAction,
  RemoteRecord,
  SyncResult,
} from './types.js';

/** Retry policy for UpdateRecords refused with 409 ResourceConflictException. */
export interface RetryOptions {
  /** Attempts of a whole round, first one included (default 4). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 100). */
  baseDelayMs?: number;
  /** Largest backoff delay in ms (default 5000). */
  maxDelayMs?: number;
}

/** Everything one dataset's synchronization needs; built by `SyncClient`. */
export interface SyncContext {
  dataset: string;
  identityPoolId: string;
  identityId: () => Promise<string>;
  store: LocalStore;
  lock: KeyedLock;
  remote: RemoteDatasets;
  resolver: ConflictResolver;
  onDeleted: (info: { dataset: string }) => DeletedAction | Promise<DeletedAction>;
  onMerged: (info: { dataset: string; mergedDatasetNames: string[] }) => MergedAction | Promise<MergedAction>;
  retry: Required<RetryOptions>;
  maxRounds: number;
  now: () => number;
  random: () => number;
  emit: <K extends keyof DatasetEvents>(event: K, payload: DatasetEvents[K]) => void;
}

type RoundOutcome = 'done' | 'again';

/**
 * Runs rounds until the dataset is in step with the server. A round is: ListRecords (all pages) →
 * fold remote changes and conflicts into a plan → UpdateRecords with every modified record → commit.
 * Nothing is written locally before the commit, so a round refused with 409 is simply run again.
 */
export async function synchronizeDataset(ctx: SyncContext): Promise<SyncResult> {
  const result: SyncResult = {
    dataset: ctx.dataset,
    status: 'synced',
    pulled: 0,
    pushed: 0,
    conflicts: 0,
    merged: [],
    deleted: false,
    retries: 0,
    lastSyncCount: 0,
  };
  const mergeDecisions = new Map<string, MergedAction>();
  let rounds = 0;
  for (;;) {
    try {
      // After two refusals in a row, re-read every record from 0 to refresh any stale local SyncCount.
      const outcome = await runRound(ctx, result, mergeDecisions, result.retries >= 2);
      if (outcome === 'done') return result;
      rounds += 1;
      if (rounds >= ctx.maxRounds) throw new TooManyRoundsError(ctx.dataset, rounds);
    } catch (e) {
      if (!(e instanceof RoundConflict)) throw e;
      result.retries += 1;
      if (result.retries >= ctx.retry.maxAttempts) {
        throw new ConflictRetriesExhaustedError(ctx.dataset, result.retries, { cause: e });
      }
      await sleep(backoffDelay(result.retries, { baseMs: ctx.retry.baseDelayMs, maxMs: ctx.retry.maxDelayMs }, ctx.random));
    }
  }
}

async function listOrReset(ctx: SyncContext, at: DatasetAddress, from: number): Promise<RemoteSnapshot | 'reset'> {
  try {
    return await ctx.remote.list(at, from);
  } catch (e) {
    // "No such SyncCount: N exists for this Dataset": the server's history no longer reaches ours.
    if (from > 0 && e instanceof RemoteError && e.remoteCode === 'InvalidParameterException' && /SyncCount/i.test(e.message)) {
      return 'reset';
    }
    throw e;
  }
}

async function runRound(
  ctx: SyncContext,
  result: SyncResult,
  mergeDecisions: Map<string, MergedAction>,
  fullPull: boolean,
): Promise<RoundOutcome> {
  const identityId = await ctx.identityId();
  const at: DatasetAddress = { identityPoolId: ctx.identityPoolId, identityId, datasetName: ctx.dataset };
  const snapshot = (await ctx.store.load(identityId, ctx.dataset)) ?? emptyState();
  const remote = await listOrReset(ctx, at, fullPull ? 0 : snapshot.lastSyncCount);

  if (remote === 'reset' || remote.deletedAfterRequestedSyncCount || (!remote.exists && snapshot.lastSyncCount > 0)) {
    const action = await ctx.onDeleted({ dataset: ctx.dataset });
    await commitLocked(ctx, identityId, (current) => afterDeletion(snapshot, current, action));
    result.deleted = true;
    result.lastSyncCount = 0;
    ctx.emit('deleted', { dataset: ctx.dataset, action });
    return 'again';
  }

  const planCtx: PlanContext = { dataset: ctx.dataset, resolver: ctx.resolver, now: ctx.now };
  const plan = emptyPlan();
  await applyRemote(snapshot, remote.records, planCtx, plan);

  const alreadyMerged = new Set(snapshot.mergedDatasets ?? []);
  const newMerged = remote.mergedDatasetNames.filter((n) => n !== ctx.dataset && !alreadyMerged.has(n));
  let mergeAction: MergedAction | undefined;
  if (newMerged.length > 0) {
    const decisionKey = newMerged.join('\n');
    mergeAction = mergeDecisions.get(decisionKey) ?? (await ctx.onMerged({ dataset: ctx.dataset, mergedDatasetNames: newMerged }));
    mergeDecisions.set(decisionKey, mergeAction);
    if (mergeAction === 'merge') {
      for (const other of newMerged) {
        const merged = await ctx.remote.list({ ...at, datasetName: other }, 0);
        await applyMerged(snapshot, merged.records, planCtx, plan);
      }
    }
  }

  const patches = patchesOf(snapshot, plan);
  const returned = patches.length > 0 ? await ctx.remote.update(at, remote.syncSessionToken, patches) : [];
  // A dataset that does not exist has no history to skip: a server may restart its counter at 1 on re-creation.
  const listed = remote.exists ? remote.datasetSyncCount : 0;
  const { lastSyncCount, contiguous } = nextSyncCount(listed, patches, returned);
  const mergedNow = mergeAction === 'merge' ? newMerged : [];

  await commitLocked(ctx, identityId, (current) => {
    const next = commitPlan(snapshot, current, plan, patches, returned);
    next.lastSyncCount = lastSyncCount;
    if (mergedNow.length > 0) next.mergedDatasets = [...new Set([...(current.mergedDatasets ?? []), ...mergedNow])];
    return next;
  });

  result.pulled += plan.pulled;
  result.pushed += patches.length;
  result.conflicts += plan.conflicts.length;
  result.merged.push(...mergedNow);
  result.lastSyncCount = lastSyncCount;
  for (const c of plan.conflicts) ctx.emit('conflict', c);
  if (mergeAction !== undefined) ctx.emit('merged', { dataset: ctx.dataset, mergedDatasetNames: newMerged, action: mergeAction });
  // Another device wrote between our ListRecords and UpdateRecords: pull again rather than skip its change.
  return contiguous ? 'done' : 'again';
}

async function commitLocked(ctx: SyncContext, identityId: string, build: (current: DatasetState) => DatasetState): Promise<void> {
  await datasetSection(ctx.lock, ctx.store, identityId, ctx.dataset, async () => {
    const current = (await ctx.store.load(identityId, ctx.dataset)) ?? emptyState();
    await ctx.store.save(identityId, ctx.dataset, build(current));
  });
}

/**
 * The lastSyncCount we may claim after a round. Without a push, the listed count. After a push, the
 * server stamps every patched record with listed + 1 (aws-apis.md §7.2); only when every patched record
 * came back with exactly that count do we know no other device wrote in between, and may skip past it.
 */
export function nextSyncCount(listed: number, patches: Patch[], returned: RemoteRecord[]): { lastSyncCount: number; contiguous: boolean } {
  if (patches.length === 0) return { lastSyncCount: listed, contiguous: true };
  const returnedKeys = new Set(returned.map((r) => r.key));
  const contiguous =
    patches.every((p) => returnedKeys.has(p.key)) && returned.every((r) => r.syncCount === listed + 1);
  return contiguous ? { lastSyncCount: listed + 1, contiguous } : { lastSyncCount: listed, contiguous };
}

/**
 * Applies a round's plan and UpdateRecords answer to the current local state. A record edited locally
 * while the round was in flight (its localVersion moved) keeps the edit, rebased on the newest server
 * SyncCount, and stays modified for the next round.
 */
export function commitPlan(
  snapshot: DatasetState,
  current: DatasetState,
  plan: Plan,
  patches: Patch[],
  returned: RemoteRecord[],
): DatasetState {
  const next: DatasetState = { ...current, records: { ...current.records } };
  const stored = new Map(returned.map((r) => [r.key, r]));
  // Removals of keys the server never had were not sent: settle them here too.
  const localOnlyRemovals = Object.entries(snapshot.records)
    .filter(([, r]) => r.value === null && r.syncCount === 0)
    .map(([key]) => key);
  const keys = new Set([...plan.writes.keys(), ...patches.map((p) => p.key), ...localOnlyRemovals]);
  for (const key of keys) {
    const before = getRecord(snapshot, key);
    const planned = plan.writes.get(key) ?? before;
    if (!planned) continue;
    const server = stored.get(key);
    // A patched record the server did not echo stays modified: the next pull settles it either way.
    let final: LocalRecord = server ? fromRemote(server, planned.localVersion) : planned;
    const now = getRecord(current, key);
    if (now && now.localVersion !== (before?.localVersion ?? 0)) {
      final = { ...now, syncCount: Math.max(final.syncCount, now.syncCount), modified: true };
    }
    if (final.value === null && final.syncCount === 0) deleteRecord(next, key);
    else setRecord(next, key, final);
  }
  return next;
}

/** Local state after the server reported the dataset deleted; local edits made since the snapshot survive. */
export function afterDeletion(snapshot: DatasetState, current: DatasetState, action: DeletedAction): DatasetState {
  const next: DatasetState = { lastSyncCount: 0, records: {} };
  for (const [key, r] of Object.entries(current.records)) {
    const editedSince = r.localVersion !== (getRecord(snapshot, key)?.localVersion ?? 0);
    if (r.value === null || (action === 'purge' && !editedSince)) continue;
    setRecord(next, key, { ...r, syncCount: 0, modified: true });
  }
  return next;
}
