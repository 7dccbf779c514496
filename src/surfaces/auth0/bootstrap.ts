import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDatabaseConnection, DEFAULT_DATABASE_CONNECTION } from '../../core/identity/connections.js';
import { buildApplication, newClientSecret } from '../../core/oauth/applications.js';
import { buildResourceServer, MANAGEMENT_SCOPES } from '../../core/oauth/resource-servers.js';
import { DEFAULT_TENANT } from '../../core/oauth/tenant.js';
import type { Auth0Services } from './services.js';

const announce = (s: Auth0Services, text: string): void => {
  if (s.ctx.logger.level !== 'silent') process.stdout.write(text);
};

/**
 * First-start state of the tenant, idempotent and safe for racing workers (insert-if-absent on
 * unique keys): the tenant row, the `Username-Password-Authentication` database connection, the
 * Management API machine-to-machine client and a "Default App" for local development. APIs stored
 * before they had signing secrets get theirs (migration 0007_api_signing_secrets).
 */
export async function bootstrapTenant(s: Auth0Services, env: NodeJS.ProcessEnv = s.ctx.env): Promise<void> {
  const now = s.ctx.clock.now();
  // Deviation: Auth0 tenants start without a default directory; ours names the database
  // connection so that the plain `password` grant works out of the box (§10.29).
  await s.tenant.ensure({ ...DEFAULT_TENANT, default_directory: DEFAULT_DATABASE_CONNECTION });
  await s.connections.insertIfAbsent(buildDatabaseConnection(DEFAULT_DATABASE_CONNECTION, [], now));
  await ensureManagementClient(s, env, now);
  await ensureDefaultApp(s, now);
  await s.apis.ensureSigningSecrets();
}

async function ensureManagementClient(s: Auth0Services, env: NodeJS.ProcessEnv, now: number): Promise<void> {
  const id = env['COGNATE_MANAGEMENT_CLIENT_ID'];
  const secret = env['COGNATE_MANAGEMENT_CLIENT_SECRET'];
  if (Boolean(id) !== Boolean(secret)) throw new Error('set both COGNATE_MANAGEMENT_CLIENT_ID and COGNATE_MANAGEMENT_CLIENT_SECRET, or neither');
  if (await s.apps.findBySystemRole('management')) return;
  const app = buildApplication(
    { name: 'Cognate Management API (Machine to Machine)', app_type: 'non_interactive', system_role: 'management', ...(id ? { client_id: id } : {}) },
    now,
  );
  const clientSecret = secret ?? newClientSecret();
  if (!(await s.apps.insert(app, clientSecret)) || id) return;
  const file = join(s.ctx.config.data, 'management-client.json');
  try {
    writeFileSync(file, `${JSON.stringify({ client_id: app.client_id, client_secret: clientSecret }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    // an older file from a previous database: the database is the source of truth
  }
  announce(
    s,
    `\nGenerated Auth0 Management API client (stored in ${file}, mode 0600; shown once):\n` +
      `  COGNATE_MANAGEMENT_CLIENT_ID=${app.client_id}\n  COGNATE_MANAGEMENT_CLIENT_SECRET=${clientSecret}\n\n`,
  );
}

async function ensureDefaultApp(s: Auth0Services, now: number): Promise<void> {
  if (await s.apps.findBySystemRole('default')) return;
  const origin = 'http://localhost:3000';
  const app = buildApplication(
    { name: 'Default App', app_type: 'spa', system_role: 'default', callbacks: [origin, `${origin}/callback`], allowed_logout_urls: [origin], web_origins: [origin], allowed_origins: [origin] },
    now,
  );
  if (!(await s.apps.insert(app, null))) return;
  const connection = await s.connections.findByName(DEFAULT_DATABASE_CONNECTION);
  if (connection) await s.connections.enableClient(connection.id, app.client_id, now);
  announce(s, `Default App (SPA, callbacks ${origin}/callback) client_id=${app.client_id}\n`);
}

/**
 * The Management API as a system resource server at `https://DOMAIN/api/v2/` (§4.1, §10.26) and
 * the management client's grant to it. Runs once the issuer is final (after listen).
 */
export async function ensureManagementApi(s: Auth0Services): Promise<void> {
  const now = s.ctx.clock.now();
  const audience = `${s.issuer()}api/v2/`;
  await s.apis.upsertSystem(
    buildResourceServer({ identifier: audience, name: 'Auth0 Management API', is_system: true, scopes: MANAGEMENT_SCOPES.map((value) => ({ value })) }, now),
  );
  const mgmt = await s.apps.findBySystemRole('management');
  if (mgmt) {
    await s.apis.insertGrantIfAbsent({ id: `cgr_${randomBytes(8).toString('hex')}`, client_id: mgmt.app.client_id, audience, scope: [...MANAGEMENT_SCOPES], created_at: now });
  }
}
