/**
 * Throwaway PostgreSQL for the test run.
 *
 * `startThrowawayPostgres()` creates a private cluster in a temp dir (trust auth, no fsync,
 * loopback + Unix socket in the temp dir only) and starts it on a free port; `stop()` kills
 * it and removes the dir. With COGNATE_TEST_DATABASE_URL set, that server is used instead and
 * nothing is started or stopped. `freshDatabase()` gives each test file its own database.
 *
 * Used by test/support/global-setup.ts (one cluster per `vitest run`) and test/support/storage.ts.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

export interface ThrowawayPostgres {
  /** postgres://… of a database the tests may use freely (`cognate_test` on a throwaway cluster). */
  readonly url: string;
  /** Stops the cluster and removes its directory; idempotent; a no-op for COGNATE_TEST_DATABASE_URL. */
  stop(): Promise<void>;
}

export const MISSING_POSTGRES_MESSAGE =
  'PostgreSQL 15 server binaries not found (initdb/pg_ctl). Install Debian\'s package: apt-get install -y postgresql' +
  ' — or set COGNATE_TEST_DATABASE_URL to a PostgreSQL database the tests may use.';

const DIR_PREFIX = 'cognate-pg-';
const OWNER_FILE = 'owner.pid';

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const external = process.env['COGNATE_TEST_DATABASE_URL'];
  if (external) {
    await waitForServer(external, 10_000);
    return { url: external, stop: async () => undefined };
  }

  const bin = findPostgresBinaries();
  const runAs = postgresUser();
  reapOrphanedClusters(bin);

  const base = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  await writeFile(join(base, OWNER_FILE), `${process.pid}\n`);
  if (runAs) await chown(base, runAs.uid, runAs.gid);
  const data = join(base, 'data');
  const log = join(base, 'postgres.log');

  let started = false;
  const stopSync = (): void => {
    if (started) spawnSync(...command(runAs, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { cwd: base, stdio: 'ignore' });
    rmSync(base, { recursive: true, force: true });
  };
  // Last resort if the test runner dies before calling stop(): never leave a postmaster behind.
  const onExit = (): void => stopSync();
  process.once('exit', onExit);

  try {
    await run(runAs, join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale'], base);

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`, `-k '${base}'`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c synchronous_commit=off',
        '-c full_page_writes=off', '-c max_connections=200',
      ].join(' ');
      try {
        await run(runAs, join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start'], base);
        started = true;
        break;
      } catch (e) {
        // Another process may have taken the port between our probe and the bind: try another one.
        const text = await readFile(log, 'utf8').catch(() => '');
        if (attempt < 5 && /could not bind|address already in use/i.test(text)) continue;
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- ${log} ---\n${text.slice(-4000)}`);
      }
    }

    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitForServer(admin, 30_000);
    await withClient(admin, (c) => c.query('CREATE DATABASE cognate_test'));

    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/cognate_test`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        process.removeListener('exit', onExit);
        try {
          await run(runAs, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'], base);
        } finally {
          await rm(base, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    process.removeListener('exit', onExit);
    stopSync();
    throw e;
  }
}

/**
 * Creates an empty, uniquely named database (`t_<random>`) on the server of `baseUrl` and
 * returns its URL. Needs CREATEDB on that server (always true for the throwaway cluster).
 */
export async function freshDatabase(baseUrl: string): Promise<string> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      break;
    } catch (e) {
      // 55006: "source database template1 is being accessed by other users" — transient.
      if (attempt < 10 && (e as { code?: string }).code === '55006') {
        await sleep(100 * attempt);
        continue;
      }
      throw e;
    }
  }
  return withDatabase(baseUrl, name);
}

/** Drops a database made by `freshDatabase` (terminating leftover sessions); `baseUrl` is any other database on that server. */
export async function dropDatabase(url: string, baseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^t_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not made by freshDatabase`);
  await withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

// ---------------------------------------------------------------------------------------------

interface PosixUser {
  uid: number;
  gid: number;
}

/** Directory holding initdb and pg_ctl: pg_config --bindir, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function findPostgresBinaries(): string {
  const candidates: string[] = [];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && pgConfig.stdout.trim()) candidates.push(pgConfig.stdout.trim());
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    candidates.push(...versions.map((v) => join(debianRoot, v, 'bin')));
  }
  candidates.push(...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean));
  const found = candidates.find((dir) => isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_ctl')));
  if (!found) throw new Error(MISSING_POSTGRES_MESSAGE);
  return found;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** initdb refuses to run as root: as root, run the server as the `postgres` user. */
function postgresUser(): PosixUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      'Running as root, but there is no `postgres` user to run the throwaway PostgreSQL server as (initdb refuses root). ' +
        'Install Debian\'s package: apt-get install -y postgresql — or set COGNATE_TEST_DATABASE_URL.',
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function command(runAs: PosixUser | undefined, file: string, args: string[]): [string, string[]] {
  return runAs ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
}

function run(runAs: PosixUser | undefined, file: string, args: string[], cwd: string): Promise<string> {
  const [cmd, argv] = command(runAs, file, args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[cmd, ...argv].join(' ')} failed: ${error.message}\n${stdout}${stderr}`.trim()));
      else resolve(stdout);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      return;
    } catch (e) {
      if (Date.now() > deadline) {
        const where = new URL(url);
        where.password = where.password ? '***' : '';
        throw new Error(`PostgreSQL at ${where.toString()} is not accepting connections: ${e instanceof Error ? e.message : String(e)}`);
      }
      await sleep(100);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Clusters left behind by a test runner that was killed (SIGKILL, OOM) before it could stop
 * them: their owner process is gone. Stop them and remove their dirs. Clusters of other live
 * runs (other engineers, parallel CI jobs) are left alone.
 */
function reapOrphanedClusters(bin: string): void {
  const runAs = postgresUser();
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(tmpdir(), entry);
    let owner: number;
    try {
      owner = Number.parseInt(readFileSync(join(dir, OWNER_FILE), 'utf8'), 10);
    } catch {
      continue;
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
      spawnSync(...command(runAs, join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']), { cwd: dir, stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether process `pid` exists (possibly owned by another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
