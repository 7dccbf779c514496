import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { streamPayload, streamTarget } from './events.js';
import type { SyncDeps } from './identities.js';
import { pageSize, SYNC_LIMITS } from './limits.js';
import type { UsageTotals } from './ports.js';
import type { BulkPublishState, PoolSyncConfig } from './types.js';

const emptyConfig = (poolId: string): PoolSyncConfig => ({ poolId, pushSync: null, cognitoStreams: null, events: {}, bulkPublish: null });

/** An IN_PROGRESS run older than this was cut short by a crash; another may start. */
const STALE_RUN_MS = 15 * 60 * 1000;

/** Developer-only pool operations: usage, configuration, Cognito Events, bulk publish (aws-apis.md §7.1). */
export class PoolService {
  constructor(private readonly deps: SyncDeps) {}

  async requirePool(poolId: string): Promise<void> {
    if (!(await this.deps.repo.datasets.poolExists(poolId))) throw new AppError('NotFound', `IdentityPool '${poolId}' not found.`);
  }

  async usage(poolId: string): Promise<UsageTotals> {
    await this.requirePool(poolId);
    return this.deps.repo.datasets.poolUsage(poolId);
  }

  async listUsage(q: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<{ pools: { poolId: string; usage: UsageTotals }[]; nextToken: string | undefined; maxResults: number }> {
    const maxResults = pageSize(q.maxResults, SYNC_LIMITS.maxPoolsPage);
    const cursor = q.nextToken ? await this.deps.tokens.openPage(q.nextToken, 'pools') : undefined;
    const ids = await this.deps.repo.datasets.listPools(cursor?.afterKey, maxResults + 1);
    const page = ids.slice(0, maxResults);
    const pools = await Promise.all(page.map(async (poolId) => ({ poolId, usage: await this.deps.repo.datasets.poolUsage(poolId) })));
    const last = page[page.length - 1];
    const nextToken = ids.length > maxResults && last ? await this.deps.tokens.issuePage('pools', { snapshot: 0, afterCount: 0, afterKey: last }) : undefined;
    return { pools, nextToken, maxResults };
  }

  async config(poolId: string): Promise<PoolSyncConfig> {
    await this.requirePool(poolId);
    return (await this.deps.repo.pools.config(poolId)) ?? emptyConfig(poolId);
  }

  /** Given members replace the stored ones; absent members are kept. */
  async setConfig(poolId: string, input: { PushSync?: PoolSyncConfig['pushSync'] | undefined; CognitoStreams?: PoolSyncConfig['cognitoStreams'] | undefined }): Promise<PoolSyncConfig> {
    await this.requirePool(poolId);
    return this.deps.repo.transaction(async (tx) => {
      const current = (await tx.pools.config(poolId)) ?? emptyConfig(poolId);
      const next = { ...current };
      if (input.PushSync) next.pushSync = input.PushSync;
      if (input.CognitoStreams) {
        const streams = { ...(current.cognitoStreams ?? {}), ...input.CognitoStreams };
        if (streams.StreamName) {
          this.#requireWebhook(streams.StreamName, 'stream');
          streams.StreamingStatus ??= 'ENABLED';
        }
        next.cognitoStreams = streams;
      }
      await tx.pools.putConfig(next);
      return next;
    });
  }

  /** Only the given event types change; an empty value removes one (§7.1). */
  async setEvents(poolId: string, events: Record<string, string>): Promise<void> {
    await this.requirePool(poolId);
    for (const [type, arn] of Object.entries(events)) {
      if (type !== 'SyncTrigger') throw new AppError('InvalidParameter', `Invalid event type: ${type}`);
      if (arn !== '') this.#requireWebhook(arn, 'Lambda function');
    }
    await this.deps.repo.transaction(async (tx) => {
      const current = (await tx.pools.config(poolId)) ?? emptyConfig(poolId);
      const merged = { ...current.events };
      for (const [type, arn] of Object.entries(events)) {
        if (arn === '') delete merged[type];
        else merged[type] = arn;
      }
      await tx.pools.putConfig({ ...current, events: merged });
    });
  }

  #requireWebhook(name: string, what: string): void {
    if (!this.deps.webhookTargets.has(name)) {
      throw new AppError('InvalidParameter', `No webhook is configured for ${what} ${name} (set it in COGNATE_SYNC_WEBHOOKS)`);
    }
  }

