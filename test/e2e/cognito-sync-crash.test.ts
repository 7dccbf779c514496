/// <reference path="../support/context.d.ts" />
/**
 * Cognito Sync across real server processes (`node dist/main.js serve`; `npm test` builds first):
 * 1. durability — a writer acknowledged by UpdateRecords, the server killed with SIGKILL mid-run,
 *    restarted on the same data dir: every acknowledged write is there and no dataset is torn;
 * 2. the conflict race with two server processes sharing one database (SQLite WAL and
 *    PostgreSQL): of two writers with the same SyncCount exactly one wins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeDatasetCommand, ListRecordsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase, freshDatabase } from '../support/postgres.js';
import { createGuestPool, guestDevice, rootClients, type Endpoint } from './cognito-sync-fixture.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const main = join(repo, 'dist', 'main.js');
const root = { accessKeyId: 'AKIACRASHTESTROOT000', secretAccessKey: randomBytes(30).toString('base64') };
const masterKey = randomBytes(32).toString('base64');
const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const f of cleanups.reverse()) await f();
});

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Starts `cognate serve` and waits for /health (on another port if the free one was taken meanwhile). */
async function serve(data: string, databaseUrl?: string, attempt = 1): Promise<{ endpoint: Endpoint; child: ChildProcess }> {
  try {
    return await serveOn(await freePort(), data, databaseUrl);
  } catch (e) {
    if (attempt < 3 && String(e).includes('EADDRINUSE')) return serve(data, databaseUrl, attempt + 1);
    throw e;
  }
}

async function serveOn(port: number, data: string, databaseUrl?: string): Promise<{ endpoint: Endpoint; child: ChildProcess }> {
  const args = [main, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', data, '--log-level', 'error', '--workers', '1'];
  if (databaseUrl) args.push('--database-url', databaseUrl);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, COGNATE_ROOT_ACCESS_KEY_ID: root.accessKeyId, COGNATE_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey, COGNATE_MASTER_KEY: masterKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString())); // pino logs (e.g. "cannot start") go to stdout
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { endpoint: { url, root }, child };
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('Cognito Sync server processes', () => {
  beforeAll(() => {
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (\`npm test\` does)`);
  });

  it('keeps every acknowledged write across kill -9, with consistent sync counts', async () => {
    const data = await tempDir('cognate-sync-crash-');
    const first = await serve(data);
    const { poolId } = await createGuestPool(first.endpoint);
    const writer = await guestDevice(first.endpoint, poolId);
    const ids = { IdentityPoolId: poolId, IdentityId: writer.identityId, DatasetName: 'Journal' };
    const acked = new Map<string, string>();
    let lastSyncCount = 0;
    let killed = false;
    let loopError: unknown;
    const loop = (async () => {
      for (let i = 0; ; i++) {
        const listed = await writer.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: lastSyncCount }));
        const value = `${i}:${'x'.repeat(i % 50)}`;
        const res = await writer.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: `k${i}`, Value: value, SyncCount: 0 }] }));
        acked.set(`k${i}`, value);
        lastSyncCount = res.Records![0]!.SyncCount!;
      }
    })().catch((e: unknown) => {
      loopError = e; // expected once the server is killed
    });
    await expect
      .poll(
        () => {
          if (loopError !== undefined) throw new Error(`writer failed before the kill after ${acked.size} writes: ${String(loopError)}`);
          return acked.size;
        },
        { timeout: 30_000, interval: 5 },
      )
      .toBeGreaterThanOrEqual(40);
    killed = true;
    await killHard(first.child);
    await loop;
    expect(killed && loopError !== undefined).toBe(true);

    const second = await serve(data);
    const sync = rootClients(second.endpoint).sync;
    const records = new Map<string, { value?: string; syncCount: number }>();
    let next: string | undefined;
    let datasetSyncCount = 0;
    do {
      const page = await sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0, MaxResults: 100, NextToken: next }));
      for (const r of page.Records ?? []) records.set(r.Key!, { value: r.Value, syncCount: r.SyncCount! });
      datasetSyncCount = page.DatasetSyncCount!;
      next = page.NextToken;
    } while (next);
    for (const [k, v] of acked) expect(records.get(k)?.value, k).toBe(v);
    // Not torn: each committed write added one key at one new SyncCount, and the dataset agrees.
    const counts = [...records.values()].map((r) => r.syncCount).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: records.size }, (_, i) => i + 1));
    expect(datasetSyncCount).toBe(records.size);
    expect(records.size - acked.size).toBeLessThanOrEqual(1); // at most the one in flight at the kill
    const described = await sync.send(new DescribeDatasetCommand(ids));
    expect(described.Dataset?.NumRecords).toBe(records.size);
    await killHard(second.child);
  });

  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`lets exactly one of two writers win across two server processes [${dialect}]`, async () => {
      const data1 = await tempDir('cognate-sync-race-a-');
      let databaseUrl: string | undefined;
      let data2 = data1; // SQLite: both processes on one data dir (WAL)
      if (dialect === 'postgres') {
        const base = inject('postgresUrl');
        databaseUrl = await freshDatabase(base);
        const url = databaseUrl;
        cleanups.push(() => dropDatabase(url, base));
        data2 = await tempDir('cognate-sync-race-b-');
      }
      const one = await serve(data1, databaseUrl);
      const two = await serve(data2, databaseUrl);
      const { poolId } = await createGuestPool(one.endpoint);
      const deviceOne = await guestDevice(one.endpoint, poolId);
      const deviceTwo = await guestDevice(two.endpoint, poolId, deviceOne.identityId);
      const ids = { IdentityPoolId: poolId, IdentityId: deviceOne.identityId, DatasetName: 'Race' };
      for (let round = 0; round < 10; round++) {
        const [l1, l2] = await Promise.all([deviceOne.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: round })), deviceTwo.sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: round }))]);
        const results = await Promise.allSettled([
          deviceOne.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: l1.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'k', Value: `one-${round}`, SyncCount: round }] })),
          deviceTwo.sync.send(new UpdateRecordsCommand({ ...ids, SyncSessionToken: l2.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'k', Value: `two-${round}`, SyncCount: round }] })),
        ]);
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(lost.map((r) => (r.reason as { name: string }).name)).toEqual(['ResourceConflictException']);
      }
      const final = await rootClients(two.endpoint).sync.send(new ListRecordsCommand({ ...ids, LastSyncCount: 0 }));
      expect(final.DatasetSyncCount).toBe(10);
      expect(final.Records?.map((r) => r.SyncCount)).toEqual([10]);
      await killHard(one.child);
      await killHard(two.child);
    });
  }
});
