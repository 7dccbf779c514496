/**
 * A 2-worker bench server (plain http, embedded SQLite) with an Auth0 tenant seeded for token
 * benchmarks: a confidential application allowed password-realm, refresh_token and
 * client_credentials, enabled on the default database connection; USERS users sharing one
 * password (one argon2id hash, made once); an API with a client grant for the application.
 *
 * Seeding writes the server's own database: there is no Management API to create applications
 * with yet. The data dir is found by giving startBenchServer a private TMPDIR.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATABASE_CONNECTION } from '../../src/core/identity/connections.js';
import { PasswordHasher } from '../../src/core/identity/passwords.js';
import { buildDatabaseUser } from '../../src/core/identity/users.js';
import { Sealer } from '../../src/core/keys/sealer.js';
import { buildApplication, GRANT, newClientSecret } from '../../src/core/oauth/applications.js';
import { buildResourceServer, newClientGrantId } from '../../src/core/oauth/resource-servers.js';
import { openStorage } from '../../src/storage/database.js';
import { KyselyResourceServerRepository } from '../../src/storage/repositories/auth0-apis.js';
import { KyselyApplicationRepository } from '../../src/storage/repositories/auth0-clients.js';
import { KyselyConnectionRepository } from '../../src/storage/repositories/auth0-connections.js';
import { KyselyUserRepository } from '../../src/storage/repositories/auth0-users.js';
import { startBenchServer, type BenchServer } from '../server.js';

export const USERS = 1_000;
export const PASSWORD = 'Bench-Correct-Horse-9';
export const REALM = DEFAULT_DATABASE_CONNECTION;
export const AUDIENCE = 'https://bench.api.example/';

export interface Auth0Bench {
  server: BenchServer;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** emails of the seeded users */
  users: string[];
  stop(): Promise<void>;
}

/** startBenchServer under a private TMPDIR, so that its data dir (`cognate-bench-*`) can be found. */
async function startWithDataDir(env: Record<string, string>): Promise<{ server: BenchServer; dataDir: string; cleanup: () => void }> {
  const parent = mkdtempSync(join(tmpdir(), 'cognate-auth0-bench-'));
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = parent;
  let server: BenchServer;
  try {
    server = await startBenchServer({ workers: 2, env });
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
  const name = readdirSync(parent).find((n) => n.startsWith('cognate-bench-'));
  if (!name) throw new Error('bench server data dir not found');
  return { server, dataDir: join(parent, name), cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

/** `env` adds to the server's environment. The server runs on its default limits: legitimate load from one address is never capped. */
export async function startAuth0Bench(env: Record<string, string> = {}): Promise<Auth0Bench> {
  const masterKey = randomBytes(32);
  const { server, dataDir, cleanup } = await startWithDataDir({
    ...env,
    COGNATE_MASTER_KEY: masterKey.toString('base64'),
    // Known management credentials: nothing generated, nothing printed.
    COGNATE_MANAGEMENT_CLIENT_ID: `bench-mgmt-${randomBytes(6).toString('hex')}`,
    COGNATE_MANAGEMENT_CLIENT_SECRET: newClientSecret(),
  });
  try {
    const tenant = await seedTenant(dataDir, masterKey, server.url);
    return {
      server,
      ...tenant,
      stop: async () => {
        await server.stop();
        cleanup();
      },
    };
  } catch (e) {
    await server.stop();
    cleanup();
    throw e;
  }
}

/** Seeds the database of a running server (data dir + master key); see the module comment. */
export async function seedTenant(dataDir: string, masterKey: Buffer, url: string): Promise<Omit<Auth0Bench, 'server' | 'stop'>> {
  const storage = await openStorage({ dataDir });
  const now = Date.now();
  try {
    const app = buildApplication({ name: 'bench', app_type: 'regular_web', grant_types: [GRANT.passwordRealm, GRANT.refreshToken, GRANT.clientCredentials] }, now);
    const clientSecret = newClientSecret();
    await new KyselyApplicationRepository(storage, new Sealer(masterKey)).insert(app, clientSecret);
    const connections = new KyselyConnectionRepository(storage);
    const connection = await connections.findByName(REALM);
    if (!connection) throw new Error(`${REALM} was not bootstrapped`);
    await connections.enableClient(connection.id, app.client_id, now);
    const hash = await new PasswordHasher().hash(PASSWORD);
    const repo = new KyselyUserRepository(storage);
    const users: string[] = [];
    for (let i = 0; i < USERS; i++) {
      const email = `bench-${i}@example.test`;
      await repo.create(buildDatabaseUser({ connection, email, password_hash: hash, email_verified: true }, now));
      users.push(email);
    }
    const apis = new KyselyResourceServerRepository(storage, new Sealer(masterKey));
    await apis.insert(buildResourceServer({ identifier: AUDIENCE, name: 'Bench API', scopes: [{ value: 'read:things' }, { value: 'write:things' }] }, now));
    await apis.insertGrant({ id: newClientGrantId(), client_id: app.client_id, audience: AUDIENCE, scope: ['read:things', 'write:things'], created_at: now });
    const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    return { issuer: discovery.issuer, clientId: app.client_id, clientSecret, users };
  } finally {
    await storage.close();
  }
}

/** POSTs a form to /oauth/token; throws unless 200. */
export async function tokenRequest(url: string, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
