/// <reference path="./context.d.ts" />
/**
 * vitest globalSetup: one PostgreSQL for the whole `vitest run` (a throwaway cluster, or the
 * server of COGNATE_TEST_DATABASE_URL), its URL provided to test files as `inject('postgresUrl')`,
 * plus a run-wide scratch dir (`inject('scratchDir')`). Missing PostgreSQL fails the run with
 * instructions; tests are never skipped silently. COGNATE_TEST_VERBOSE=1 logs the start-up time.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { isAlive, startThrowawayPostgres, type ThrowawayPostgres } from './postgres.js';

const SCRATCH_PREFIX = 'cognate-test-run-';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  reapOrphanedScratchDirs();
  // The owner's pid is part of the name, so a later run can tell a dead run's leftovers.
  const scratchDir = await mkdtemp(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  // Interrupted runs (SIGINT/SIGTERM end in process.exit) skip the teardown below.
  const onExit = (): void => rmSync(scratchDir, { recursive: true, force: true });
  process.once('exit', onExit);

  let postgres: ThrowawayPostgres;
  try {
    postgres = await startThrowawayPostgres(); // has its own exit hook for the cluster
  } catch (e) {
    process.removeListener('exit', onExit);
    await rm(scratchDir, { recursive: true, force: true });
    throw e;
  }
  if (process.env['COGNATE_TEST_VERBOSE']) {
    console.log(`[global-setup] PostgreSQL ready at ${postgres.url} in ${Date.now() - started} ms`);
  }
  project.provide('postgresUrl', postgres.url);
  project.provide('scratchDir', scratchDir);

  // Runs after the last test file, whether tests passed or failed.
  return async () => {
    try {
      await postgres.stop();
    } finally {
      process.removeListener('exit', onExit);
      await rm(scratchDir, { recursive: true, force: true });
    }
  };
}

/** Scratch dirs of runs that were killed outright (SIGKILL): their owner process is gone. */
function reapOrphanedScratchDirs(): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(SCRATCH_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = Number.parseInt(entry.slice(SCRATCH_PREFIX.length), 10);
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}
