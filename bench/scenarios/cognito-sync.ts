import { loadavg } from 'node:os';
import type autocannon from 'autocannon';
import type { CryptoCeiling } from '../ceiling.js';
import { load, type LoadResult } from '../load.js';
import { startBenchServer, type BenchServer } from '../server.js';
import type { SignedRequest } from '../sign.js';
import { percentiles, recordKey, recordValue, setUpSync, type BenchIdentity } from '../sync-setup.js';
import type { Scenario, ScenarioResult } from './index.js';

/**
 * Cognito Sync under load (aws-apis.md §7): 32 connections against a server with two workers on
 * embedded SQLite, every request SigV4-signed (`@smithy/signature-v4`) with the temporary
 * credentials of the guest identity whose data it touches, as the SDKs sign them.
 *
 * Signing happens outside autocannon's synchronous `setupRequest` (the smithy signer is async):
 * - sync-read pre-signs, before the run, a pool of distinct ListRecords requests (a fresh
 *   `amz-sdk-invocation-id` each) interleaved over the identities, and cycles through it. The
 *   server keeps no per-signature state, so a replayed request costs it what a fresh one does.
 * - sync-write leases each dataset to one connection at a time, so its counts to come are known
 *   and its ListRecords (lastSyncCount = the current count) are pre-signed for the next counts.
 *   The listing returns the SyncSessionToken; the UpdateRecords that carries it is signed right
 *   then and queued; after its 200 the dataset goes back to the pool with its next listing. A
 *   connection's UpdateRecords step takes the oldest signed write (of a dataset listed just before
 *   by some connection), so no connection waits for a signature; signed writes prepared during
 *   set-up keep that queue from running dry. UpdateRecords/s counts only the 200s of that step.
 *
 * The load generator shares the machine's cores with the server: on a 2-core machine the
 * figures are for server and client together.
 */

const IDENTITIES = 200;
const RECORDS = 50;
const READS_PER_IDENTITY = 150;
/** Signed writes kept ready (covers the one signature in flight per response handler). */
const WRITE_QUEUE = 64;
const WARMUP_SEC = 3;
/** ListRecords signed ahead per dataset in sync-write: 200 × 160 covers ~1,700 writes/s over warm-up and run. */
const LISTS_AHEAD = 160;

/** The same run's SigV4 ceiling, and the share of one core the server's signature checks needed at `perSec`. */
const ceilingLines = (c: CryptoCeiling, perSec: number) => [
  `- SigV4 ceiling on one core (same run): ${c.sigv4KeyDerivationsPerSec} signing-key derivations/s (4 chained HMAC-SHA256), ${c.hmacSha256PerSec} HMAC-SHA256/s. The server derives a signing key once per credential and day (cached), then a check costs 1 HMAC-SHA256 (+ 2 SHA-256): ${perSec} requests/s ≈ ${((100 * perSec) / c.hmacSha256PerSec).toFixed(1)}% of one core's HMAC ceiling`,
];

/** The 1-minute load average (other work on the machine depresses the figures). */
const loadAvg = () => loadavg()[0]!.toFixed(2);

const aim = (met: boolean) => (met ? 'met' : 'not met');

/** Called around the measured run (the profiling driver reads the server's CPU time there). */
export interface MeasureHooks {
  start(): void;
  end(result: LoadResult): void;
}

const listQuery = (lastSyncCount: number) => ({ lastSyncCount: String(lastSyncCount), maxResults: '1024' });

let invocation = 0;
const invocationId = () => `bench-${process.pid}-${++invocation}`;

function signList(id: BenchIdentity, lastSyncCount: number): Promise<SignedRequest> {
  return id.signer.sign({ method: 'GET', path: `${id.datasetPath}/records`, query: listQuery(lastSyncCount), headers: { 'amz-sdk-invocation-id': invocationId() } });
}

function count(map: Record<string, number>, key: string | number): void {
  map[key] = (map[key] ?? 0) + 1;
}

const fmtStatuses = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';

