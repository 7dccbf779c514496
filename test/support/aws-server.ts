/// <reference path="./context.d.ts" />
/**
 * The AWS end-to-end tests' server and clients: the real server in-process on a fresh database of
 * either dialect (see storage.ts), official SDK v3 clients pointed at it, and the check of the
 * errors those clients surface.
 *
 *   const live = await startAwsServer('postgres');
 *   const iam = awsClient(IAMClient, live.server, live.server.context.root);
 *   await fails(iam.send(new GetRoleCommand({ RoleName: 'nope' })), 'NoSuchEntity', 404);
 *   await live.close();
 */
import pino from 'pino';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import type { Dialect, OpenOptions } from '../../src/storage/database.js';
import { createTestDatabase } from './storage.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export interface AwsTestServer {
  /** The server now running (a new one after `restart()`). */
  readonly server: RunningServer;
  /** The server's data dir, removed by `close()`. */
  readonly dataDir: string;
  /** Closes the server and starts a new one over the same data. */
  restart(): Promise<RunningServer>;
  /** Closes the server, then drops its database and removes its data dir. */
  close(): Promise<void>;
}

/** Starts the server on the data dir (and PostgreSQL database) of `options`, logging nothing. */
export function launchServer(options: OpenOptions): Promise<RunningServer> {
  const config = loadServeConfig({ port: '0', data: options.dataDir, ...(options.databaseUrl ? { 'database-url': options.databaseUrl } : {}) }, {});
  return startServer({ config, logger: pino({ level: 'silent' }), env: {} });
}

/** A server on a fresh database of `dialect` (PostgreSQL needs the run's global set-up). */
export async function startAwsServer(dialect: Dialect): Promise<AwsTestServer> {
  const database = await createTestDatabase(dialect);
  let server: RunningServer;
  try {
    server = await launchServer(database.options);
  } catch (e) {
    await database.destroy();
    throw e;
  }
  return {
    get server() {
      return server;
    },
    dataDir: database.options.dataDir,
    restart: async () => {
      await server.close();
      server = await launchServer(database.options);
      return server;
    },
    close: async () => {
      try {
        await server.close();
      } finally {
        await database.destroy();
      }
    },
  };
}

/** An SDK v3 client of the server, one attempt per call; unsigned unless given `credentials`. */
export function awsClient<T>(Client: new (config: object) => T, server: { url: string }, credentials?: object): T {
  return new Client({ endpoint: server.url, region: REGION, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
}

/** An error as the SDK surfaces it. */
export interface AwsError {
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number };
}

/** The error `p` rejects with; the test fails if `p` succeeds. */
export async function rejection(p: Promise<unknown>, expected: string): Promise<AwsError> {
  return (await p.then(
    () => {
      throw new Error(`expected ${expected}, but the call succeeded`);
    },
    (err: unknown) => err,
  )) as AwsError;
}

/** Checks an error's message: the exact text, or a pattern; nothing when `message` is absent. */
export function expectMessage(e: AwsError, message?: string | RegExp): void {
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
}

/** Runs `p`, expecting the SDK to surface `name` with HTTP `status` (and `message`, when given). */
export async function fails(p: Promise<unknown>, name: string, status: number, message?: string | RegExp): Promise<AwsError> {
  const e = await rejection(p, name);
  expect(e.name).toBe(name);
  expect(e.$metadata.httpStatusCode).toBe(status);
  expectMessage(e, message);
  return e;
}
