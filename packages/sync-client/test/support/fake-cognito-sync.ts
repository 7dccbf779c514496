// An in-memory Cognito Sync service behind an SDK v3 request handler, for unit tests. It follows the
// sync-count model of aws-apis.md §7.2 and lets tests inject failures, pages, interleaved writes and merges.
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { HttpResponse, type HttpHandler, type HttpRequest } from '@smithy/protocol-http';

export interface StoredRecord {
  Value?: string;
  SyncCount: number;
  LastModifiedDate: number;
  LastModifiedBy: string;
  DeviceLastModifiedDate: number;
}

interface StoredDataset {
  count: number;
  records: Map<string, StoredRecord>;
  /** The count at which the dataset was deleted, while it is deleted. */
  deletedAt?: number;
  merged: string[];
}

interface Failure {
  op: 'ListRecords' | 'UpdateRecords' | 'DeleteDataset';
  status: number;
  type: string;
  message: string;
}

interface PatchIn {
  Op: 'replace' | 'remove';
  Key: string;
  Value?: string;
  SyncCount: number;
  DeviceLastModifiedDate?: number;
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeCognitoSync {
  readonly datasets = new Map<string, StoredDataset>();
  readonly calls: Array<{ op: string; query?: Record<string, string>; body?: unknown }> = [];
  /** Requests fail as if there were no network. */
  offline = false;
  /** ListRecords page size cap (the client asks for 1024). */
  pageSize = 1024;
  /** Refuse UpdateRecords whose session token predates the current count (Cognate's stricter choice). */
  strictTokens = false;
  /** UpdateRecords succeeds but answers `Records: []` (a misbehaving server). */
  emptyUpdateResponse = false;
  /** The next UpdateRecords is applied, then the connection drops before the answer. */
  loseNextUpdateResponse = false;
  /** Runs just before each UpdateRecords is applied (simulate another device writing in between). */
  beforeUpdate: (() => void) | undefined;
  readonly failures: Failure[] = [];
  clock = 1_700_000_000_000;

  #key(identityId: string, dataset: string): string {
    return `${identityId}/${dataset}`;
  }

  dataset(identityId: string, name: string): StoredDataset | undefined {
    return this.datasets.get(this.#key(identityId, name));
  }

  #ensure(identityId: string, name: string): StoredDataset {
    const k = this.#key(identityId, name);
    let ds = this.datasets.get(k);
    if (!ds) this.datasets.set(k, (ds = { count: 0, records: new Map(), merged: [] }));
    if (ds.deletedAt !== undefined) delete ds.deletedAt; // re-created: the counter continues
    return ds;
  }

  /** Another device's write, applied directly (one sync count for the whole batch). */
  write(identityId: string, name: string, changes: Record<string, string | null>, device = 'other', at = this.clock): void {
    const ds = this.#ensure(identityId, name);
    ds.count += 1;
    for (const [key, value] of Object.entries(changes)) {
      ds.records.set(key, {
        ...(value === null ? {} : { Value: value }),
        SyncCount: ds.count,
        LastModifiedDate: this.clock,
        LastModifiedBy: device,
        DeviceLastModifiedDate: at,
      });
    }
  }

  deleteDataset(identityId: string, name: string): void {
    const ds = this.dataset(identityId, name);
    if (!ds) return;
    ds.records.clear();
    ds.merged = [];
    ds.deletedAt = ds.count;
  }

  /** Makes `name` report `mergedName` in MergedDatasetNames, and gives `mergedName` these records. */
  merge(identityId: string, name: string, mergedName: string, records: Record<string, string>): void {
    this.write(identityId, mergedName, records, 'old-identity', this.clock - 10_000);
    this.#ensure(identityId, name).merged.push(mergedName);
  }