/** The read scenario against a running server (the profiling driver starts its own). */
export async function syncReadOn(server: BenchServer, ceiling: CryptoCeiling, around?: MeasureHooks): Promise<ScenarioResult> {
  const loadAtStart = loadAvg();
  const fx = await setUpSync(server, { identities: IDENTITIES, records: RECORDS });
  const t0 = performance.now();
  const pool: SignedRequest[] = [];
  for (let round = 0; round < READS_PER_IDENTITY; round++) {
    pool.push(...(await Promise.all(fx.identities.map((id) => signList(id, 0)))));
  }
  const signMs = Math.round(performance.now() - t0);
  let next = 0;
  let checked = 0;
  let wrongCount = 0;
  const statuses: Record<string, number> = {};
  const options: autocannon.Options = {
    url: server.url,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: autocannon.Request) => ({ ...req, ...pool[next++ % pool.length]! }),
        onResponse: (status: number, body: string) => {
          count(statuses, status);
          // Spot-check one response in 64: the full dataset, every time.
          if (status === 200 && (checked++ & 63) === 0 && (JSON.parse(body) as { Count?: number }).Count !== RECORDS) wrongCount++;
        },
      },
    ],
  };
  await load({ ...options, duration: WARMUP_SEC });
  for (const k of Object.keys(statuses)) delete statuses[k];
  const loadBefore = loadAvg();
  around?.start();
  const r: LoadResult = await load(options);
  around?.end(r);
  const loadAfter = loadAvg();
  const metrics = {
    readsPerSec: r.requestsPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.total,
    identities: IDENTITIES,
    recordsPerResponse: RECORDS,
    distinctSignedRequests: pool.length,
    wrongRecordCount: wrongCount,
    ...machineMetrics(ceiling, loadAtStart, loadBefore, loadAfter),
  };
  const summary = [
    `- ListRecords/s (lastSyncCount 0, maxResults 1024 → all ${RECORDS} records; ${IDENTITIES} guest identities, 32 connections, 2 workers, SQLite): **${r.requestsPerSec}**`,
    `- latency: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms; non-2xx ${r.non2xx}, errors ${r.errors}; statuses ${fmtStatuses(statuses)}; spot-checked responses without ${RECORDS} records: ${wrongCount}`,
    `- signing: ${pool.length} distinct requests pre-signed with @smithy/signature-v4 before the run (${signMs} ms), cycled during it; load generator on the same machine`,
    ...ceilingLines(ceiling, r.requestsPerSec),
    loadLine(loadAtStart, loadBefore, loadAfter),
    `- aim: ≥ 3,000 reads/s on 2 cores, p99 < 50 ms — ${aim(r.requestsPerSec >= 3000 && r.p99Ms < 50)}`,
  ].join('\n');
  return { name: 'sync-read', summary, metrics };
}

export const syncRead = onBenchServer('sync-read', syncReadOn);

/** One dataset's state as only its current lessee changes it. */
interface Lane {
  id: BenchIdentity;
  syncCount: number;
  records: Map<string, number>;
  /** next key to write, round robin over the records */
  turn: number;
  /** ListRecords signed before the run, by the lastSyncCount they ask from (counts to come are known) */
  lists: Map<number, SignedRequest>;
}

interface Ready {
  lane: Lane;
  req: SignedRequest;
  key?: string;
}

interface WriteCtx {
  list?: Ready;
  write?: Ready;
  sentAt?: number;
}

