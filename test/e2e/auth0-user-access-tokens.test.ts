/**
 * A user's access token for an API, as Auth0 issues it (auth0-api.md §2.2): Auth0's dialect
 * (typ JWT, azp, gty), the OIDC scopes of the exchange in `scope`, and with `openid` the issuer's
 * /userinfo as a second audience — openid-client then reads /userinfo with it (userinfo.ts).
 */
import { decodeProtectedHeader, createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let app: { clientId: string; clientSecret: string };
const tag = Date.now().toString(36);
const API = `https://things-${tag}.example.test/`;
const email = `tokens.${tag}@example.test`;
let userId = '';

const form = (body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() });

const login = async (scope: string, audience?: string): Promise<{ access_token: string; refresh_token?: string; scope: string }> => {
  const res = await form({ grant_type: REALM, client_id: app.clientId, client_secret: app.clientSecret, username: email, password: PASSWORD, realm: CONNECTION, scope, ...(audience ? { audience } : {}) });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token?: string; scope: string };
};

async function verified(token: string, audience: string): Promise<Record<string, unknown>> {
  const keys = (await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return (await jwtVerify(token, createLocalJWKSet(keys), { issuer: t.issuer, audience, algorithms: ['RS256'] })).payload as Record<string, unknown>;
}

const userinfo = (token: string, headers: Record<string, string> = {}): Promise<Response> => t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${token}`, ...headers } });

beforeAll(async () => {
  t = await startMgmtServer();
  const mgmt = t.client();
  await mgmt.resourceServers.create({ identifier: API, name: `Things ${tag}`, allow_offline_access: true, scopes: [{ value: 'read:things' }] });
  const created = await mgmt.clients.create({ name: `tokens-${tag}`, app_type: 'regular_web', grant_types: [REALM, 'refresh_token'], callbacks: ['https://tokens.example.test/cb'], web_origins: ['https://tokens.example.test'] });
  app = { clientId: created.client_id ?? '', clientSecret: created.client_secret ?? '' };
  userId = (await mgmt.users.create({ connection: CONNECTION, email, password: PASSWORD, name: 'Token Person', nickname: 'tokens' })).user_id ?? '';
});
afterAll(async () => t?.close());

describe('user access tokens for an API', () => {
  it('password-realm and refresh tokens: typ JWT, azp and gty, OIDC scopes listed, /userinfo as second audience', async () => {
    const tokens = await login('openid profile email read:things offline_access', API);
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('JWT');
    const claims = await verified(tokens.access_token, API);
    expect(claims).toMatchObject({ sub: userId, azp: app.clientId, gty: 'password', aud: [API, `${t.issuer}userinfo`], scope: 'openid profile email offline_access read:things' });
    expect(claims).not.toHaveProperty('client_id');
    expect(claims).not.toHaveProperty('jti');
    const refreshed = await form({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: tokens.refresh_token ?? '' });
    expect(refreshed.status).toBe(200);
    const again = await verified(((await refreshed.json()) as { access_token: string }).access_token, API);
    expect(again).toMatchObject({ azp: app.clientId, gty: 'refresh_token', aud: [API, `${t.issuer}userinfo`], scope: 'openid profile email offline_access read:things' });
  });

  it('the API’s token_dialect shapes user tokens too: rfc9068_profile has typ at+jwt, client_id and jti, no azp or gty', async () => {
    const mgmt = t.client();
    const api = (await mgmt.resourceServers.list({})).data.find((r) => r.identifier === API);
    await mgmt.resourceServers.update(api?.id ?? '', { token_dialect: 'rfc9068_profile' });
    try {
      const tokens = await login('openid read:things', API);
      expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
      const claims = await verified(tokens.access_token, API);
      expect(claims).toMatchObject({ sub: userId, client_id: app.clientId, jti: expect.any(String), scope: 'openid read:things' });
      expect(claims).not.toHaveProperty('azp');
      expect(claims).not.toHaveProperty('gty');
    } finally {
      await mgmt.resourceServers.update(api?.id ?? '', { token_dialect: 'access_token' });
    }
  });

  it('without openid the token is for the API alone, and /userinfo refuses it', async () => {
    const tokens = await login('read:things', API);
    const claims = await verified(tokens.access_token, API);
    expect(claims['aud']).toBe(API);
    expect(claims['scope']).toBe('read:things');
    const res = await userinfo(tokens.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('/userinfo with an API access token', () => {
  it('openid-client reads the same claims as with the opaque /userinfo-only token', async () => {
    const config = await client.discovery(new URL(t.url), app.clientId, undefined, client.ClientSecretPost(app.clientSecret), { [client.customFetch]: t.fetch as client.CustomFetch });
    const withApi = await client.fetchUserInfo(config, (await login('openid profile email', API)).access_token, userId);
    const opaque = (await login('openid profile email')).access_token;
    expect(opaque.split('.')).toHaveLength(5); // Auth0's sealed /userinfo token (a JWE), opaque to the client
    const withOpaque = await client.fetchUserInfo(config, opaque, userId);
    expect(withApi).toEqual(withOpaque);
    expect(withApi).toMatchObject({ sub: userId, email, email_verified: false, name: 'Token Person', nickname: 'tokens' });
    const emailOnly = await (await userinfo((await login('openid email', API)).access_token)).json();
    expect(Object.keys(emailOnly as object).sort()).toEqual(['email', 'email_verified', 'sub']);
  });

  it('refuses tampered and expired tokens, blocked users, client tokens and disallowed browser origins', async () => {
    const good = (await login('openid profile', API)).access_token;
    const [h, p, sig] = good.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'auth0|someone-else' })).toString('base64url')}.${sig}`;
    for (const bad of [forged, `${good}x`, `${h}.${p}.`]) {
      const res = await userinfo(bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'invalid token provided' });
    }
    const cc = await t.client().clientGrants.create({ client_id: t.clientId, audience: API, scope: ['read:things'] });
    const clientToken = ((await (await t.token(t.clientId, t.clientSecret, API)).json()) as { access_token: string }).access_token;
    expect((await userinfo(clientToken)).status).toBe(401);
    await t.client().clientGrants.delete(cc.id ?? '');

    expect((await userinfo(good, { origin: 'https://tokens.example.test' })).headers.get('access-control-allow-origin')).toBe('https://tokens.example.test');
    const foreign = await userinfo(good, { origin: 'https://evil.example.test' });
    expect(foreign.status).toBe(401); // the client does not allow that origin: no claims reach it
    expect(await foreign.json()).toMatchObject({ error: 'invalid_token' });

    await t.client().users.update(userId, { blocked: true });
    try {
      expect((await userinfo(good)).status).toBe(401);
    } finally {
      await t.client().users.update(userId, { blocked: false });
    }
    t.clock.offset += 86_400_000 + 60_000;
    try {
      expect((await userinfo(good)).status).toBe(401);
    } finally {
      t.clock.offset -= 86_400_000 + 60_000;
    }
  });
});