  async bulkPublishDetails(poolId: string): Promise<BulkPublishState> {
    const c = await this.config(poolId);
    return c.bulkPublish ?? { status: 'NOT_STARTED', startedAt: null, completedAt: null, failureMessage: null };
  }

  /**
   * Publishes every live dataset of the pool to its stream. Runs within the request (batched,
   * one transaction per batch): the state is IN_PROGRESS meanwhile and SUCCEEDED or FAILED after.
   */
  async bulkPublish(poolId: string, now: () => number): Promise<void> {
    const start = now();
    await this.deps.repo.transaction(async (tx) => {
      const c = (await tx.pools.config(poolId)) ?? emptyConfig(poolId);
      if (!(await tx.datasets.poolExists(poolId))) throw new AppError('NotFound', `IdentityPool '${poolId}' not found.`);
      if (!streamTarget(c)) throw new AppError('InvalidParameter', `No enabled Cognito stream is configured for identity pool ${poolId}`);
      const b = c.bulkPublish;
      if (b?.status === 'IN_PROGRESS' && (b.startedAt ?? 0) > start - STALE_RUN_MS) {
        throw new AppError('Conflict', 'A bulk publish is already in progress', { wireName: 'DuplicateRequestException' });
      }
      if (b?.status === 'SUCCEEDED' && (b.completedAt ?? 0) > start - SYNC_LIMITS.bulkPublishIntervalMs) {
        throw new AppError('Conflict', 'A bulk publish already succeeded in the last 24 hours', { wireName: 'AlreadyStreamedException' });
      }
      await tx.pools.putConfig({ ...c, bulkPublish: { status: 'IN_PROGRESS', startedAt: start, completedAt: null, failureMessage: null } });
    });
    const finish = (state: Omit<BulkPublishState, 'startedAt'>) =>
      this.deps.repo.transaction(async (tx) => {
        const c = (await tx.pools.config(poolId)) ?? emptyConfig(poolId);
        await tx.pools.putConfig({ ...c, bulkPublish: { ...state, startedAt: start } });
      });
    try {
      await this.#publishAll(poolId, now);
      await finish({ status: 'SUCCEEDED', completedAt: now(), failureMessage: null });
    } catch (e) {
      await finish({ status: 'FAILED', completedAt: now(), failureMessage: e instanceof AppError ? e.message : 'Internal error' });
      throw e;
    }
  }

  async #publishAll(poolId: string, now: () => number): Promise<void> {
    let after: { identityId: string; name: string } | undefined;
    for (;;) {
      const batch = await this.deps.repo.datasets.poolDatasets(poolId, after, 100);
      if (batch.length === 0) return;
      await this.deps.repo.transaction(async (tx) => {
        const stream = streamTarget((await tx.pools.config(poolId)) ?? undefined);
        if (!stream) throw new AppError('InvalidParameter', `The Cognito stream of identity pool ${poolId} was disabled`);
        for (const d of batch) {
          const records = (await tx.datasets.recordsSince(d.identityId, d.name, { count: 0, key: null }, d.syncCount, 1_000_000)).filter((r) => r.value !== null);
          const changes = records.map((r) => ({ key: r.key, op: 'replace' as const, oldValue: null, newValue: r.value, record: r }));
          const payload = streamPayload({ region: this.deps.region, poolId, identityId: d.identityId, datasetName: d.name, operation: 'replace', syncCount: d.syncCount, lastModifiedAt: d.lastModifiedAt, changes });
          await tx.outbox.enqueue([{ id: randomUUID(), kind: 'CognitoStreams', target: stream, poolId, payload, createdAt: now() }], now());
        }
      });
      this.deps.onEnqueued();
      const last = batch[batch.length - 1]!;
      after = { identityId: last.identityId, name: last.name };
    }
  }
}
