/**
 * The password grants are answered outside oidc-provider's Koa stack, with its models
 * (src/surfaces/auth0/grants/password-realm.ts passwordGrant). Differential: the same login
 * answered by the native path (called directly, and through the server) and by the handler
 * registered with oidc-provider (forced by a repeated parameter oidc-provider ignores and the
 * native path declines) gives the same answer — response members in their order, ID token header
 * and claims, an API access token's header and claims, /userinfo, refreshes — and the same
 * failures, brute-force counting and `auth0-forwarded-for` handling. Everything the native path
 * does not own is declined before the password is checked, and oidc-provider answers it as before.
 */
import { compactDecrypt, createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { sql } from 'kysely';
import type Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKED_MESSAGE } from '../../src/core/identity/brute-force.js';
import { GRANT } from '../../src/core/oauth/applications.js';
import { passwordGrant, type PasswordReply } from '../../src/surfaces/auth0/grants/password-native.js';
import type { Rs256Signer } from '../../src/surfaces/auth0/jwt-signer.js';
import { buildProvider } from '../../src/surfaces/auth0/provider.js';
import { createAuth0Services, type Auth0Services } from '../../src/surfaces/auth0/services.js';
import type { Caller } from '../../src/surfaces/auth0/token-request.js';
import { CONNECTION, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let s: Auth0Services;
let provider: Provider;
let signer: Rs256Signer;
const tag = Date.now().toString(36);
const API = `https://native-${tag}.example.test/`;
const RFC9068_API = `https://native-9068-${tag}.example.test/`;
const HS256_API = `https://native-hs-${tag}.example.test/`;
const USER_AGENT = 'password-native-test';
const caller: Caller = { ip: '192.0.2.10', userAgent: USER_AGENT, origin: undefined };
const emailOf = (name: string): string => `${name}.${tag}@example.test`;
const email = emailOf('main');
let hs256Secret = '';

interface App {
  clientId: string;
  clientSecret: string;
}
let app: App;

type Params = Record<string, string>;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

const loginParams = (extra: Params = {}, a: App = app): Params => ({
  grant_type: REALM,
  client_id: a.clientId,
  ...(a.clientSecret ? { client_secret: a.clientSecret } : {}),
  username: email,
  password: PASSWORD,
  realm: CONNECTION,
  scope: 'openid',
  ...extra,
});

async function post(body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await t.fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT, ...headers }, body });
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  const answered: Record<string, string> = {};
  res.headers.forEach((v, k) => (answered[k] = v));
  return { status: res.status, body: parsed, headers: answered };
}

/** Through the server: answered natively unless declined. */
const viaServer = (params: Params, headers: Record<string, string> = {}): Promise<Answer> => post(new URLSearchParams(params).toString(), headers);

/** Through the server to oidc-provider's handler: a repeated parameter that is none of the grant's (oidc-provider ignores it) makes the native path decline. */
const viaProvider = (params: Params, headers: Record<string, string> = {}): Promise<Answer> => post(`${new URLSearchParams(params).toString()}&koa=1&koa=1`, headers);

/** The native path itself, on a second provider over the server's storage (as another worker of the deployment has). */
const direct = (params: Params | URLSearchParams, headers: Record<string, string> = {}, from: Caller = caller): Promise<PasswordReply | undefined> =>
  passwordGrant(s, provider, signer, { params: new URLSearchParams(params), headers }, from);

async function native(params: Params, headers: Record<string, string> = {}, from: Caller = caller): Promise<Answer> {
  const reply = await direct(params, headers, from);
  if (!reply) throw new Error(`declined: ${JSON.stringify(params)}`);
  return reply;
}

/** All three ways: the native path directly, the server (native), oidc-provider's handler. */
const threeWays = async (params: Params, headers: Record<string, string> = {}): Promise<Answer[]> => [await native(params, headers), await viaServer(params, headers), await viaProvider(params, headers)];

const withoutTimes = (claims: Record<string, unknown>): Record<string, unknown> => {
  const { iat: _iat, exp: _exp, auth_time: _authTime, jti: _jti, ...rest } = claims;
  return rest;
};

const lifetime = (claims: Record<string, unknown>): number => Number(claims['exp']) - Number(claims['iat']);

