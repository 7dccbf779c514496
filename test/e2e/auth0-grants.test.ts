import { readdir, readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { AuthenticationClient } from 'auth0/legacy';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORD = 'Correct-Horse-9';
let t: Auth0TestServer;
let ropg: { clientId: string; clientSecret: string | null };
const email = `bob.${Date.now()}@example.test`;

const token = (body: Record<string, string>, json = true, headers: Record<string, string> = {}): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...headers },
    body: json ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });

beforeAll(async () => {
  t = await startAuth0TestServer();
  ropg = await t.createApp({
    app_type: 'regular_web',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials', 'password', REALM],
    callbacks: ['https://rp.example.test/cb'],
  });
});
afterAll(async () => t?.close());

describe('Auth0 token endpoint grants', () => {
  it('signs up and logs in with the auth0 legacy AuthenticationClient (password-realm)', async () => {
    // `agent` reaches the ID-token validator's JWKS fetch (jose over node:https), which verifies the RS256 signature.
    const ca = await readFile(join(t.dataDir, 'tls', 'ca.pem'), 'utf8');
    const auth = new AuthenticationClient({ domain: new URL(t.url).host, clientId: ropg.clientId, clientSecret: ropg.clientSecret ?? '', fetch: t.fetch, agent: new Agent({ ca }) as never });
    const created = await auth.database.signUp({ email, password: PASSWORD, connection: 'Username-Password-Authentication' });
    expect(created.data.email).toBe(email);
    const { data } = await auth.oauth.passwordGrant({ username: email, password: PASSWORD, realm: 'Username-Password-Authentication', scope: 'openid profile email offline_access' });
    expect(data.refresh_token).toBeTruthy();
    const claims = decodeJwt(data.id_token ?? '');
    expect(claims.iss).toBe(t.issuer);
    expect(claims.nonce).toBeUndefined();
    expect(claims.email).toBe(email);
  });

  it('password-realm in JSON and form bodies; wrong password and unknown user answer the same', async () => {
    for (const json of [true, false]) {
      const ok = await token({ grant_type: REALM, client_id: ropg.clientId, client_secret: ropg.clientSecret ?? '', username: email, password: PASSWORD, realm: 'Username-Password-Authentication', scope: 'openid' }, json);
      expect(ok.status).toBe(200);
      const body = (await ok.json()) as Record<string, unknown>;
      expect(body.token_type).toBe('Bearer');
      expect(typeof body.expires_in).toBe('number');
    }
    const wrong = await token({ grant_type: REALM, client_id: ropg.clientId, client_secret: ropg.clientSecret ?? '', username: email, password: 'nope-Nope-1', realm: 'Username-Password-Authentication' });
    const unknown = await token({ grant_type: REALM, client_id: ropg.clientId, client_secret: ropg.clientSecret ?? '', username: `x${email}`, password: 'nope-Nope-1', realm: 'Username-Password-Authentication' });
    expect(wrong.status).toBe(403);
    expect(unknown.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
    expect(await unknown.json()).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });

  it('client_secret_basic with url-encoded halves; bad secret is 401 access_denied Unauthorized', async () => {
    const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    const ok = await token({ grant_type: 'password', username: email, password: PASSWORD, scope: 'openid' }, false, { authorization: basic(ropg.clientId, ropg.clientSecret ?? '') });
    expect(ok.status).toBe(200);
    const bad = await token({ grant_type: 'password', username: email, password: PASSWORD }, false, { authorization: basic(ropg.clientId, 'wrong') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('client_credentials for the Management API audience (JSON), and Auth0 errors for unknown or ungranted audiences', async () => {
    const mgmt = JSON.parse(await readFile(join(t.dataDir, 'management-client.json'), 'utf8')) as { client_id: string; client_secret: string };
    const audience = `${t.issuer}api/v2/`;
    const ok = await token({ grant_type: 'client_credentials', client_id: mgmt.client_id, client_secret: mgmt.client_secret, audience });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string; scope: string };
    expect(body.scope).toContain('read:users');
    const at = decodeJwt(body.access_token);
    expect(at.aud).toBe(audience);
    expect(at.iss).toBe(t.issuer);
    expect(decodeProtectedHeader(body.access_token).alg).toBe('RS256');
    const unknown = await token({ grant_type: 'client_credentials', client_id: mgmt.client_id, client_secret: mgmt.client_secret, audience: 'https://nope.example/' }, false);
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toMatchObject({ error: 'access_denied', error_description: 'Service not enabled within domain: https://nope.example/' });
    const ungranted = await token({ grant_type: 'client_credentials', client_id: ropg.clientId, client_secret: ropg.clientSecret ?? '', audience });
    expect(ungranted.status).toBe(403);
    expect(((await ungranted.json()) as { error_description: string }).error_description).toMatch(/^Client is not authorized to access/);
  });

  it('a grant type the client lacks is 403 unauthorized_client', async () => {
    const spa = await t.createApp({ app_type: 'spa', callbacks: ['https://spa.example.test/'] });
    const res = await token({ grant_type: 'password', client_id: spa.clientId, username: email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'password' not allowed for the client." });
  });

  it('refresh rotation: reuse of a rotated token is invalid_grant and revokes the family', async () => {
    const spa = await t.createApp({ app_type: 'native', grant_types: ['refresh_token', 'password'], callbacks: ['com.example.app://cb'] });
    const first = (await (await token({ grant_type: 'password', client_id: spa.clientId, username: email, password: PASSWORD, scope: 'openid offline_access' })).json()) as { refresh_token: string };
    const second = await token({ grant_type: 'refresh_token', client_id: spa.clientId, refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    const rotated = (await second.json()) as { refresh_token: string; id_token: string };
    expect(rotated.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(rotated.id_token).nonce).toBeUndefined();
    const reuse = await token({ grant_type: 'refresh_token', client_id: spa.clientId, refresh_token: first.refresh_token });
    expect(reuse.status).toBe(403);
    expect(await reuse.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    const family = await token({ grant_type: 'refresh_token', client_id: spa.clientId, refresh_token: rotated.refresh_token });
    expect(family.status).toBe(403);
  });

  it('HS256 application: ID token signed with the client secret', async () => {
    const hs = await t.createApp({ app_type: 'regular_web', jwt_alg: 'HS256', grant_types: ['password'] });
    const res = await token({ grant_type: 'password', client_id: hs.clientId, client_secret: hs.clientSecret ?? '', username: email, password: PASSWORD, scope: 'openid' });
    const { id_token } = (await res.json()) as { id_token: string };
    expect(decodeProtectedHeader(id_token).alg).toBe('HS256');
    const { payload } = await jwtVerify(id_token, new TextEncoder().encode(hs.clientSecret ?? ''), { issuer: t.issuer, audience: hs.clientId });
    expect(payload.sub).toMatch(/^auth0\|/);
  });

  it('signup errors use the legacy shape; change_password is text/plain for any email and writes the outbox', async () => {
    const sign = (body: Record<string, unknown>): Promise<Response> =>
      t.fetch(`${t.url}/dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: ropg.clientId, connection: 'Username-Password-Authentication', ...body }) });
    const weak = await sign({ email: `weak${email}`, password: 'short' });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ name: 'PasswordStrengthError', code: 'invalid_password', statusCode: 400, description: { verified: false } });
    const dup = await sign({ email: email.toUpperCase(), password: PASSWORD });
    expect(await dup.json()).toEqual({ name: 'BadRequestError', code: 'user_exists', description: 'The user already exists.', statusCode: 400 });
    for (const address of [email, `ghost.${email}`]) {
      const res = await t.fetch(`${t.url}/dbconnections/change_password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: ropg.clientId, connection: 'Username-Password-Authentication', email: address }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe("We've just sent you an email to reset your password.");
    }
    const mails = await readdir(join(t.dataDir, 'outbox'));
    expect(mails).toHaveLength(1);
    expect(await readFile(join(t.dataDir, 'outbox', mails[0] ?? ''), 'utf8')).toContain('/u/reset-password?ticket=');
  });
});
