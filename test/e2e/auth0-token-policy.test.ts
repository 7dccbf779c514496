/**
 * Token-endpoint policies of the Auth0 surface: refresh-token rotation with reuse leeway (only
 * the immediately previous token, only within `leeway`), and `auth0-forwarded-for` honoured only
 * for applications with `is_token_endpoint_ip_header_trusted` (auth0-api.md §1.1, §2.3, §10.20).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchApplication } from '../support/auth0-apps.js';
import { startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-9';
const email = `policy.${Date.now()}@example.test`;

let t: Auth0TestServer;

interface App {
  clientId: string;
  clientSecret: string | null;
}

const token = (form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });

const login = (app: App, password = PASSWORD, headers: Record<string, string> = {}, username = email): Promise<Response> =>
  token({ grant_type: REALM_GRANT, client_id: app.clientId, client_secret: app.clientSecret ?? '', username, password, realm: CONNECTION, scope: 'openid offline_access' }, headers);

async function refreshTokenOf(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { refresh_token?: string };
  expect(body.refresh_token).toBeTruthy();
  return body.refresh_token ?? '';
}

const refresh = (app: App, rt: string): Promise<Response> => token({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret ?? '', refresh_token: rt });

async function rotatingApp(leeway: number): Promise<App> {
  const app = await t.createApp({ app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'] });
  await patchApplication(t.server, app.clientId, (body) => {
    body.refresh_token = { ...body.refresh_token, rotation_type: 'rotating', expiration_type: 'expiring', leeway };
  });
  return app;
}

beforeAll(async () => {
  t = await startAuth0TestServer();
  const app = await t.createApp({ app_type: 'regular_web' });
  const res = await t.signUp(app.clientId, email, PASSWORD);
  expect(res.status).toBe(200);
});

afterAll(async () => t?.close());

describe('refresh-token rotation and reuse leeway', () => {
  it('without leeway, reusing a rotated token revokes the whole family', async () => {
    const app = await rotatingApp(0);
    const a = await refreshTokenOf(await login(app));
    const b = await refreshTokenOf(await refresh(app, a));
    expect(b).not.toBe(a);
    const reuse = await refresh(app, a);
    expect(reuse.status).toBe(403);
    expect(await reuse.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect((await refresh(app, b)).status).toBe(403);
  });

  it('within leeway only the immediately previous token may be used again', async () => {
    const app = await rotatingApp(60);
    const a = await refreshTokenOf(await login(app));
    const b = await refreshTokenOf(await refresh(app, a));
    // A is the token rotated last: a retry (e.g. a lost response) gets a fresh token.
    const b2 = await refreshTokenOf(await refresh(app, a));
    expect(b2).not.toBe(b);
    const c = await refreshTokenOf(await refresh(app, b));
    // Now B was rotated last; A is two generations back: reuse, the family is revoked.
    expect((await refresh(app, a)).status).toBe(403);
    for (const rt of [b, b2, c]) expect((await refresh(app, rt)).status).toBe(403);
  });
});

describe('auth0-forwarded-for', () => {
  const forAddress = (ip: string): Record<string, string> => ({ 'auth0-forwarded-for': ip });

  it('is ignored for an application that does not trust the header', async () => {
    const app = await t.createApp({ app_type: 'regular_web', grant_types: [REALM_GRANT] });
    const victim = `victim.${Date.now()}@example.test`;
    // Ten failures claiming ten different addresses still all come from this socket's address.
    for (let i = 0; i < 10; i++) expect((await login(app, 'Wrong-Horse-1', forAddress(`198.51.100.${i + 1}`), victim)).status).toBe(403);
    const blocked = await login(app, 'Wrong-Horse-1', forAddress('198.51.100.77'), victim);
    expect(blocked.status).toBe(429);
  });

  it('names the end user for brute-force protection when the application trusts it', async () => {
    const app = await t.createApp({ app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'] });
    await patchApplication(t.server, app.clientId, (body) => {
      body.is_token_endpoint_ip_header_trusted = true;
    });
    for (let i = 0; i < 10; i++) expect((await login(app, 'Wrong-Horse-1', forAddress('203.0.113.9'))).status).toBe(403);
    const blocked = await login(app, PASSWORD, forAddress('203.0.113.9'));
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: string }).error).toBe('too_many_attempts');
    // Another end user behind the same server, and the server itself, are not blocked.
    expect((await login(app, PASSWORD, forAddress('203.0.113.10'))).status).toBe(200);
    expect((await login(app, PASSWORD)).status).toBe(200);
  });
});