/** Same members in the same order, same values but the tokens; ID tokens with the same header and claims. */
function expectSameAnswers(answers: Answer[], keys: string[]): void {
  const [first] = answers;
  for (const a of answers) {
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual(keys);
    expect({ scope: a.body['scope'], expires_in: a.body['expires_in'], token_type: a.body['token_type'] }).toEqual({
      scope: first?.body['scope'],
      expires_in: first?.body['expires_in'],
      token_type: first?.body['token_type'],
    });
  }
  if (!keys.includes('id_token')) return;
  expectSameJwts(answers.map((a) => String(a.body['id_token'])), (claims) => 'auth_time' in claims);
}

/**
 * JWTs issued by each path (oidc-provider's the third): the same header, claims but for their
 * times and ids, lifetime, and `also` of their claims.
 */
function expectSameJwts(tokens: string[], also: (claims: Record<string, unknown>) => unknown): Record<string, unknown> {
  const theirs = decodeJwt(tokens[2] ?? '');
  for (const mine of tokens) {
    expect(decodeProtectedHeader(mine)).toEqual(decodeProtectedHeader(tokens[2] ?? ''));
    const claims = decodeJwt(mine);
    expect(withoutTimes(claims)).toEqual(withoutTimes(theirs));
    expect(lifetime(claims)).toBe(lifetime(theirs));
    expect(also(claims)).toEqual(also(theirs));
  }
  return theirs;
}

/** An API access token's header and claims, the same whichever path issued it (claim order too). */
function expectSameApiTokens(answers: Answer[]): Record<string, unknown> {
  return expectSameJwts(answers.map((a) => String(a.body['access_token'])), (claims) => Object.keys(claims));
}