  failNext(op: Failure['op'], status: number, type: string, message = type): void {
    this.failures.push({ op, status, type, message });
  }

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  /** An SDK client wired to this fake (no retries, so tests count calls exactly). */
  client(): CognitoSyncClient {
    return new CognitoSyncClient({
      region: 'us-east-1',
      endpoint: 'https://cognito-sync.fake',
      credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'secret' },
      maxAttempts: 1,
      requestHandler: this.handler(),
    });
  }

  handler(): HttpHandler {
    return {
      handle: async (request: HttpRequest) => ({ response: await this.#respond(request) }),
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
  }

  async #respond(request: HttpRequest): Promise<HttpResponse> {
    if (this.offline) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const parts = request.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [, poolId, , identityId, , dataset, tail] = parts;
    if (parts[0] !== 'identitypools' || poolId === undefined || identityId === undefined || dataset === undefined) {
      return this.#json(404, { message: `no route ${request.method} ${request.path}` }, 'UnknownOperationException');
    }
    const op =
      request.method === 'GET' && tail === 'records'
        ? 'ListRecords'
        : request.method === 'POST' && tail === undefined
          ? 'UpdateRecords'
          : request.method === 'DELETE' && tail === undefined
            ? 'DeleteDataset'
            : undefined;
    if (!op) return this.#json(404, { message: 'no such operation' }, 'UnknownOperationException');
    const query = Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, String(v)]));
    const raw: unknown = request.body;
    const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.calls.push({ op, query, body });
    try {
      const failureIndex = this.failures.findIndex((f) => f.op === op);
      if (failureIndex >= 0) {
        const [f] = this.failures.splice(failureIndex, 1);
        if (f) throw new ServiceError(f.status, f.type, f.message);
      }
      if (op === 'ListRecords') return this.#json(200, this.#listRecords(identityId, dataset, query));
      if (op === 'UpdateRecords') {
        const answer = this.#updateRecords(identityId, dataset, body as { SyncSessionToken: string; RecordPatches?: PatchIn[]; DeviceId?: string });
        if (this.loseNextUpdateResponse) {
          this.loseNextUpdateResponse = false;
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return this.#json(200, answer);
      }
      return this.#json(200, this.#deleteDataset(identityId, dataset));
    } catch (e) {
      if (e instanceof ServiceError) return this.#json(e.status, { message: e.message }, e.type);
      throw e;
    }
  }

  #token(identityId: string, dataset: string, count: number): string {
    return btoa(JSON.stringify({ identityId, dataset, count }));
  }

  #listRecords(identityId: string, name: string, query: Record<string, string>) {
    const last = Number(query.lastSyncCount ?? '0');
    const ds = this.dataset(identityId, name);
    const count = ds?.count ?? 0;
    const token = this.#token(identityId, name, count);
    if (!ds || (ds.deletedAt !== undefined && last === 0)) {
      return { Records: [], Count: 0, DatasetSyncCount: ds?.count ?? 0, DatasetExists: false, DatasetDeletedAfterRequestedSyncCount: false, SyncSessionToken: token };
    }
    if (ds.deletedAt !== undefined) {
      return { Records: [], Count: 0, DatasetSyncCount: count, DatasetExists: false, DatasetDeletedAfterRequestedSyncCount: last <= ds.deletedAt, SyncSessionToken: token };
    }
    if (last > count) throw new ServiceError(400, 'InvalidParameterException', `No such SyncCount: ${last} exists for this Dataset`);
    const page = query.nextToken ? (JSON.parse(atob(query.nextToken)) as { offset: number; snapshot: number }) : { offset: 0, snapshot: count };
    const changed = [...ds.records.entries()]
      .filter(([, r]) => r.SyncCount > last && r.SyncCount <= page.snapshot)
      .sort(([a, x], [b, y]) => x.SyncCount - y.SyncCount || a.localeCompare(b));
    const size = Math.min(this.pageSize, Number(query.maxResults ?? '1024'));
    const slice = changed.slice(page.offset, page.offset + size);
    const more = page.offset + size < changed.length;
    return {
      Records: slice.map(([Key, r]) => ({ Key, ...this.#wireRecord(r) })),
      Count: slice.length,
      DatasetSyncCount: page.snapshot,
      DatasetExists: true,
      DatasetDeletedAfterRequestedSyncCount: false,
      ...(ds.merged.length > 0 ? { MergedDatasetNames: ds.merged } : {}),
      ...(more ? { NextToken: btoa(JSON.stringify({ offset: page.offset + size, snapshot: page.snapshot })) } : {}),
      SyncSessionToken: token,
    };
  }

  #wireRecord(r: StoredRecord) {
    return {
      ...(r.Value === undefined ? {} : { Value: r.Value }),
      SyncCount: r.SyncCount,
      LastModifiedDate: r.LastModifiedDate / 1000,
      LastModifiedBy: r.LastModifiedBy,
      DeviceLastModifiedDate: r.DeviceLastModifiedDate / 1000,
    };
  }

  #updateRecords(identityId: string, name: string, body: { SyncSessionToken: string; RecordPatches?: PatchIn[]; DeviceId?: string }) {
    const token = JSON.parse(atob(body.SyncSessionToken)) as { identityId: string; dataset: string; count: number };
    if (token.identityId !== identityId || token.dataset !== name) {
      throw new ServiceError(400, 'InvalidParameterException', 'SyncSessionToken not valid for these inputs');
    }
    this.beforeUpdate?.();
    const ds = this.#ensure(identityId, name);
    if (this.strictTokens && token.count !== ds.count) {
      throw new ServiceError(409, 'ResourceConflictException', 'Dataset changed since the SyncSessionToken was issued');
    }
    const patches = body.RecordPatches ?? [];
    for (const p of patches) {
      const current = ds.records.get(p.Key)?.SyncCount ?? 0;
      if (current !== p.SyncCount) {
        throw new ServiceError(409, 'ResourceConflictException', `Current SyncCount for: ${p.Key} is: ${current} not: ${p.SyncCount}`);
      }
    }
    const live = new Set([...ds.records].filter(([, r]) => r.Value !== undefined).map(([k]) => k));
    for (const p of patches) {
      if (p.Op === 'remove') live.delete(p.Key);
      else live.add(p.Key);
    }
    if (live.size > 1024) throw new ServiceError(400, 'LimitExceededException', 'Too many records');
    ds.count += 1;
    for (const p of patches) {
      ds.records.set(p.Key, {
        ...(p.Op === 'replace' && p.Value !== undefined ? { Value: p.Value } : {}),
        SyncCount: ds.count,
        LastModifiedDate: this.clock,
        LastModifiedBy: body.DeviceId ?? identityId,
        DeviceLastModifiedDate: p.DeviceLastModifiedDate !== undefined ? Math.round(p.DeviceLastModifiedDate * 1000) : this.clock,
      });
    }
    if (this.emptyUpdateResponse) return { Records: [] };
    return { Records: patches.map((p) => ({ Key: p.Key, ...this.#wireRecord(ds.records.get(p.Key) as StoredRecord) })) };
  }

  #deleteDataset(identityId: string, name: string) {
    const ds = this.dataset(identityId, name);
    if (!ds || ds.deletedAt !== undefined) throw new ServiceError(404, 'ResourceNotFoundException', `Dataset ${name} not found`);
    this.deleteDataset(identityId, name);
    return { Dataset: { IdentityId: identityId, DatasetName: name, NumRecords: 0 } };
  }

  #json(status: number, body: unknown, errorType?: string): HttpResponse {
    return new HttpResponse({
      statusCode: status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': 'fake',
        ...(errorType ? { 'x-amzn-errortype': `${errorType}:` } : {}),
      },
      body: new TextEncoder().encode(JSON.stringify(errorType ? { ...(body as object), __type: errorType } : body)),
    });
  }
}
