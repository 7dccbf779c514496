/**
 * The client credentials grant, which Cognate answers itself (src/surfaces/auth0/grants/
 * client-credentials.ts), driven by the `auth0` package's legacy AuthenticationClient and raw
 * fetch: Auth0's token shape per API dialect, verified against the published JWKS; the scope
 * rules; the errors; the requests it leaves to oidc-provider; the tenant log events.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { AuthenticationClient } from 'auth0/legacy';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let m2m: { clientId: string; clientSecret: string };
const tag = Date.now().toString(36);
const API = `https://orders-${tag}.example.test/`;

const form = (body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString() });

const grant = (extra: Record<string, string> = {}): Promise<Response> =>
  form({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret, audience: API, ...extra });

async function verified(token: string): Promise<Record<string, unknown>> {
  const keys = (await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(token, createLocalJWKSet(keys), { issuer: t.issuer, audience: API, algorithms: ['RS256'] });
  return payload as Record<string, unknown>;
}

beforeAll(async () => {
  t = await startMgmtServer();
  const mgmt = t.client();
  await mgmt.resourceServers.create({ identifier: API, name: `Orders ${tag}`, token_lifetime: 3600, scopes: [{ value: 'read:orders' }, { value: 'write:orders' }, { value: 'admin:orders' }] });
  const app = await mgmt.clients.create({ name: `m2m-${tag}`, app_type: 'non_interactive', grant_types: ['client_credentials'] });
  m2m = { clientId: app.client_id ?? '', clientSecret: app.client_secret ?? '' };
  await mgmt.clientGrants.create({ client_id: m2m.clientId, audience: API, scope: ['read:orders', 'write:orders'] });
});
afterAll(async () => t?.close());

describe('client credentials: Auth0 token shape', () => {
  it('the auth0 AuthenticationClient gets an Auth0-dialect JWT that verifies against the JWKS', async () => {
    const ca = await readFile(join(t.server.context.config.data, 'tls', 'ca.pem'), 'utf8');
    const auth = new AuthenticationClient({ domain: t.domain, clientId: m2m.clientId, clientSecret: m2m.clientSecret, fetch: t.fetch, agent: new Agent({ ca }) as never });
    const { data } = await auth.oauth.clientCredentialsGrant({ audience: API });
    expect(data).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:orders write:orders' });
    expect(decodeProtectedHeader(data.access_token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    const claims = await verified(data.access_token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'azp', 'exp', 'gty', 'iat', 'iss', 'scope', 'sub']);
    expect(claims).toMatchObject({ iss: t.issuer, sub: `${m2m.clientId}@clients`, aud: API, azp: m2m.clientId, gty: 'client-credentials', scope: 'read:orders write:orders' });
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3600);
    expect(Math.abs(Number(claims['iat']) - t.clock.now() / 1000)).toBeLessThan(5);
  });

  it('the API’s token_dialect decides the shape: rfc9068_profile_authz has typ at+jwt, client_id, jti and permissions', async () => {
    const mgmt = t.client();
    const api = (await mgmt.resourceServers.list({})).data.find((r) => r.identifier === API);
    await mgmt.resourceServers.update(api?.id ?? '', { token_dialect: 'rfc9068_profile_authz' });
    try {
      const body = (await (await grant()).json()) as { access_token: string };
      expect(decodeProtectedHeader(body.access_token).typ).toBe('at+jwt');
      const claims = await verified(body.access_token);
      expect(claims).toMatchObject({ sub: `${m2m.clientId}@clients`, client_id: m2m.clientId, permissions: ['read:orders', 'write:orders'], jti: expect.any(String) });
      expect(claims).not.toHaveProperty('gty');
      expect(claims).not.toHaveProperty('azp');
    } finally {
      await mgmt.resourceServers.update(api?.id ?? '', { token_dialect: 'access_token' });
    }
  });

  it('a scope asks for a subset of the grant; asking beyond it is refused, naming what was not granted', async () => {
    const subset = (await (await grant({ scope: 'write:orders' })).json()) as { access_token: string; scope: string };
    expect(subset.scope).toBe('write:orders');
    expect((await verified(subset.access_token))['scope']).toBe('write:orders');
    const beyond = await grant({ scope: 'read:orders admin:orders' });
    expect(beyond.status).toBe(403);
    expect(await beyond.json()).toEqual({ error: 'access_denied', error_description: 'Client has not been granted scopes: admin:orders' });
  });

  it('client_secret_basic and JSON bodies are accepted as on Auth0', async () => {
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(m2m.clientId)}:${encodeURIComponent(m2m.clientSecret)}`).toString('base64')}`;
    const viaBasic = await form({ grant_type: 'client_credentials', audience: API }, { authorization: basic });
    expect(viaBasic.status).toBe(200);
    const viaJson = await t.fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret, audience: API }),
    });
    expect(viaJson.status).toBe(200);
    expect(viaJson.headers.get('cache-control')).toBe('no-store');
  });
});

describe('client credentials: errors', () => {
  it('no audience and no tenant default audience is 403 access_denied', async () => {
    const res = await form({ grant_type: 'client_credentials', client_id: m2m.clientId, client_secret: m2m.clientSecret });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'access_denied', error_description: 'No audience parameter was provided, and no default audience has been configured' });
  });

  it('unknown APIs and APIs without a client grant are refused with Auth0’s descriptions', async () => {
    const unknown = await grant({ audience: 'https://nowhere.example.test/' });
    expect(unknown.status).toBe(403);
    expect(await unknown.json()).toEqual({ error: 'access_denied', error_description: 'Service not enabled within domain: https://nowhere.example.test/' });
    const ungranted = await grant({ audience: t.audience });
    expect(ungranted.status).toBe(403);
    expect(((await ungranted.json()) as { error_description: string }).error_description).toBe(
      `Client is not authorized to access "${t.audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
    );
  });

  it('wrong or missing secrets, unknown clients, repeated parameters and clients without the grant get oidc-provider’s answers in Auth0’s shape', async () => {
    const unauthorized = { error: 'access_denied', error_description: 'Unauthorized' };
    const wrong = await grant({ client_secret: `${m2m.clientSecret}x` });
    expect([wrong.status, await wrong.json()]).toEqual([401, unauthorized]);
    const truncated = await grant({ client_secret: m2m.clientSecret.slice(0, -1) });
    expect([truncated.status, await truncated.json()]).toEqual([401, unauthorized]);
    const nobody = await grant({ client_id: `nobody-${tag}` });
    expect([nobody.status, await nobody.json()]).toEqual([401, unauthorized]);
    const twice = await t.fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${m2m.clientId}&client_secret=${m2m.clientSecret}&audience=${encodeURIComponent(API)}&grant_type=client_credentials`,
    });
    expect(twice.status).toBe(400);
    expect(await twice.json()).toEqual({ error: 'invalid_request', error_description: "'grant_type' parameter must not be provided twice" });
    const web = await t.client().clients.create({ name: `web-${tag}`, app_type: 'regular_web', grant_types: ['authorization_code'] });
    const lacking = await form({ grant_type: 'client_credentials', client_id: web.client_id ?? '', client_secret: web.client_secret ?? '', audience: API });
    expect(lacking.status).toBe(403);
    expect(await lacking.json()).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client." });
  });

  it('a rotated client secret stops working at once', async () => {
    const mgmt = t.client();
    const app = await mgmt.clients.create({ name: `rotating-${tag}`, app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await mgmt.clientGrants.create({ client_id: app.client_id ?? '', audience: API, scope: ['read:orders'] });
    expect((await accessToken(t, app.client_id, app.client_secret, API)).split('.')).toHaveLength(3);
    const rotated = await mgmt.clients.rotateSecret(app.client_id ?? '');
    expect((await t.token(app.client_id ?? '', app.client_secret ?? '', API)).status).toBe(401);
    expect((await t.token(app.client_id ?? '', rotated.client_secret ?? '', API)).status).toBe(200);
  });
});

describe('client credentials: tenant logs', () => {
  it('seccft with audience and scope for tokens, feccft with the description for refusals; no secret logged', async () => {
    await grant({ scope: 'read:orders' });
    await grant({ scope: 'admin:orders' });
    const logs = (await t.client().logs.list({ per_page: 100, sort: 'date:-1' })).data as unknown as Record<string, unknown>[];
    const mine = logs.filter((l) => l['client_id'] === m2m.clientId);
    expect(mine.find((l) => l['type'] === 'seccft' && l['scope'] === 'read:orders')).toMatchObject({ audience: API, client_name: `m2m-${tag}`, hostname: t.domain });
    expect(mine.find((l) => l['type'] === 'feccft' && String(l['description']).includes('admin:orders'))).toMatchObject({ audience: API, description: 'Client has not been granted scopes: admin:orders' });
    expect(JSON.stringify(logs)).not.toContain(m2m.clientSecret);
  });
});
