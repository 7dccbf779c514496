/**
 * The token endpoint's hot path after its per-request costs were cut: password-grant tokens are
 * saved together and carry their grant; exchange log events name the client without a lookup;
 * tenant log events are buffered and written out when the server closes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { startServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { buildApplication, GRANT, newClientSecret } from '../../src/core/oauth/applications.js';
import { buildResourceServer, newClientGrantId } from '../../src/core/oauth/resource-servers.js';
import { openStorage } from '../../src/storage/database.js';
import { KyselyResourceServerRepository } from '../../src/storage/repositories/auth0-apis.js';
import { KyselyApplicationRepository } from '../../src/storage/repositories/auth0-clients.js';
import { logRecorder } from '../../src/surfaces/management/log-sink.js';
import { startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-9';
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('token endpoint hot path', () => {
  let t: Auth0TestServer;
  let app: { clientId: string; clientSecret: string | null };
  const email = `tp.${Date.now()}@example.test`;
  const token = async (body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: form, body: new URLSearchParams(body).toString() });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startAuth0TestServer();
    app = await t.createApp({ app_type: 'regular_web', name: 'Token Path App', grant_types: [GRANT.passwordRealm, GRANT.refreshToken, GRANT.clientCredentials] });
    const res = await t.signUp(app.clientId, email, PASSWORD);
    expect(res.status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('password-realm tokens are saved with their grant: the access token works at /userinfo, the refresh token refreshes', async () => {
    const login = await token({ grant_type: GRANT.passwordRealm, client_id: app.clientId, client_secret: app.clientSecret ?? '', username: email, password: PASSWORD, realm: CONNECTION, scope: 'openid email offline_access' });
    expect(login.status).toBe(200);
    const rows = await t.server.context.storage.db.selectFrom('auth0_oidc_payloads').select(['model', 'id', 'grant_id']).where('model', 'in', ['Grant', 'AccessToken', 'RefreshToken']).execute();
    const grant = rows.find((r) => r.model === 'Grant');
    expect(grant).toBeDefined();
    // The /userinfo access token is sealed, not stored (grants/password-realm.ts): the refresh token alone carries the grant.
    expect(rows.filter((r) => r.model !== 'Grant').map((r) => [r.model, r.grant_id])).toEqual([['RefreshToken', grant?.id]]);

    const info = await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${String(login.json['access_token'])}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ email });

    const refreshed = await token({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret ?? '', refresh_token: String(login.json['refresh_token']) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json['id_token']).toEqual(expect.any(String));
  });

  it('exchange events name the authenticated client; an unknown client gets none', async () => {
    await token({ grant_type: GRANT.clientCredentials, client_id: app.clientId, client_secret: app.clientSecret ?? '', audience: 'https://nope.example.test/' });
    await token({ grant_type: GRANT.clientCredentials, client_id: 'no-such-client', client_secret: 'x', audience: 'https://nope.example.test/' });
    const recorder = logRecorder(t.server.context);
    await recorder.settled();
    const logs = await t.server.context.storage.db.selectFrom('auth0_logs').select(['type', 'client_id', 'client_name']).where('type', '=', 'feccft').execute();
    expect(logs).toEqual(
      expect.arrayContaining([
        { type: 'feccft', client_id: app.clientId, client_name: 'Token Path App' },
        { type: 'feccft', client_id: 'no-such-client', client_name: null },
      ]),
    );
    const refreshes = await t.server.context.storage.db.selectFrom('auth0_logs').select(['client_name']).where('type', '=', 'sertft').execute();
    expect(refreshes).toEqual([{ client_name: 'Token Path App' }]);
  });

  it('a client is decoded once while its row is unchanged, and a changed row is seen at once', async () => {
    const { storage, master } = t.server.context;
    const apps = new KyselyApplicationRepository(storage, master);
    const first = await apps.find(app.clientId);
    expect(await apps.find(app.clientId)).toBe(first);
    const secret = newClientSecret();
    await new KyselyApplicationRepository(storage, master).setSecret(app.clientId, secret, Date.now() + 1);
    const after = await apps.find(app.clientId);
    expect(after).not.toBe(first);
    expect(after?.secret).toBe(secret);
    const ok = await token({ grant_type: GRANT.passwordRealm, client_id: app.clientId, client_secret: secret, username: email, password: PASSWORD, realm: CONNECTION, scope: 'openid' });
    expect(ok.status).toBe(200);
    const old = await token({ grant_type: GRANT.passwordRealm, client_id: app.clientId, client_secret: app.clientSecret ?? '', username: email, password: PASSWORD, realm: CONNECTION, scope: 'openid' });
    expect(old.status).toBe(401);
    await storage.db.deleteFrom('auth0_clients').where('client_id', '=', app.clientId).execute();
    expect(await apps.find(app.clientId)).toBeUndefined();
  });
});

it('closing the server writes out the tenant log events still buffered', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognate-logclose-'));
  try {
    const server = await startServer({ config: loadServeConfig({ port: '0', data: dataDir }, {}), logger: createLogger('silent'), env: {} });
    const { storage, master, clock } = server.context;
    const client = buildApplication({ name: 'Closer', app_type: 'non_interactive', grant_types: [GRANT.clientCredentials] }, clock.now());
    const secret = newClientSecret();
    await new KyselyApplicationRepository(storage, master).insert(client, secret);
    const apis = new KyselyResourceServerRepository(storage, master);
    await apis.insert(buildResourceServer({ identifier: 'https://closer.example.test/', name: 'Closer API', scopes: [{ value: 'read:x' }] }, clock.now()));
    await apis.insertGrant({ id: newClientGrantId(), client_id: client.client_id, audience: 'https://closer.example.test/', scope: ['read:x'], created_at: clock.now() });
    const n = 5;
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ grant_type: GRANT.clientCredentials, client_id: client.client_id, client_secret: secret, audience: 'https://closer.example.test/' }).toString(),
      });
      expect(res.status).toBe(200);
    }
    // Recorded right before close, with no turn of the event loop between: certainly still buffered.
    const recorder = logRecorder(server.context);
    recorder.record({ type: 'sapi', description: 'at close' });
    expect(recorder.buffered).toBeGreaterThan(0);
    await server.close();
    const reopened = await openStorage({ dataDir });
    try {
      const rows = await reopened.db.selectFrom('auth0_logs').select(['type', 'client_name']).where('type', '=', 'seccft').execute();
      expect(rows).toEqual(Array.from({ length: n }, () => ({ type: 'seccft', client_name: 'Closer' })));
      expect(await reopened.db.selectFrom('auth0_logs').select('description').where('type', '=', 'sapi').execute()).toEqual([{ description: 'at close' }]);
    } finally {
      await reopened.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
