/**
 * Non-rotating refresh-token grants are answered outside oidc-provider's Koa stack, with its
 * models (src/surfaces/auth0/grants/refresh-token.ts). Differential: the same refresh token
 * redeemed by the native path (called directly, and through the server) and by oidc-provider's
 * own handler (a request with `scope`, which the native path declines) gives the same answer —
 * response members, ID token header and claims, a /userinfo token giving the same claims (the
 * native one sealed, Auth0's kind, not stored) — and everything unusual or wrong is declined,
 * to be answered by oidc-provider as before.
 */
import { compactDecrypt, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { sql } from 'kysely';
import type Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANT } from '../../src/core/oauth/applications.js';
import { refreshTokenGrant } from '../../src/surfaces/auth0/grants/refresh-token.js';
import type { Rs256Signer } from '../../src/surfaces/auth0/jwt-signer.js';
import { buildProvider } from '../../src/surfaces/auth0/provider.js';
import { createAuth0Services, type Auth0Services } from '../../src/surfaces/auth0/services.js';
import { CONNECTION, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let s: Auth0Services;
let provider: Provider;
let signer: Rs256Signer;
const tag = Date.now().toString(36);
const email = `refresh.${tag}@example.test`;
const caller = { ip: '127.0.0.1', userAgent: 'refresh-native-test', origin: undefined };

interface App {
  clientId: string;
  clientSecret: string;
}

const form = (body: Record<string, string>): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

async function createApp(extra: Record<string, unknown> = {}): Promise<App> {
  const app = await t.client().clients.create({ name: `refresh-${tag}-${Math.random().toString(36).slice(2, 6)}`, app_type: 'regular_web', grant_types: [REALM, 'refresh_token'], ...extra });
  return { clientId: app.client_id ?? '', clientSecret: app.client_secret ?? '' };
}

async function refreshTokenOf(app: App, scope = 'openid profile email offline_access'): Promise<string> {
  const res = await form({ grant_type: REALM, client_id: app.clientId, client_secret: app.clientSecret, username: email, password: PASSWORD, realm: CONNECTION, scope });
  const body = (await res.json()) as { refresh_token?: string };
  if (!body.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(body)}`);
  return body.refresh_token;
}

const direct = (app: App, refreshToken: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  refreshTokenGrant(s, provider, signer, { params: new URLSearchParams({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: refreshToken, ...extra }), headers }, caller);

const withoutTimes = (claims: Record<string, unknown>): Record<string, unknown> => {
  const { iat: _iat, exp: _exp, ...rest } = claims;
  return rest;
};

beforeAll(async () => {
  t = await startMgmtServer();
  await t.client().users.create({ connection: CONNECTION, email, password: PASSWORD, name: 'Refresh Person', nickname: 'refresh' });
  // A second provider on the server's storage, as another worker of the same deployment has.
  s = createAuth0Services(t.server.context);
  ({ provider, signer } = await buildProvider(s));
});
afterAll(async () => t?.close());

describe('native refresh-token grant', () => {
  it('answers as oidc-provider’s own handler does: members, ID token header and claims, a working /userinfo token', async () => {
    const app = await createApp();
    const rt = await refreshTokenOf(app);
    const native = await direct(app, rt);
    expect(native?.status).toBe(200);
    const viaServer = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: rt });
    const viaProvider = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: rt, scope: 'openid profile email offline_access' });
    const bodies = [native?.body ?? {}, (await viaServer.json()) as Record<string, unknown>, (await viaProvider.json()) as Record<string, unknown>];
    for (const body of bodies) {
      // Non-rotating: no refresh_token in the answer (Auth0 does not echo the presented one).
      expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      expect(body).toMatchObject({ expires_in: 86400, scope: 'openid profile email offline_access', token_type: 'Bearer' });
    }
    const [mine, server, theirs] = bodies.map((b) => String(b['id_token']));
    expect(decodeProtectedHeader(mine ?? '')).toEqual(decodeProtectedHeader(theirs ?? ''));
    expect(withoutTimes(decodeJwt(mine ?? ''))).toEqual(withoutTimes(decodeJwt(theirs ?? '')));
    expect(withoutTimes(decodeJwt(server ?? ''))).toEqual(withoutTimes(decodeJwt(theirs ?? '')));
    expect(decodeJwt(mine ?? '')).toMatchObject({ iss: t.issuer, aud: app.clientId, email, name: 'Refresh Person' });
    expect(decodeJwt(mine ?? '')).not.toHaveProperty('nonce');
    const info = await Promise.all(
      bodies.map(async (b) => (await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${String(b['access_token'])}` } })).json()),
    );
    expect(info[0]).toMatchObject({ email, name: 'Refresh Person' });
    expect(info[1]).toEqual(info[0]);
    expect(info[2]).toEqual(info[0]);
  });

  it('issues Auth0’s sealed /userinfo token (JWE dir/A256GCM) and stores nothing for it', async () => {
    const app = await createApp();
    const rt = await refreshTokenOf(app);
    const stored = async (): Promise<number> =>
      Number((await sql<{ n: number }>`select count(*) as n from auth0_oidc_payloads where model = 'AccessToken'`.execute(t.server.context.storage.db)).rows[0]?.n);
    const before = await stored();
    const native = await direct(app, rt);
    const token = String(native?.body['access_token']);
    expect(token.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'dir', enc: 'A256GCM', iss: t.issuer });
    // A standard JWE: jose opens it with the key-ring key it was sealed with.
    const [key] = await t.server.context.keyRing.keys('auth0-userinfo-tokens');
    const opened = JSON.parse(new TextDecoder().decode((await compactDecrypt(token, key?.key ?? new Uint8Array(32))).plaintext)) as Record<string, unknown>;
    expect(opened).toMatchObject({ iss: t.issuer, azp: app.clientId, scope: 'openid profile email offline_access', sub: expect.stringMatching(/^auth0\|/) });
    expect(Number(opened['exp']) - Number(opened['iat'])).toBe(86400);
    expect(await stored()).toBe(before);

    const userinfo = (bearer: string): Promise<Response> => t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await userinfo(token)).status).toBe(200);
    const parts = token.split('.');
    const flipped = parts.map((p, i) => (i === 3 ? `${p.slice(0, -2)}${p.endsWith('AA') ? 'BA' : 'AA'}` : p)).join('.');
    for (const bad of [flipped, token.replace(/^[^.]+/, Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', iss: 'https://evil.example.test/' })).toString('base64url'))]) {
      const res = await userinfo(bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    }
    t.clock.offset += 86_400_000 + 1_000;
    try {
      expect((await userinfo(token)).status).toBe(401);
    } finally {
      t.clock.offset -= 86_400_000 + 1_000;
    }
    const user = (await t.client().users.listUsersByEmail({ email }))[0];
    await t.client().users.update(user?.user_id ?? '', { blocked: true });
    try {
      expect((await userinfo(token)).status).toBe(401);
    } finally {
      await t.client().users.update(user?.user_id ?? '', { blocked: false });
    }
  });

  it('signs HS256 ID tokens with the client secret for an HS256 application', async () => {
    const app = await createApp({ jwt_configuration: { alg: 'HS256' } });
    const native = await direct(app, await refreshTokenOf(app));
    const idToken = String(native?.body['id_token']);
    expect(decodeProtectedHeader(idToken).alg).toBe('HS256');
    await expect(jwtVerify(idToken, new TextEncoder().encode(app.clientSecret), { issuer: t.issuer, audience: app.clientId })).resolves.toBeTruthy();
  });

  it('declines what it does not own; oidc-provider answers those as before', async () => {
    const app = await createApp();
    const rt = await refreshTokenOf(app);
    expect(await direct(app, rt, { scope: 'openid' })).toBeUndefined();
    expect(await direct(app, `${rt}x`)).toBeUndefined();
    expect(await direct({ ...app, clientSecret: 'wrong' }, rt)).toBeUndefined();
    const other = await createApp();
    expect(await direct(other, rt)).toBeUndefined(); // another client's token
    expect(await direct(app, rt, { resource: 'https://api.example.test/' })).toBeUndefined();
    // Unusual client authentication or proof of possession, an Accept that may get an HTML error page.
    for (const headers of [{ authorization: 'Bearer x' }, { dpop: 'x.y.z' }, { 'oauth-client-attestation': 'x' }, { accept: 'text/html' }] as Record<string, string>[]) {
      expect(await direct(app, rt, {}, headers), JSON.stringify(headers)).toBeUndefined();
    }
    expect(await direct(app, rt, { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' })).toBeUndefined();
    expect(await direct(app, rt)).toBeDefined();
    // Without openid the token stays oidc-provider's: its access token is refused at /userinfo.
    const noOpenid = await refreshTokenOf(app, 'offline_access email');
    expect(await direct(app, noOpenid)).toBeUndefined();
    const refreshed = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: noOpenid });
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    expect((await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(403);

    const unknown = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: `${rt}x` });
    expect([unknown.status, await unknown.json()]).toEqual([403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }]);

    const revoked = await refreshTokenOf(app);
    const revocation = await t.fetch(`${t.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, token: revoked }).toString(),
    });
    expect(revocation.status).toBe(200);
    expect(await direct(app, revoked)).toBeUndefined();
    expect((await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: revoked })).status).toBe(403);
  });

  it('a blocked user’s refresh token is declined, and works again once unblocked', async () => {
    const app = await createApp();
    const rt = await refreshTokenOf(app);
    const user = (await t.client().users.listUsersByEmail({ email }))[0];
    await t.client().users.update(user?.user_id ?? '', { blocked: true });
    try {
      expect(await direct(app, rt)).toBeUndefined();
      expect((await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: rt })).status).toBeGreaterThanOrEqual(400);
    } finally {
      await t.client().users.update(user?.user_id ?? '', { blocked: false });
    }
    expect((await direct(app, rt))?.status).toBe(200);
  });

  it('rotating tokens: a new token of the family each time, as oidc-provider issues; reuse is refused and revokes the family', async () => {
    const rotating = { refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring' } };
    const app = await createApp(rotating);
    const first = await refreshTokenOf(app);
    const native = await direct(app, first);
    const second = String(native?.body['refresh_token']);
    expect(second).not.toBe(first);
    const theirs = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: await refreshTokenOf(app), scope: 'openid profile email offline_access' });
    const theirBody = (await theirs.json()) as Record<string, unknown>;
    expect(Object.keys(native?.body ?? {})).toEqual(Object.keys(theirBody));
    expect(withoutTimes(decodeJwt(String(native?.body['id_token'])))).toEqual(withoutTimes(decodeJwt(String(theirBody['id_token']))));

    const third = String((await direct(app, second))?.body['refresh_token']);
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await direct(app, second)).toBeUndefined(); // already used: oidc-provider's to answer
    const reuse = await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: second });
    expect([reuse.status, await reuse.json()]).toEqual([403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }]);
    expect((await form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: third })).status).toBe(403); // family revoked
  });

  it('a rotated token reused within the client’s leeway is honoured once more, as Auth0 does', async () => {
    const app = await createApp({ refresh_token: { rotation_type: 'rotating', expiration_type: 'expiring', leeway: 30 } });
    const first = await refreshTokenOf(app);
    const second = String((await direct(app, first))?.body['refresh_token']);
    const again = await direct(app, first);
    expect(again?.status).toBe(200);
    expect(again?.body['refresh_token']).not.toBe(second);
  });

  it('a browser origin the application allows gets CORS headers; any other origin is left to oidc-provider', async () => {
    const spa = await t.client().clients.create({
      name: `spa-${tag}`,
      app_type: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', REALM],
      callbacks: ['https://spa.example.test/cb'],
      web_origins: ['https://spa.example.test'],
    });
    const app = { clientId: spa.client_id ?? '', clientSecret: '' };
    const login = await form({ grant_type: REALM, client_id: app.clientId, username: email, password: PASSWORD, realm: CONNECTION, scope: 'openid offline_access' });
    const rt = String(((await login.json()) as { refresh_token?: string }).refresh_token);
    const params = (token: string) => new URLSearchParams({ grant_type: GRANT.refreshToken, client_id: app.clientId, refresh_token: token });
    const foreign = await refreshTokenGrant(s, provider, signer, { params: params(rt), headers: {} }, { ...caller, origin: 'https://evil.example.test' });
    expect(foreign).toBeUndefined();
    const allowed = await refreshTokenGrant(s, provider, signer, { params: params(rt), headers: {} }, { ...caller, origin: 'https://spa.example.test' });
    expect(allowed?.headers).toMatchObject({ 'access-control-allow-origin': 'https://spa.example.test', vary: 'Origin' });
    expect(allowed?.body['refresh_token']).not.toBe(rt); // SPAs rotate
    const withSecret = await refreshTokenGrant(s, provider, signer, { params: new URLSearchParams({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: 'x', refresh_token: String(allowed?.body['refresh_token']) }), headers: {} }, caller);
    expect(withSecret).toBeUndefined(); // a public client sends no secret
  });

  it('rotation restarts the idle lifetime, never the absolute one: a family dies its absolute lifetime after login', { timeout: 20_000 }, async () => {
    // oidc-provider dates tokens by the system clock: real seconds here (idle 3 s, absolute 5 s).
    const limits = { rotation_type: 'rotating', expiration_type: 'expiring', token_lifetime: 5, idle_token_lifetime: 3, infinite_token_lifetime: false, infinite_idle_token_lifetime: false };
    const app = await createApp({ refresh_token: limits });
    const refresh = (token: string) => form({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: token });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const loggedInAt = Date.now();
    let token = await refreshTokenOf(app);
    await sleep(2_000);
    let res = await refresh(token); // ~2 s in: inside both lifetimes
    expect(res.status).toBe(200);
    token = String(((await res.json()) as { refresh_token: string }).refresh_token);
    await sleep(2_000);
    res = await refresh(token); // ~4 s in: inside the idle lifetime of this token, 1 s of the family's left
    expect(res.status).toBe(200);
    token = String(((await res.json()) as { refresh_token: string }).refresh_token);
    await sleep(Math.max(0, loggedInAt + 5_700 - Date.now()));
    res = await refresh(token); // past 5 s since login: the new token's idle lifetime would still run, the family's has ended
    expect([res.status, await res.json()]).toEqual([403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }]);

    const idle = await refreshTokenOf(app);
    await sleep(3_700);
    expect((await refresh(idle)).status).toBe(403); // unused for longer than the idle lifetime
  });

  it('logs sertft for a native refresh', async () => {
    const app = await createApp();
    await direct(app, await refreshTokenOf(app));
    await new Promise((r) => setTimeout(r, 300)); // the log sink writes in batches
    const logs = (await t.client().logs.list({ per_page: 100, sort: 'date:-1' })).data as unknown as Record<string, unknown>[];
    expect(logs.find((l) => l['type'] === 'sertft' && l['client_id'] === app.clientId)).toMatchObject({ user_agent: 'refresh-native-test', scope: 'openid profile email offline_access' });
  });
});
