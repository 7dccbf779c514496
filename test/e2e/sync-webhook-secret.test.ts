/**
 * `cognate sync-webhook-secret` as an operator runs it (the built CLI, `node dist/main.js`): the
 * secret it prints verifies the `x-cognate-signature` of the webhooks a `cognate serve` process on
 * the same data directory delivers; it opens PostgreSQL with --database-url as serve does; and it
 * refuses a directory serve never used rather than invent a secret there.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListRecordsCommand, SetCognitoEventsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/server.js';
import { syncWebhookSecret } from '../../src/app/sync-webhooks.js';
import { launchServer } from '../support/aws-server.js';
import { createTestDatabase, DIALECTS } from '../support/storage.js';
import { createGuestPool, guestDevice, rootClients } from './cognito-sync-fixture.js';

const MAIN = join(import.meta.dirname, '../../dist/main.js');
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:onSync';
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
const servers: Server[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of servers) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cognate-hook-secret-'));
  dirs.push(d);
  return d;
}

/** The test process's environment without COGNATE_* settings: only what a test passes counts. */
const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGNATE_')));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const child = spawn(process.execPath, [MAIN, 'sync-webhook-secret', ...args], { env: { ...cleanEnv(), ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** `<kid> <secret hex>`, the default output. */
async function printedSecret(args: string[], env: Record<string, string> = {}): Promise<{ kid: string; secret: string }> {
  const ran = await cli(args, env);
  expect(ran.code, ran.stderr).toBe(0);
  const match = /^(\S+) ([0-9a-f]{64})\n$/.exec(ran.stdout);
  expect(match, ran.stdout).not.toBeNull();
  return { kid: match![1]!, secret: match![2]! };
}

async function waitHealthy(url: string, child: ChildProcessWithoutNullStreams): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not healthy in 30 s');
}

describe('cognate sync-webhook-secret', () => {
  it('prints the secret that verifies the signatures of the webhooks `cognate serve` delivers', async () => {
    const hits: { headers: IncomingHttpHeaders; body: string }[] = [];
    const hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        res.end();
      });
    });
    servers.push(hooks);
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    const data = tempDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, [MAIN, 'serve', '--data', data, '--port', String(port), '--log-level', 'warn'], {
      env: { ...cleanEnv(), COGNATE_SYNC_WEBHOOKS: JSON.stringify({ [LAMBDA]: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/lambda` }) },
    });
    children.push(server);
    await waitHealthy(`${url}/health`, server);

    // Asked before the first delivery, as an operator setting up the receiver would.
    const { kid, secret } = await printedSecret(['--data', data]);

    const endpoint = { url, root: JSON.parse(readFileSync(join(data, 'root-credentials.json'), 'utf8')) as { accessKeyId: string; secretAccessKey: string } };
    const { poolId } = await createGuestPool(endpoint);
    await rootClients(endpoint).sync.send(new SetCognitoEventsCommand({ IdentityPoolId: poolId, Events: { SyncTrigger: LAMBDA } }));
    const device = await guestDevice(endpoint, poolId);
    const ids = { IdentityPoolId: poolId, IdentityId: device.identityId, DatasetName: 'Main' };
    const listed = await device.sync.send(new ListRecordsCommand(ids));
    await device.sync.send(
      new UpdateRecordsCommand({ ...ids, SyncSessionToken: listed.SyncSessionToken, RecordPatches: [{ Op: 'replace', Key: 'level', Value: '3', SyncCount: 0 }] }),
    );
    await expect.poll(() => hits.length, { timeout: 15_000, interval: 100 }).toBeGreaterThan(0);

    // What a receiver does, written here from the README: HMAC-SHA256 of the raw body under the printed secret.
    const expected = (body: string) => `sha256=${createHmac('sha256', Buffer.from(secret, 'hex')).update(body).digest('hex')}`;
    for (const hit of hits) expect(hit.headers['x-cognate-signature']).toBe(expected(hit.body));
    expect(JSON.parse(hits[0]!.body)).toMatchObject({ eventType: 'SyncTrigger', identityId: device.identityId });

    // The same key afterwards, with --json, and with the data directory from COGNATE_DATA.
    const json = await cli(['--data', data, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ kid, secret });
    expect(await printedSecret([], { COGNATE_DATA: data })).toEqual({ kid, secret });

    server.kill('SIGTERM');
  });

  for (const dialect of DIALECTS) {
    it(`opens the data directory and database serve uses (--data, --database-url) [${dialect}]`, async () => {
      const database = await createTestDatabase(dialect);
      try {
        const server = await launchServer(database.options);
        try {
          const { dataDir, databaseUrl } = database.options;
          const printed = await printedSecret(['--data', dataDir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])]);
          const { kid, secretHex } = await syncWebhookSecret(server.context);
          expect(printed).toEqual({ kid, secret: secretHex });
          if (databaseUrl) {
            // The database from COGNATE_DATABASE_URL; the master key from COGNATE_MASTER_KEY (no data directory needed).
            const masterKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
            const env = { COGNATE_DATABASE_URL: databaseUrl, COGNATE_MASTER_KEY: masterKey, COGNATE_DATA: join(tempDir(), 'absent') };
            expect(await printedSecret([], env)).toEqual({ kid, secret: secretHex });
          }
        } finally {
          await server.close();
        }
      } finally {
        await database.destroy();
      }
    });
  }

  it('refuses a data directory serve never used, and creates nothing there', async () => {
    const empty = tempDir();
    const ran = await cli(['--data', empty]);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toContain(`cognate: no database: ${join(empty, 'cognate.db')} does not exist`);
    expect(readdirSync(empty)).toEqual([]);
    const absent = join(empty, 'typo');
    expect((await cli(['--data', absent])).code).toBe(1);
    expect(existsSync(absent)).toBe(false);
    expect((await cli(['--data', empty, '--verbose'])).code).toBe(1); // unknown flags are errors too
  });
});
