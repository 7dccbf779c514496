/// <reference path="./context.d.ts" />
/**
 * Storage fixtures for tests that must hold on both dialects.
 *
 *   forEachDialect('identity store', (storage, env) => {
 *     it('…', async () => { await storage().db.selectFrom('identities')… });
 *   });
 *
 * runs the block twice — `identity store [sqlite]` on a fresh embedded database in a temp data
 * dir, `identity store [postgres]` on a fresh database of the run's PostgreSQL (see
 * global-setup.ts) — with migrations applied, and closes/removes everything afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Kysely from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, inject } from 'vitest';
import { openStorage, type Dialect, type OpenOptions, type Storage } from '../../src/storage/database.js';
import { dropDatabase, freshDatabase } from './postgres.js';

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  readonly dialect: Dialect;
  /** Options opening this database: `{ dataDir }` for SQLite, `{ databaseUrl, dataDir }` for PostgreSQL. */
  readonly options: OpenOptions;
  /**
   * Opens one more Storage on the same database (same SQLite file / PostgreSQL database); closed by `destroy()`.
   * SQLite caveat: while one Storage of a process holds a transaction, another Storage of the
   * SAME process must not write or begin a transaction — better-sqlite3 is synchronous, so the
   * one waiting for the write lock (busy_timeout, 10 s) blocks the event loop the lock holder
   * needs to commit, then fails with SQLITE_BUSY. Reads are fine (WAL). For cross-connection
   * races on SQLite use `runInChildProcesses`: SQLite's unit of concurrency is the process.
   */
  open(): Promise<Storage>;
  /** Closes every Storage opened through `open()`, then removes the data dir / drops the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, empty database of `dialect` (nothing opened yet: the first `open()` applies the
 * migrations). For tests that need manual control; most tests want `forEachDialect`.
 * PostgreSQL needs the run's global setup (it reads `inject('postgresUrl')`).
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join((inject('scratchDir') as string | undefined) ?? tmpdir(), `cognate-${dialect}-`));
  let options: OpenOptions = { dataDir };
  let baseUrl: string | undefined;
  if (dialect === 'postgres') {
    baseUrl = inject('postgresUrl') as string | undefined;
    if (!baseUrl) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(
        'No PostgreSQL for this run: PostgreSQL tests need the global set-up of vitest.config.ts (npm test / npx vitest run), ' +
          'which starts a throwaway cluster or uses COGNATE_TEST_DATABASE_URL.',
      );
    }
    options = { dataDir, databaseUrl: await freshDatabase(baseUrl) };
  }
  const opened: Storage[] = [];
  return {
    dialect,
    options,
    open: async () => {
      const storage = await openStorage(options);
      opened.push(storage);
      return storage;
    },
    destroy: async () => {
      const closing = opened.splice(0).map((s) => s.close());
      const failures = (await Promise.allSettled(closing)).filter((r) => r.status === 'rejected');
      if (baseUrl && options.databaseUrl) await dropDatabase(options.databaseUrl, baseUrl);
      await rm(dataDir, { recursive: true, force: true });
      if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
    },
  };
}

export interface DialectEnv {
  readonly dialect: Dialect;
  /** The current database (valid inside hooks and tests, not at collection time). */
  database(): TestDatabase;
}

export interface ForEachDialectOptions {
  /**
   * `block` (default): one database per dialect for the whole describe block (use unique ids per test).
   * `test`: a fresh database for every test (costs ~0.3–0.5 s per test on PostgreSQL — CREATE DATABASE plus
   * migrations; ~35 ms on SQLite).
   */
  isolation?: 'block' | 'test';
}

/**
 * Defines `describe(`${name} [sqlite]`)` and `describe(`${name} [postgres]`)`, each with
 * `storage()` returning a migrated Storage on a fresh database of that dialect.
 */