async function userinfo(token: unknown): Promise<{ status: number; body: unknown }> {
  const res = await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${String(token)}` } });
  return { status: res.status, body: await res.json() };
}

async function verified(token: string, audience: string): Promise<Record<string, unknown>> {
  const keys = (await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
  return (await jwtVerify(token, createLocalJWKSet(keys), { issuer: t.issuer, audience, algorithms: ['RS256'] })).payload as Record<string, unknown>;
}

const stored = async (model: string): Promise<number> =>
  Number((await sql<{ n: number }>`select count(*) as n from auth0_oidc_payloads where model = ${model}`.execute(t.server.context.storage.db)).rows[0]?.n);
const storedCounts = async (): Promise<number[]> => Promise.all(['AccessToken', 'Grant', 'RefreshToken'].map(stored));

async function createApp(extra: Record<string, unknown> = {}): Promise<App> {
  const created = await t.client().clients.create({ name: `native-${tag}-${Math.random().toString(36).slice(2, 6)}`, app_type: 'regular_web', grant_types: [REALM, GRANT.password, 'refresh_token'], ...extra });
  return { clientId: created.client_id ?? '', clientSecret: created.client_secret ?? '' };
}

async function createUser(address: string): Promise<string> {
  return (await t.client().users.create({ connection: CONNECTION, email: address, password: PASSWORD, name: 'Native Person', nickname: 'native' })).user_id ?? '';
}

/** Tenant settings have no Management endpoint here: the row is edited, then the clock moved past the tenant cache (5 s). */
async function patchTenant(patch: Record<string, unknown>): Promise<void> {
  const db = t.server.context.storage.db;
  const row = await db.selectFrom('auth0_tenant').select('body').where('id', '=', 'default').executeTakeFirstOrThrow();
  await db
    .updateTable('auth0_tenant')
    .set({ body: JSON.stringify({ ...(JSON.parse(row.body) as Record<string, unknown>), ...patch }) })
    .where('id', '=', 'default')
    .execute();
  t.clock.offset += 6_000;
}

beforeAll(async () => {
  t = await startMgmtServer();
  const mgmt = t.client();
  await mgmt.resourceServers.create({ identifier: API, name: `Native ${tag}`, allow_offline_access: true, scopes: [{ value: 'read:things' }, { value: 'write:things' }] });
  await mgmt.resourceServers.create({ identifier: RFC9068_API, name: `Native 9068 ${tag}`, token_dialect: 'rfc9068_profile_authz', scopes: [{ value: 'read:things' }] });
  hs256Secret = (await mgmt.resourceServers.create({ identifier: HS256_API, name: `Native HS ${tag}`, signing_alg: 'HS256', scopes: [{ value: 'read:ledger' }] })).signing_secret ?? '';
  app = await createApp();
  await createUser(email);
  s = createAuth0Services(t.server.context);
  ({ provider, signer } = await buildProvider(s));
});
afterAll(async () => t?.close());

describe('native password grants: the same answers as oidc-provider’s handler', () => {
  it('openid profile email: members, ID token, a sealed /userinfo token giving the same claims; nothing stored', async () => {
    const before = await storedCounts();
    const [mine, server] = [await native(loginParams({ scope: 'openid profile email' })), await viaServer(loginParams({ scope: 'openid profile email' }))];
    expect(await storedCounts()).toEqual(before);
    const theirs = await viaProvider(loginParams({ scope: 'openid profile email' }));
    const answers = [mine, server, theirs];
    expectSameAnswers(answers, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(mine.body).toMatchObject({ scope: 'openid profile email', expires_in: 86400, token_type: 'Bearer' });
    for (const name of ['content-type', 'cache-control']) expect(server.headers[name]).toBe(theirs.headers[name]);
    expect(decodeJwt(String(mine.body['id_token']))).toMatchObject({ iss: t.issuer, aud: app.clientId, email, name: 'Native Person' });
    expect(decodeJwt(String(mine.body['id_token']))).not.toHaveProperty('nonce');

    // Auth0's /userinfo token: a JWE sealed with the key ring, nothing stored; oidc-provider's is opaque and stored.
    for (const a of [mine, server]) expect(decodeProtectedHeader(String(a.body['access_token']))).toMatchObject({ alg: 'dir', enc: 'A256GCM', iss: t.issuer });
    expect(String(theirs.body['access_token']).split('.')).toHaveLength(1);
    const [key] = await t.server.context.keyRing.keys('auth0-userinfo-tokens');
    const opened = JSON.parse(new TextDecoder().decode((await compactDecrypt(String(mine.body['access_token']), key?.key ?? new Uint8Array(32))).plaintext)) as Record<string, unknown>;
    expect(opened).toMatchObject({ iss: t.issuer, azp: app.clientId, scope: 'openid profile email', sub: expect.stringMatching(/^auth0\|/) });
    const info = await Promise.all(answers.map((a) => userinfo(a.body['access_token'])));
    expect(info[0]).toMatchObject({ status: 200, body: { email, name: 'Native Person' } });
    expect(info[1]).toEqual(info[0]);
    expect(info[2]).toEqual(info[0]);
  });

  it('offline_access: a refresh token saved with its grant (no access token stored) that refreshes on both paths', async () => {
    const scope = 'openid profile email offline_access';
    const before = await storedCounts();
    const mine = await native(loginParams({ scope }));
    const [accessTokens, grants, refreshTokens] = await storedCounts();
    expect([accessTokens, grants, refreshTokens]).toEqual([before[0], (before[1] ?? 0) + 1, (before[2] ?? 0) + 1]);
    const answers = [mine, await viaServer(loginParams({ scope })), await viaProvider(loginParams({ scope }))];
    expectSameAnswers(answers, ['access_token', 'id_token', 'refresh_token', 'scope', 'expires_in', 'token_type']);

    const refresh = (rt: unknown, extra: Params = {}) =>
      viaServer({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: String(rt), ...extra });
    const refreshed: Answer[] = [];
    for (const a of answers) {
      refreshed.push(await refresh(a.body['refresh_token'])); // the native refresh grant
      refreshed.push(await refresh(a.body['refresh_token'], { scope })); // oidc-provider's (a scope is declined natively)
    }
    for (const r of refreshed) {
      expect(r.status).toBe(200);
      expect(r.body['scope']).toBe(scope);
      expect(withoutTimes(decodeJwt(String(r.body['id_token'])))).toEqual(withoutTimes(decodeJwt(String(answers[2]?.body['id_token']))));
      expect((await userinfo(r.body['access_token'])).body).toEqual((await userinfo(answers[0]?.body['access_token'])).body);
    }
  });

  it('offline_access for a client without the refresh_token grant: no refresh token, nothing stored', async () => {
    const noRefresh = await createApp({ grant_types: [REALM] });
    const params = loginParams({ scope: 'openid offline_access' }, noRefresh);
    const before = await storedCounts();
    const mine = await native(params);
    expect(await storedCounts()).toEqual(before);
    expectSameAnswers([mine, await viaServer(params), await viaProvider(params)], ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(mine.body['scope']).toBe('openid offline_access');
  });

  it('an API audience: the access token oidc-provider signs (header, claims, lifetime), /userinfo as second audience, refresh', async () => {
    const scope = 'openid profile read:things offline_access unknown:scope';
    const answers = await threeWays(loginParams({ scope, audience: API }));
    expectSameAnswers(answers, ['access_token', 'id_token', 'refresh_token', 'scope', 'expires_in', 'token_type']);
    expect(answers[0]?.body).toMatchObject({ scope: 'openid profile offline_access read:things', expires_in: 86400 });
    const claims = expectSameApiTokens(answers);
    expect(decodeProtectedHeader(String(answers[0]?.body['access_token']))).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: signer.kid });
    expect(claims).toMatchObject({ iss: t.issuer, aud: [API, `${t.issuer}userinfo`], azp: app.clientId, gty: 'password', scope: 'openid profile offline_access read:things' });
    await verified(String(answers[0]?.body['access_token']), API);
    const info = await Promise.all(answers.map((a) => userinfo(a.body['access_token'])));
    expect(info[0]).toMatchObject({ status: 200, body: { name: 'Native Person' } });
    expect(info[1]).toEqual(info[0]);
    expect(info[2]).toEqual(info[0]);
    for (const a of answers) {
      const refreshed = await viaServer({ grant_type: GRANT.refreshToken, client_id: app.clientId, client_secret: app.clientSecret, refresh_token: String(a.body['refresh_token']) });
      expect(refreshed.status).toBe(200);
      expect(decodeJwt(String(refreshed.body['access_token']))).toMatchObject({ aud: [API, `${t.issuer}userinfo`], gty: 'refresh_token', scope: 'openid profile offline_access read:things' });
    }
  });

  it('an API audience without openid: a token for the API alone, refused at /userinfo on every path', async () => {
    const answers = await threeWays(loginParams({ scope: 'read:things write:things', audience: API }));
    expectSameAnswers(answers, ['access_token', 'scope', 'expires_in', 'token_type']);
    expect(expectSameApiTokens(answers)).toMatchObject({ aud: API, scope: 'read:things write:things' });
    for (const a of answers) expect((await userinfo(a.body['access_token'])).status).toBe(401);
    const none = await threeWays(loginParams({ scope: '', audience: API }));
    expectSameAnswers(none, ['access_token', 'scope', 'expires_in', 'token_type']);
    expect(none[0]?.body['scope']).toBe('');
    expect(expectSameApiTokens(none)).not.toHaveProperty('scope');
  });

  it('the API’s dialect and algorithm: rfc9068_profile_authz (jti, permissions) and HS256 (signed with the API secret, no kid)', async () => {
    const rfc = await threeWays(loginParams({ scope: 'openid read:things', audience: RFC9068_API }));
    expectSameAnswers(rfc, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(expectSameApiTokens(rfc)).toMatchObject({ client_id: app.clientId, permissions: [], scope: 'openid read:things' });
    expect(decodeJwt(String(rfc[0]?.body['access_token']))['jti']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decodeProtectedHeader(String(rfc[0]?.body['access_token'])).typ).toBe('at+jwt');

    const hs = await threeWays(loginParams({ scope: 'openid read:ledger', audience: HS256_API }));
    expectSameAnswers(hs, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expectSameApiTokens(hs);
    for (const a of hs) {
      expect(decodeProtectedHeader(String(a.body['access_token']))).toEqual({ alg: 'HS256', typ: 'JWT' });
      await jwtVerify(String(a.body['access_token']), new TextEncoder().encode(hs256Secret), { issuer: t.issuer, audience: HS256_API });
    }
  });

  it('the Management API audience: only the current-user scopes', async () => {
    const answers = await threeWays(loginParams({ scope: 'openid read:current_user read:users', audience: t.audience }));
    expectSameAnswers(answers, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(expectSameApiTokens(answers)).toMatchObject({ aud: [t.audience, `${t.issuer}userinfo`], scope: 'openid read:current_user' });
  });

  it('an HS256 application: ID tokens signed with the client secret', async () => {
    const hsApp = await createApp({ jwt_configuration: { alg: 'HS256' } });
    const answers = await threeWays(loginParams({ scope: 'openid email' }, hsApp));
    expectSameAnswers(answers, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    for (const a of answers) {
      expect(decodeProtectedHeader(String(a.body['id_token'])).alg).toBe('HS256');
      await jwtVerify(String(a.body['id_token']), new TextEncoder().encode(hsApp.clientSecret), { issuer: t.issuer, audience: hsApp.clientId });
    }
  });

  it('a public client (no secret) from an origin it allows: answered with CORS headers, as oidc-provider does', async () => {
    const spa = await createApp({ app_type: 'spa', token_endpoint_auth_method: 'none', callbacks: ['https://spa.example.test/cb'], web_origins: ['https://spa.example.test'] });
    const params = loginParams({ scope: 'openid offline_access' }, { clientId: spa.clientId, clientSecret: '' });
    const origin = 'https://spa.example.test';
    const mine = await native(params, {}, { ...caller, origin });
    const [server, theirs] = [await viaServer(params, { origin }), await viaProvider(params, { origin })];
    expectSameAnswers([mine, server, theirs], ['access_token', 'id_token', 'refresh_token', 'scope', 'expires_in', 'token_type']);
    for (const a of [mine, server, theirs]) expect(a.headers).toMatchObject({ 'access-control-allow-origin': origin, 'access-control-expose-headers': 'WWW-Authenticate' });
    expect(mine.headers['vary']).toBe('Origin');
    const failed = await direct({ ...params, password: 'Wrong-Horse-1' }, {}, { ...caller, origin });
    expect(failed?.headers).toMatchObject({ 'access-control-allow-origin': origin });
  });

  it('the password grant: the tenant’s default directory; without one oidc-provider answers (its 500)', async () => {
    const params = loginParams({ grant_type: GRANT.password, scope: 'openid email' });
    delete params['realm'];
    const answers = await threeWays(params);
    expectSameAnswers(answers, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(decodeJwt(String(answers[0]?.body['id_token']))).toMatchObject({ email });
    await patchTenant({ default_directory: null });
    try {
      expect(await direct(params)).toBeUndefined();
      const unset = await viaServer(params);
      expect([unset.status, unset.body]).toEqual([500, { error: 'server_error', error_description: 'Authorization server not configured with default connection.' }]);
    } finally {
      await patchTenant({ default_directory: CONNECTION });
    }
  });

  it('the tenant’s default audience applies when none is sent', async () => {
    await patchTenant({ default_audience: API });
    try {
      const answers = await threeWays(loginParams({ scope: 'openid read:things' }));
      expectSameAnswers(answers, ['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
      expect(expectSameApiTokens(answers)).toMatchObject({ aud: [API, `${t.issuer}userinfo`], scope: 'openid read:things' });
    } finally {
      await patchTenant({ default_audience: null });
    }
  });
});

describe('native password grants: the same failures', () => {
  const failures = async (params: Params): Promise<Answer[]> => [await native(params), await viaServer(params), await viaProvider(params)];
  const expectAll = (answers: Answer[], status: number, body: Record<string, unknown>): void => {
    for (const a of answers) expect([a.status, a.body]).toEqual([status, body]);
    for (const name of ['content-type', 'cache-control']) expect(answers[1]?.headers[name]).toBe(answers[2]?.headers[name]);
  };
  const wrong = { error: 'invalid_grant', error_description: 'Wrong email or password.' };

  it('wrong password and unknown user answer alike: 403 invalid_grant', async () => {
    expectAll(await failures(loginParams({ password: 'Wrong-Horse-1' })), 403, wrong);
    expectAll(await failures(loginParams({ username: emailOf('nobody') })), 403, wrong);
    expectAll(await failures(loginParams({ username: 'nobody-at-all' })), 403, wrong);
  });

  it('missing username, password or realm; an unknown realm; a connection not enabled for the client', async () => {
    const without = (name: string): Params => {
      const params = loginParams();
      delete params[name];
      return params;
    };
    expectAll(await failures(without('username')), 400, { error: 'invalid_request', error_description: 'missing username parameter' });
    expectAll(await failures(without('password')), 400, { error: 'invalid_request', error_description: 'missing password parameter' });
    expectAll(await failures(without('realm')), 400, { error: 'invalid_request', error_description: 'missing realm parameter' });
    expectAll(await failures(loginParams({ username: '' })), 400, { error: 'invalid_request', error_description: 'missing username parameter' });
    expectAll(await failures(loginParams({ realm: 'no-such-realm' })), 400, { error: 'invalid_request', error_description: 'Unknown realm no-such-realm.' });
    const other = `native-other-${tag}`;
    await t.client().connections.create({ name: other, strategy: 'auth0' });
    expectAll(await failures(loginParams({ realm: other })), 403, { error: 'unauthorized_client', error_description: 'The connection is not enabled for this client.' });
  });

  it('a blocked user: 401 unauthorized', async () => {
    const address = emailOf('blocked');
    const userId = await createUser(address);
    await t.client().users.update(userId, { blocked: true });
    expectAll(await failures(loginParams({ username: address })), 401, { error: 'unauthorized', error_description: 'user is blocked' });
  });

  it('brute-force protection counts both paths alike: 429 after 10 failures, for that identifier and address only', async () => {
    const address = emailOf('brute');
    await createUser(address);
    for (let i = 0; i < 10; i++) {
      const answer = i % 2 === 0 ? await viaServer(loginParams({ username: address, password: 'Wrong-Horse-1' })) : await viaProvider(loginParams({ username: address, password: 'Wrong-Horse-1' }));
      expect([answer.status, answer.body]).toEqual([403, wrong]);
    }
    const locked = { error: 'too_many_attempts', error_description: BLOCKED_MESSAGE };
    for (const answer of [await viaServer(loginParams({ username: address })), await viaProvider(loginParams({ username: address }))]) expect([answer.status, answer.body]).toEqual([429, locked]);
    // Another address (the direct caller's) is not blocked; ten failures from it block it there too.
    expect((await native(loginParams({ username: address }))).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await native(loginParams({ username: address, password: 'Wrong-Horse-1' }))).status).toBe(403);
    expect([(await native(loginParams({ username: address }))).status, (await native(loginParams({ username: address }))).body]).toEqual([429, locked]);
  });

  it('auth0-forwarded-for names the end user for a confidential client that trusts it, and only then', async () => {
    const trusted = await createApp({ is_token_endpoint_ip_header_trusted: true });
    const address = emailOf('forwarded');
    await createUser(address);
    const forAddress = (ip: string): Record<string, string> => ({ 'auth0-forwarded-for': ip });
    // Failures counted natively against the named address block it on oidc-provider's path too.
    for (let i = 0; i < 10; i++) expect((await native(loginParams({ username: address, password: 'Wrong-Horse-1' }, trusted), forAddress('203.0.113.5'))).status).toBe(403);
    expect((await viaProvider(loginParams({ username: address }, trusted), forAddress('203.0.113.5'))).status).toBe(429);
    expect((await native(loginParams({ username: address }, trusted), forAddress('203.0.113.5'))).status).toBe(429);
    expect((await native(loginParams({ username: address }, trusted), forAddress('203.0.113.6'))).status).toBe(200);
    expect((await native(loginParams({ username: address }, trusted), forAddress('not an ip'))).status).toBe(200); // the caller's own address

    // An application that does not trust the header: the caller's address, whatever the header says.
    const untrusted = await createApp();
    const other = emailOf('unforwarded');
    await createUser(other);
    const from = { ...caller, ip: '192.0.2.77' };
    for (let i = 0; i < 10; i++) expect((await native(loginParams({ username: other, password: 'Wrong-Horse-1' }, untrusted), forAddress(`198.51.100.${i + 1}`), from)).status).toBe(403);
    expect((await native(loginParams({ username: other }, untrusted), forAddress('198.51.100.99'), from)).status).toBe(429);
  });

  it('logs sepft for a native login and fp for a failed one, with the caller’s address and user agent', async () => {
    const logged = await createApp();
    await native(loginParams({ scope: 'openid' }, logged));
    await native(loginParams({ scope: 'openid', password: 'Wrong-Horse-1' }, logged));
    await new Promise((r) => setTimeout(r, 300)); // the log sink writes in batches
    const logs = (await t.client().logs.list({ per_page: 100, sort: 'date:-1' })).data as unknown as Record<string, unknown>[];
    const mine = logs.filter((l) => l['client_id'] === logged.clientId);
    expect(mine.find((l) => l['type'] === 'sepft')).toMatchObject({ ip: caller.ip, user_agent: USER_AGENT, connection: CONNECTION, user_name: email });
    expect(mine.find((l) => l['type'] === 'fp')).toMatchObject({ ip: caller.ip, user_agent: USER_AGENT, description: 'Wrong email or password.' });
  });
});

describe('native password grants: what they decline, before the password is checked', () => {
  it('declines the unusual, and oidc-provider answers it as before; no failure is counted for a declined request', async () => {
    const address = emailOf('declined');
    await createUser(address);
    const bad = (extra: Params = {}, a: App = app): Params => loginParams({ username: address, password: 'Wrong-Horse-1', scope: 'openid', ...extra }, a);
    const repeated = new URLSearchParams(bad());
    repeated.append('koa', '1');
    repeated.append('koa', '2');
    const noGrant = await createApp({ grant_types: ['refresh_token'] });
    const publicApp = await createApp({ app_type: 'spa', token_endpoint_auth_method: 'none', callbacks: ['https://spa2.example.test/cb'] });
    const declined: [string, Promise<PasswordReply | undefined>][] = [
      ['repeated parameter', direct(repeated)],
      ['client assertion', direct(bad({ client_assertion: 'x.y.z', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }))],
      ['wrong client secret', direct(bad({ client_secret: 'wrong' }))],
      ['no client secret', direct(bad({}, { ...app, clientSecret: '' }))],
      ['unknown client', direct(bad({}, { clientId: 'no-such-client', clientSecret: 'x' }))],
      ['public client with a secret', direct(bad({}, { clientId: publicApp.clientId, clientSecret: 'x' }))],
      ['grant type not allowed', direct(bad({}, noGrant))],
      ['origin not allowed', direct(bad(), {}, { ...caller, origin: 'https://evil.example.test' })],
      ['DPoP', direct(bad(), { dpop: 'x.y.z' })],
      ['an Authorization header left', direct(bad(), { authorization: 'Bearer x' })],
      ['HTML accepted', direct(bad(), { accept: 'text/html,application/xhtml+xml' })],
      ['weighted Accept', direct(bad(), { accept: 'application/json;q=0.5, */*' })],
      ['invalid scope', direct(bad({ scope: 'openid  email' }))],
      ['unknown audience', direct(bad({ audience: 'https://nope.example.test/' }))],
      ['no openid and no audience', direct(bad({ scope: 'profile email' }))],
      ['no scope and no audience', direct(bad({ scope: '' }))],
    ];
    for (const [what, reply] of declined) expect(await reply, what).toBeUndefined();
    expect(await s.guard.status(address, caller.ip)).toBe('clear');

    // oidc-provider's answers to some of them (through the server: declined there too).
    const unknownAudience = await viaServer(loginParams({ scope: 'openid', audience: 'https://nope.example.test/' }));
    expect([unknownAudience.status, unknownAudience.body]).toEqual([403, { error: 'access_denied', error_description: 'Service not enabled within domain: https://nope.example.test/' }]);
    const badSecret = await viaServer(loginParams({ client_secret: 'wrong' }));
    expect([badSecret.status, badSecret.body]).toEqual([401, { error: 'access_denied', error_description: 'Unauthorized' }]);
    const notAllowed = await viaServer(loginParams({}, noGrant));
    expect([notAllowed.status, notAllowed.body]).toEqual([403, { error: 'unauthorized_client', error_description: `Grant type '${REALM}' not allowed for the client.` }]);
    const evil = await viaServer(loginParams({ scope: 'openid' }), { origin: 'https://evil.example.test' });
    expect([evil.status, evil.body['error']]).toEqual([400, 'invalid_request']);
    const html = await viaServer(loginParams({ password: 'Wrong-Horse-1' }), { accept: 'text/html' });
    expect([html.status, html.headers['content-type']]).toEqual([403, expect.stringMatching(/^text\/html/)]);
    const invalidScope = await viaServer(loginParams({ scope: 'openid  email' }));
    expect([invalidScope.status, invalidScope.body['error']]).toEqual([400, 'invalid_scope']);

    // Without openid, oidc-provider's own /userinfo-only token, which its /userinfo refuses.
    const [server, theirs] = [await viaServer(loginParams({ scope: 'profile' })), await viaProvider(loginParams({ scope: 'profile' }))];
    expectSameAnswers([server, server, theirs], ['access_token', 'scope', 'expires_in', 'token_type']);
    expect(String(server.body['access_token']).split('.')).toHaveLength(1);
    expect((await userinfo(server.body['access_token'])).status).toBe(403);
    const none = await viaServer(loginParams({ scope: '' }));
    expect(none.body).toMatchObject({ scope: '', expires_in: 86400, token_type: 'Bearer' });
  });
});
