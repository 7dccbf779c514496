import { assertValue } from './limits.js';
import { getRecord } from './records.js';
import type { Patch } from './remote.js';
import type {
  Conflict,
  ConflictResolution,
  ConflictResolver,
  DatasetState,
  LocalRecord,
  RecordView,
  RemoteRecord,
} from './types.js';

/** The local records one round intends to write, keyed by record key, and what was decided on the way. */
export interface Plan {
  writes: Map<string, LocalRecord>;
  conflicts: Array<{ conflict: Conflict; resolution: ConflictResolution }>;
  pulled: number;
}

export interface PlanContext {
  dataset: string;
  resolver: ConflictResolver;
  now: () => number;
}

export function emptyPlan(): Plan {
  return { writes: new Map(), conflicts: [], pulled: 0 };
}

function current(state: DatasetState, plan: Plan, key: string): LocalRecord | undefined {
  return plan.writes.get(key) ?? getRecord(state, key);
}

function view(key: string, r: LocalRecord | RemoteRecord): RecordView {
  const v: RecordView = { key, value: r.value, syncCount: r.syncCount };
  if (r.deviceLastModified !== undefined) v.deviceLastModified = r.deviceLastModified;
  if (r.lastModified !== undefined) v.lastModified = r.lastModified;
  if (r.lastModifiedBy !== undefined) v.lastModifiedBy = r.lastModifiedBy;
  return v;
}

/** The local copy of a server record: unmodified, at the server's SyncCount. */
export function fromRemote(r: RemoteRecord, localVersion: number): LocalRecord {
  const out: LocalRecord = {
    value: r.value,
    syncCount: r.syncCount,
    modified: false,
    deviceLastModified: r.deviceLastModified ?? r.lastModified ?? 0,
    localVersion,
  };
  if (r.lastModified !== undefined) out.lastModified = r.lastModified;
  if (r.lastModifiedBy !== undefined) out.lastModifiedBy = r.lastModifiedBy;
  return out;
}

async function decide(ctx: PlanContext, plan: Plan, conflict: Conflict): Promise<ConflictResolution> {
  const resolution = await ctx.resolver(conflict);
  if (resolution !== 'local' && resolution !== 'remote') {
    if (typeof resolution !== 'object' || resolution === null || !('value' in resolution)) {
      throw new TypeError(`Conflict resolver returned ${JSON.stringify(resolution)}; expected 'local', 'remote' or { value }`);
    }
    if (resolution.value !== null) assertValue(resolution.value);
  }
  plan.conflicts.push({ conflict, resolution });
  return resolution;
}

/**
 * Folds remote changes into the plan. A remote record whose SyncCount is above the local record's base
 * has changed on the server: it replaces an unmodified local record, and conflicts with a modified one
 * unless both hold the same value. A remote record at or below the local base has not changed since we
 * saw it, so a local modification stands (this also makes a full re-pull from 0 safe).
 */
export async function applyRemote(state: DatasetState, remote: RemoteRecord[], ctx: PlanContext, plan: Plan): Promise<void> {
  for (const r of remote) {
    const local = current(state, plan, r.key);
    const localVersion = local?.localVersion ?? 0;
    if (!local || !local.modified) {
      plan.writes.set(r.key, fromRemote(r, localVersion));
      plan.pulled += 1;
      continue;
    }
    if (r.syncCount <= local.syncCount) continue;
    if (local.value === r.value) {
      plan.writes.set(r.key, fromRemote(r, localVersion));
      plan.pulled += 1;
      continue;
    }
    const resolution = await decide(ctx, plan, {
      dataset: ctx.dataset,
      key: r.key,
      local: view(r.key, local),
      remote: view(r.key, r),
      source: 'remote',
    });
    if (resolution === 'remote') {
      plan.writes.set(r.key, fromRemote(r, localVersion));
      plan.pulled += 1;
    } else if (resolution === 'local') {
      // Rebase our change on the server's version so UpdateRecords accepts it.
      plan.writes.set(r.key, { ...local, syncCount: r.syncCount, modified: true });
    } else {
      plan.writes.set(r.key, {
        ...local,
        value: resolution.value,
        syncCount: r.syncCount,
        modified: true,
        deviceLastModified: ctx.now(),
      });
    }
  }
}

/**
 * Folds the records of a merged dataset into this one as local modifications (they are pushed with the
 * round). Keys we lack are taken; keys holding a different value go to the resolver with `source: 'merge'`.
 */
export async function applyMerged(state: DatasetState, merged: RemoteRecord[], ctx: PlanContext, plan: Plan): Promise<void> {
  for (const m of merged) {
    if (m.value === null) continue;
    const local = current(state, plan, m.key);
    const base = { syncCount: local?.syncCount ?? 0, localVersion: local?.localVersion ?? 0 };
    const taken: LocalRecord = {
      ...base,
      value: m.value,
      modified: true,
      deviceLastModified: m.deviceLastModified ?? m.lastModified ?? ctx.now(),
    };
    if (!local || local.value === null) {
      plan.writes.set(m.key, taken);
      continue;
    }
    if (local.value === m.value) continue;
    const resolution = await decide(ctx, plan, {
      dataset: ctx.dataset,
      key: m.key,
      local: view(m.key, local),
      remote: view(m.key, m),
      source: 'merge',
    });
    if (resolution === 'remote') plan.writes.set(m.key, { ...local, ...taken });
    else if (resolution !== 'local') {
      plan.writes.set(m.key, { ...local, value: resolution.value, modified: true, deviceLastModified: ctx.now() });
    }
  }
}

/** Every modified record after the plan, as UpdateRecords patches. */
export function patchesOf(state: DatasetState, plan: Plan): Patch[] {
  const keys = new Set([...Object.keys(state.records), ...plan.writes.keys()]);
  const patches: Patch[] = [];
  for (const key of keys) {
    const r = current(state, plan, key);
    // A removal of something the server never had needs no request.
    if (!r || !r.modified || (r.value === null && r.syncCount === 0)) continue;
    patches.push({ key, value: r.value, syncCount: r.syncCount, deviceLastModified: r.deviceLastModified });
  }
  return patches;
}