export function forEachDialect(
  name: string,
  fn: (storage: () => Storage, env: DialectEnv) => void,
  options: ForEachDialectOptions = {},
): void {
  for (const dialect of DIALECTS) {
    describe(`${name} [${dialect}]`, () => {
      let database: TestDatabase | undefined;
      let storage: Storage | undefined;
      const setUp = async (): Promise<void> => {
        database = await createTestDatabase(dialect);
        storage = await database.open();
      };
      const tearDown = async (): Promise<void> => {
        const d = database;
        database = undefined;
        storage = undefined;
        await d?.destroy();
      };
      if (options.isolation === 'test') {
        beforeEach(setUp);
        afterEach(tearDown);
      } else {
        beforeAll(setUp);
        afterAll(tearDown);
      }
      fn(
        () => {
          if (!storage) throw new Error('storage() is only available inside tests and hooks of forEachDialect');
          return storage;
        },
        {
          dialect,
          database: () => {
            if (!database) throw new Error('database() is only available inside tests and hooks of forEachDialect');
            return database;
          },
        },
      );
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Child processes: several OS processes on one database (worker-process concurrency, WAL).

export interface ChildContext<A> {
  /** The `kysely` module (sql, …): the function runs in another process and cannot use the test file's imports. */
  kysely: typeof Kysely;
  args: A;
}

/**
 * Runs `fn` in `count` separate Node processes, each with its own Storage opened from
 * `options` (its open — migrations included — is part of the concurrent section). All
 * processes start `fn` together: each opens after every process has booted. Resolves with
 * each process's JSON-serialisable result, in order; rejects if any process fails.
 *
 * `fn` is shipped as source text: it must be self-contained (only its parameters, globals and
 * `ctx.kysely`; no closures over test-file variables or imports). The child runs the current
 * `src/` transpiled to JavaScript (no type checking).
 *
 * On SQLite, open the database once in this process first (forEachDialect's storage() has):
 * concurrent *first* opens of a fresh SQLite database currently fail — kysely applies SQLite
 * migrations without a lock or transaction (see the todo in storage.contract.test.ts).
 */
export async function runInChildProcesses<A, R>(
  count: number,
  options: OpenOptions,
  fn: (storage: Storage, ctx: ChildContext<A>) => Promise<R>,
  args: (index: number) => A,
  timeoutMs = 60_000,
): Promise<R[]> {
  const dir = await compiledSources();
  const children = Array.from({ length: count }, (_, index) => startChild(dir, { options, source: fn.toString(), args: args(index) }, timeoutMs));
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    return (await Promise.all(children.map((c) => c.result))) as R[];
  } finally {
    for (const c of children) c.kill();
  }
}

/** `runInChildProcesses` with one process. */
export async function runInChildProcess<A, R>(
  options: OpenOptions,
  fn: (storage: Storage, ctx: ChildContext<A>) => Promise<R>,
  args: A,
): Promise<R> {
  const [result] = await runInChildProcesses(1, options, fn, () => args);
  return result as R;
}

/** Prefix of protocol lines on the child's stdout (anything else there, e.g. logs, is ignored). */
const MARK = '@@cognate-child@@ ';

const CHILD_RUNNER = `
import * as kysely from 'kysely';
import { createInterface } from 'node:readline';
import { openStorage } from './src/storage/database.js';

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => (await lines.next()).value ?? '';
const reply = (tag, value) =>
  new Promise((done) => process.stdout.write('${MARK}' + tag + ' ' + JSON.stringify(value ?? null) + '\\n', done));
try {
  const { options, source, args } = JSON.parse(await next());
  const fn = (0, eval)('(' + source + ')');
  await reply('READY');
  if ((await next()) !== 'GO') process.exit(1);
  const storage = await openStorage(options);
  try {
    await reply('RESULT', await fn(storage, { kysely, args }));
  } finally {
    await storage.close();
  }
} catch (e) {
  await reply('ERROR', e instanceof Error ? (e.stack ?? e.message) : String(e));
}
process.exit(0);
`;

interface Child {
  ready: Promise<void>;
  result: Promise<unknown>;
  go(): void;
  kill(): void;
}

function startChild(dir: string, payload: unknown, timeoutMs: number): Child {
  const child = spawn(process.execPath, [join(dir, 'child-runner.js')], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  let settle: (error: Error | undefined, value?: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<unknown>((resolve, reject) => {
    settle = (error, value) => (error ? reject(error) : resolve(value));
  });
  result.catch(() => undefined); // may fail while the caller still awaits the barrier: not unhandled
  const fail = (why: string): void => settle(new Error(`child process ${child.pid ?? '?'}: ${why}\n${stderr}`.trim()));
  const timer = setTimeout(() => {
    fail(`timed out after ${timeoutMs} ms`);
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      if (!line.startsWith(MARK)) continue;
      const space = line.indexOf(' ', MARK.length);
      const tag = line.slice(MARK.length, space);
      let value: unknown;
      try {
        value = JSON.parse(line.slice(space + 1));
      } catch {
        value = line;
      }
      if (tag === 'READY') onReady();
      else if (tag === 'RESULT') settle(undefined, value);
      else if (tag === 'ERROR') fail(String(value));
    }
  });
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    onReady(); // never leave the barrier hanging: `result` carries the failure
    fail(`exited (${signal ?? code}) before reporting a result`);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.write(`${JSON.stringify(payload)}\n`);
  return {
    ready,
    result,
    go: () => child.stdin.write('GO\n'),
    kill: () => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let compiled: Promise<string> | undefined;

/** `src/**\/*.ts` (tests excluded) transpiled once per test process into a temp dir that resolves the repo's node_modules. */
function compiledSources(): Promise<string> {
  compiled ??= (async () => {
    const ts = (await import('typescript')).default;
    // Under the run's scratch dir (removed by global teardown); without global setup, a temp dir removed at exit.
    const scratch = inject('scratchDir') as string | undefined;
    const out = await mkdtemp(join(scratch ?? tmpdir(), 'cognate-src-'));
    if (!scratch) process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    const srcRoot = join(repoRoot, 'src');
    const files = (await readdir(srcRoot, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'));
    await Promise.all(
      files.map(async (file) => {
        const source = await readFile(join(srcRoot, file), 'utf8');
        const { outputText } = ts.transpileModule(source, {
          fileName: file,
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, verbatimModuleSyntax: false },
        });
        const target = join(out, 'src', file.replace(/\.ts$/, '.js'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, outputText);
      }),
    );
    await writeFile(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
    await writeFile(join(out, 'child-runner.js'), CHILD_RUNNER);
    await symlink(join(repoRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
    return out;
  })();
  return compiled;
}
