/**
 * An API (resource server) with `signing_alg: HS256` (auth0-api.md §2.2, §4.3): the `auth0`
 * ManagementClient creates it and reads its `signing_secret`; its access tokens — client
 * credentials (answered by Cognate), password-realm and refresh (oidc-provider) — are HS256 with
 * that secret, header `{alg, typ}` and no kid, and not verifiable against the JWKS. A new secret
 * takes over at once; back on RS256 the JWKS verifies again. Bad values get the Management API's
 * Boom answer, the system API stays RS256, and the secret is sealed in the database.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, CONNECTION, failure, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let apiId = '';
let secret = '';
let m2m: { clientId: string; clientSecret: string };
let app: { clientId: string; clientSecret: string };
const tag = Date.now().toString(36);
const API = `https://ledger-${tag}.example.test/`;
const email = `hs256.${tag}@example.test`;
let userId = '';

const form = (body: Record<string, string>): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

const clientToken = (): Promise<string> => accessToken(t, m2m.clientId, m2m.clientSecret, API);

async function userTokens(scope = 'openid profile read:ledger offline_access'): Promise<{ access_token: string; refresh_token?: string }> {
  const res = await form({ grant_type: REALM, client_id: app.clientId, client_secret: app.clientSecret, username: email, password: PASSWORD, realm: CONNECTION, scope, audience: API });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token?: string };
}

const withSecret = async (token: string, key: string, audience: string = API): Promise<Record<string, unknown>> =>
  (await jwtVerify(token, new TextEncoder().encode(key), { issuer: t.issuer, audience, algorithms: ['HS256'] })).payload as Record<string, unknown>;

async function withJwks(token: string): Promise<Record<string, unknown>> {
  const keys = (await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return (await jwtVerify(token, createLocalJWKSet(keys), { issuer: t.issuer, audience: API })).payload as Record<string, unknown>;
}

beforeAll(async () => {
  t = await startMgmtServer();
  const mgmt = t.client();
  const created = await mgmt.resourceServers.create({ identifier: API, name: `Ledger ${tag}`, signing_alg: 'HS256', allow_offline_access: true, scopes: [{ value: 'read:ledger' }] });
  apiId = created.id ?? '';
  secret = created.signing_secret ?? '';
  const machine = await mgmt.clients.create({ name: `m2m-${tag}`, app_type: 'non_interactive', grant_types: ['client_credentials'] });
  m2m = { clientId: machine.client_id ?? '', clientSecret: machine.client_secret ?? '' };
  await mgmt.clientGrants.create({ client_id: m2m.clientId, audience: API, scope: ['read:ledger'] });
  const web = await mgmt.clients.create({ name: `web-${tag}`, app_type: 'regular_web', grant_types: [REALM, 'refresh_token'], callbacks: ['https://ledger.example.test/cb'] });
  app = { clientId: web.client_id ?? '', clientSecret: web.client_secret ?? '' };
  userId = (await mgmt.users.create({ connection: CONNECTION, email, password: PASSWORD, name: 'Ledger Person' })).user_id ?? '';
});
afterAll(async () => t?.close());

describe('an HS256 API through the Management API', () => {
  it('create generates a strong signing secret; get and list show it; the system API has none and stays RS256', async () => {
    expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const mgmt = t.client();
    expect(await mgmt.resourceServers.get(apiId)).toMatchObject({ id: apiId, signing_alg: 'HS256', signing_secret: secret });
    const listed = (await mgmt.resourceServers.list({})).data;
    expect(listed.find((r) => r.id === apiId)).toMatchObject({ signing_alg: 'HS256', signing_secret: secret });
    const system = listed.find((r) => r.is_system);
    expect(system).toMatchObject({ identifier: t.audience, signing_alg: 'RS256' });
    expect(system).not.toHaveProperty('signing_secret');
    const projected = await t.api('GET', `/resource-servers/${apiId}?fields=signing_secret&include_fields=true`, await accessToken(t));
    expect(await projected.json()).toEqual({ signing_secret: secret });
    // An RS256 API gets one too, as on Auth0 (ready for a switch to HS256).
    const rs = await mgmt.resourceServers.create({ identifier: `https://rs-${tag}.example.test/` });
    expect(rs).toMatchObject({ signing_alg: 'RS256', signing_secret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/) });
    expect(rs.signing_secret).not.toBe(secret);
    await mgmt.resourceServers.delete(rs.id ?? '');
  });

  it('the secret is sealed at rest: the row holds neither it nor its name in clear', async () => {
    const row = await t.server.context.storage.db.selectFrom('auth0_resource_servers').selectAll().where('id', '=', apiId).executeTakeFirstOrThrow();
    expect(row.signing_secret_sealed).toEqual(expect.any(String));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.body).not.toContain('signing_secret');
    expect(Buffer.from(row.signing_secret_sealed ?? '', 'base64url').toString('latin1')).not.toContain(secret);
  });
});

describe('HS256 access tokens', () => {
  it('client credentials: {alg: HS256, typ: JWT}, no kid, verified with the secret and not by the JWKS', async () => {
    const token = await clientToken();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(await withSecret(token, secret)).toMatchObject({ sub: `${m2m.clientId}@clients`, aud: API, azp: m2m.clientId, gty: 'client-credentials', scope: 'read:ledger' });
    await expect(withJwks(token)).rejects.toThrow();
  });

  it('the RFC 9068 dialect keeps its typ: {alg: HS256, typ: at+jwt}', async () => {
    const mgmt = t.client();
    await mgmt.resourceServers.update(apiId, { token_dialect: 'rfc9068_profile' });
    try {
      const token = await clientToken();
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
      expect(await withSecret(token, secret)).toMatchObject({ client_id: m2m.clientId, jti: expect.any(String) });
    } finally {
      await mgmt.resourceServers.update(apiId, { token_dialect: 'access_token' });
    }
  });

  it('password-realm and refresh: HS256 user tokens with /userinfo as second audience; /userinfo answers them', async () => {
    const tokens = await userTokens();
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = await withSecret(tokens.access_token, secret);
    expect(claims).toMatchObject({ sub: userId, azp: app.clientId, gty: 'password', aud: [API, `${t.issuer}userinfo`], scope: 'openid profile offline_access read:ledger' });
    await expect(withJwks(tokens.access_token)).rejects.toThrow();

    const info = await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ sub: userId, name: 'Ledger Person' });
    const [h, p] = tokens.access_token.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature of this token, 32b').toString('base64url')}`;
    expect((await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);

    const refreshed = await form({ grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret, refresh_token: tokens.refresh_token ?? '' });
    expect(refreshed.status).toBe(200);
    const again = ((await refreshed.json()) as { access_token: string }).access_token;
    expect(decodeProtectedHeader(again)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(await withSecret(again, secret)).toMatchObject({ sub: userId, gty: 'refresh_token', aud: [API, `${t.issuer}userinfo`] });
  });

  it('a patched secret signs the next tokens at once; the old one no longer verifies them', async () => {
    const mgmt = t.client();
    const next = `ledger-secret-${tag}-${'n'.repeat(20)}`;
    const patched = await mgmt.resourceServers.update(apiId, { signing_secret: next });
    expect(patched).toMatchObject({ signing_alg: 'HS256', signing_secret: next });
    try {
      for (const token of [await clientToken(), (await userTokens('read:ledger')).access_token]) {
        expect(await withSecret(token, next)).toMatchObject({ aud: API });
        await expect(withSecret(token, secret)).rejects.toThrow();
      }
    } finally {
      await mgmt.resourceServers.update(apiId, { signing_secret: secret });
    }
  });

  it('back on RS256 the tokens verify against the JWKS (with a kid) and no longer with the secret; the secret is kept', async () => {
    const mgmt = t.client();
    const rs = await mgmt.resourceServers.update(apiId, { signing_alg: 'RS256' });
    expect(rs).toMatchObject({ signing_alg: 'RS256', signing_secret: secret });
    try {
      for (const token of [await clientToken(), (await userTokens('read:ledger')).access_token]) {
        expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
        expect(await withJwks(token)).toMatchObject({ aud: API });
        await expect(withSecret(token, secret)).rejects.toThrow();
      }
    } finally {
      await mgmt.resourceServers.update(apiId, { signing_alg: 'HS256' });
    }
    expect(decodeProtectedHeader(await clientToken()).alg).toBe('HS256');
  });

  it('an API created with its own secret signs with that one', async () => {
    const mgmt = t.client();
    const identifier = `https://given-${tag}.example.test/`;
    const given = 'sixteen-chars-ok';
    const created = await mgmt.resourceServers.create({ identifier, signing_alg: 'HS256', signing_secret: given, scopes: [{ value: 'x:y' }] });
    expect(created).toMatchObject({ signing_alg: 'HS256', signing_secret: given });
    await mgmt.clientGrants.create({ client_id: m2m.clientId, audience: identifier, scope: ['x:y'] });
    expect(await withSecret(await accessToken(t, m2m.clientId, m2m.clientSecret, identifier), given, identifier)).toMatchObject({ scope: 'x:y' });
    await mgmt.resourceServers.delete(created.id ?? '');
  });
});

describe('bad values', () => {
  const payloadError = (message: string) => ({ statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });

  it('a short or non-string secret and an unknown or unsupported algorithm: 400 Payload validation error', async () => {
    const mgmt = t.client();
    expect((await failure(mgmt.resourceServers.update(apiId, { signing_secret: 'short' }))).body).toEqual(
      payloadError("Payload validation error: 'String is too short (5 chars), minimum 16' on property signing_secret."),
    );
    expect((await failure(mgmt.resourceServers.create({ identifier: `https://short-${tag}.example.test/`, signing_alg: 'HS256', signing_secret: 'x'.repeat(15) }))).body).toEqual(
      payloadError("Payload validation error: 'String is too short (15 chars), minimum 16' on property signing_secret."),
    );
    const token = await accessToken(t);
    const raw = async (body: unknown): Promise<unknown> => (await t.api('PATCH', `/resource-servers/${apiId}`, token, body)).json();
    expect(await raw({ signing_secret: 42 })).toEqual(payloadError("Payload validation error: 'Expected type string but found type number' on property signing_secret."));
    expect(await raw({ signing_secret: null })).toEqual(payloadError("Payload validation error: 'Expected type string but found type null' on property signing_secret."));
    expect(await raw({ signing_alg: 'HS512' })).toEqual(payloadError(`Payload validation error: 'No enum match for: "HS512"' on property signing_alg.`));
    expect(await raw({ signing_alg: 'PS256' })).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', message: expect.stringContaining('on property signing_alg') });
    // Nothing was changed by the refusals.
    expect(await mgmt.resourceServers.get(apiId)).toMatchObject({ signing_alg: 'HS256', signing_secret: secret });
  });

  it('the system API (the Management API) cannot be switched to HS256 or given a secret; its tokens stay RS256', async () => {
    const mgmt = t.client();
    const system = (await mgmt.resourceServers.list({})).data.find((r) => r.is_system);
    for (const patch of [{ signing_alg: 'HS256' as const }, { signing_secret: 'x'.repeat(32) }]) {
      const e = await failure(mgmt.resourceServers.update(system?.id ?? '', patch));
      expect(e.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'operation_not_supported' });
    }
    const token = await accessToken(t);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(await mgmt.resourceServers.get(system?.id ?? '')).toMatchObject({ signing_alg: 'RS256' });
  });
});