/** The write scenario against a running server. */
export async function syncWriteOn(server: BenchServer, ceiling: CryptoCeiling, around?: MeasureHooks): Promise<ScenarioResult> {
  const loadAtStart = loadAvg();
  const fx = await setUpSync(server, { identities: IDENTITIES, records: RECORDS });
  const lanes: Lane[] = fx.identities.map((id) => ({ id, syncCount: id.syncCount, records: new Map(id.records), turn: 0, lists: new Map() }));
  /** Datasets nobody holds, each with its next ListRecords signed. */
  const free: Ready[] = [];
  /** Listed datasets with their UpdateRecords signed, oldest first. */
  const writes: Ready[] = [];
  let writesHead = 0;
  let freeHead = 0;
  const problems: Record<string, number> = {};
  const listStatuses: Record<string, number> = {};
  const writeStatuses: Record<string, number> = {};
  const listLatency: number[] = [];
  const writeLatency: number[] = [];
  let okWrites = 0;
  let lateLists = 0;
  let measuring = false;

  const signWrite = async (lane: Lane, token: string): Promise<Ready> => {
    const key = recordKey(lane.turn++ % RECORDS);
    const body = JSON.stringify({
      SyncSessionToken: token,
      RecordPatches: [{ Op: 'replace', Key: key, Value: recordValue(`${lane.syncCount + 1}`), SyncCount: lane.records.get(key) ?? 0 }],
    });
    const req = await lane.id.signer.sign({ method: 'POST', path: lane.id.datasetPath, body, headers: { 'amz-sdk-invocation-id': invocationId() } });
    return { lane, req, key };
  };
  const release = (lane: Lane) => {
    const presigned = lane.lists.get(lane.syncCount);
    if (presigned) {
      lane.lists.delete(lane.syncCount);
      free.push({ lane, req: presigned });
      return;
    }
    lateLists++;
    signList(lane.id, lane.syncCount).then(
      (req) => free.push({ lane, req }),
      () => count(problems, 'sign-failed'),
    );
  };
  /** After a failure: learn the dataset's real state with a full listing, then give it back. */
  const resync = async (lane: Lane) => {
    const req = await signList(lane.id, 0);
    const res = await fetch(`${server.url}${req.path}`, { headers: req.headers });
    const page = (await res.json()) as { Records?: { Key: string; SyncCount: number }[]; DatasetSyncCount?: number };
    if (res.status === 200 && page.DatasetSyncCount !== undefined) {
      lane.syncCount = page.DatasetSyncCount;
      for (const r of page.Records ?? []) lane.records.set(r.Key, r.SyncCount);
    }
    release(lane);
  };
  const recover = (lane: Lane) => resync(lane).catch(() => count(problems, 'resync-failed'));

  // Lease WRITE_QUEUE lanes now: list them and sign their writes, so the write queue starts full.
  for (const lane of lanes.slice(0, WRITE_QUEUE)) {
    const req = await signList(lane.id, lane.syncCount);
    const res = await fetch(`${server.url}${req.path}`, { headers: req.headers });
    const page = (await res.json()) as { SyncSessionToken: string };
    writes.push(await signWrite(lane, page.SyncSessionToken));
  }
  for (const lane of lanes.slice(WRITE_QUEUE)) free.push({ lane, req: await signList(lane.id, lane.syncCount) });
  // A dataset's counts to come are known (only its lessee writes), so its ListRecords can be
  // signed now; only UpdateRecords, which carries the token a listing returns, is signed in the run.
  const t0 = performance.now();
  for (let ahead = 1; ahead <= LISTS_AHEAD; ahead++) {
    await Promise.all(lanes.map(async (lane) => lane.lists.set(lane.syncCount + ahead, await signList(lane.id, lane.syncCount + ahead))));
  }
  const signMs = Math.round(performance.now() - t0);

  const take = (queue: Ready[], head: 'free' | 'writes'): Ready => {
    const i = head === 'free' ? freeHead++ : writesHead++;
    const item = queue[i];
    if (!item) throw new Error(`sync-write: the ${head} queue ran dry (a bug in the bench loop)`);
    queue[i] = undefined as unknown as Ready; // let it go
    return item;
  };

  const options: autocannon.Options = {
    url: server.url,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: autocannon.Request, ctx: WriteCtx) => {
          const item = take(free, 'free');
          ctx.list = item;
          ctx.sentAt = performance.now();
          return { ...req, ...item.req };
        },
        onResponse: (status: number, body: string, ctx: WriteCtx) => {
          const lane = ctx.list!.lane;
          if (measuring) {
            count(listStatuses, status);
            listLatency.push(performance.now() - ctx.sentAt!);
          }
          if (status !== 200) {
            count(problems, `list-${status}`);
            void recover(lane);
            return;
          }
          const page = JSON.parse(body) as { SyncSessionToken: string; DatasetSyncCount: number; Count: number };
          if (page.DatasetSyncCount !== lane.syncCount || page.Count !== 0) count(problems, 'list-saw-foreign-change');
          signWrite(lane, page.SyncSessionToken).then(
            (w) => writes.push(w),
            () => count(problems, 'sign-failed'),
          );
        },
      },
      {
        method: 'POST',
        setupRequest: (req: autocannon.Request, ctx: WriteCtx) => {
          const item = take(writes, 'writes');
          ctx.write = item;
          ctx.sentAt = performance.now();
          return { ...req, ...item.req };
        },
        onResponse: (status: number, body: string, ctx: WriteCtx) => {
          const { lane, key } = ctx.write!;
          if (measuring) {
            count(writeStatuses, status);
            writeLatency.push(performance.now() - ctx.sentAt!);
            if (status === 200) okWrites++;
          }
          if (status !== 200) {
            count(problems, `update-${status}`);
            void recover(lane);
            return;
          }
          const rec = (JSON.parse(body) as { Records: { Key: string; SyncCount: number }[] }).Records[0];
          if (!rec || rec.Key !== key || rec.SyncCount !== lane.syncCount + 1) count(problems, 'update-unexpected-count');
          lane.syncCount = rec?.SyncCount ?? lane.syncCount + 1;
          lane.records.set(key!, lane.syncCount);
          release(lane);
        },
      },
    ],
  };
  await load({ ...options, duration: WARMUP_SEC });
  measuring = true;
  lateLists = 0;
  const loadBefore = loadAvg();
  around?.start();
  const r: LoadResult = await load(options);
  around?.end(r);
  const loadAfter = loadAvg();
  measuring = false;
  const writesPerSec = Math.round(okWrites / r.durationSec);
  const listsPerSec = Math.round(listLatency.length / r.durationSec);
  const wl = percentiles(writeLatency);
  const ll = percentiles(listLatency);
  const metrics = {
    writesPerSec,
    listsPerSec,
    requestsPerSec: r.requestsPerSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    updateP50Ms: wl.p50,
    updateP99Ms: wl.p99,
    listP50Ms: ll.p50,
    listP99Ms: ll.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    conflicts: writeStatuses['409'] ?? 0,
    identities: IDENTITIES,
    ...machineMetrics(ceiling, loadAtStart, loadBefore, loadAfter),
  };
  const summary = [
    `- UpdateRecords/s (one record replaced per call, each after a ListRecords at the dataset's current count for its SyncSessionToken; ${IDENTITIES} datasets of ${RECORDS} records, 32 connections, 2 workers, SQLite): **${writesPerSec}** (200s only), plus ${listsPerSec} ListRecords/s`,
    `- UpdateRecords latency p50 ${wl.p50} ms, p99 ${wl.p99} ms; its ListRecords p50 ${ll.p50} ms, p99 ${ll.p99} ms; all requests p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (${r.requestsPerSec} requests/s)`,
    `- UpdateRecords statuses ${fmtStatuses(writeStatuses)}; ListRecords statuses ${fmtStatuses(listStatuses)}; non-2xx ${r.non2xx}, errors ${r.errors}; loop anomalies ${fmtStatuses(problems)}`,
    `- signing: @smithy/signature-v4 with each identity's own credentials; UpdateRecords signed in the run right after the ListRecords whose token it carries, ListRecords pre-signed for the next ${LISTS_AHEAD} counts of each dataset before the run (${signMs} ms; ${lateLists} signed in the run once those ran out)`,
    ...ceilingLines(ceiling, r.requestsPerSec),
    loadLine(loadAtStart, loadBefore, loadAfter),
    `- aim: ≥ 1,000 writes/s on 2 cores, p99 < 50 ms — ${aim(writesPerSec >= 1000 && wl.p99 < 50 && r.p99Ms < 50)} (UpdateRecords p99 and all requests' p99)`,
  ].join('\n');
  return { name: 'sync-write', summary, metrics };
}

export const syncWrite = onBenchServer('sync-write', syncWriteOn);

/** A scenario run against its own fresh 2-worker bench server. */
function onBenchServer(name: string, on: (server: BenchServer, ceiling: CryptoCeiling) => Promise<ScenarioResult>): Scenario {
  return {
    name,
    async run(ceiling: CryptoCeiling): Promise<ScenarioResult> {
      const server = await startBenchServer({ workers: 2 });
      try {
        return await on(server, ceiling);
      } finally {
        await server.stop();
      }
    },
  };
}

/** The SigV4 ceiling and the machine's load around a run, as metrics. */
const machineMetrics = (ceiling: CryptoCeiling, atStart: string, before: string, after: string): Record<string, number> => ({
  sigv4KeyDerivationsPerSecOneCore: ceiling.sigv4KeyDerivationsPerSec,
  hmacSha256PerSecOneCore: ceiling.hmacSha256PerSec,
  loadAverageAtStart: Number(atStart),
  loadAverageBefore: Number(before),
  loadAverageAfter: Number(after),
});

const loadLine = (atStart: string, before: string, after: string): string =>
  `- load average (1 min): ${atStart} before set-up (the machine without this bench), ${before} / ${after} before / after the measured run (which count this bench's own server and load generator)`;
