import { Management, ManagementClient, ManagementError } from 'auth0';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, CONNECTION, failure, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';


let t: MgmtServer;
let mgmt: ManagementClient;
const tag = Date.now().toString(36);

const password = (clientId: string, clientSecret: string, username: string, pw: string): Promise<Response> =>
  t.fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: REALM, client_id: clientId, client_secret: clientSecret, username, password: pw, realm: CONNECTION, scope: 'openid' }),
  });

beforeAll(async () => {
  t = await startMgmtServer();
  mgmt = t.client();
});
afterAll(async () => t?.close());

describe('Management API: token and users', () => {
  it('issues a client_credentials token for https://DOMAIN/api/v2/ that the API accepts', async () => {
    const token = decodeJwt(await accessToken(t));
    expect(token.aud).toBe(t.audience);
    expect(token.iss).toBe(t.issuer);
    expect(String(token['scope'])).toContain('read:users');
    const res = await t.api('GET', '/users?per_page=1', await accessToken(t));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBeTruthy();
    expect(res.headers.get('x-ratelimit-remaining')).toBeTruthy();
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
  });

  it('creates, reads, patches (shallow metadata merge) and deletes a user', async () => {
    const email = `Carol.${tag}@Example.test`;
    const created = await mgmt.users.create({
      connection: CONNECTION,
      email,
      password: PASSWORD,
      given_name: 'Carol',
      user_metadata: { theme: 'dark', lang: 'en', script: '<script>alert(1)</script>' },
      app_metadata: { plan: 'pro', roles: ['a'] },
    });
    expect(created.user_id).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(created.email).toBe(email.toLowerCase());
    expect(created.identities?.[0]).toMatchObject({ connection: CONNECTION, provider: 'auth0', isSocial: false });
    expect(created.user_metadata).toEqual({ theme: 'dark', lang: 'en', script: '<script>alert(1)</script>' });
    const id = created.user_id ?? '';
    const got = await mgmt.users.get(id);
    expect(got.email).toBe(email.toLowerCase());
    expect(got).not.toHaveProperty('password_hash');

    const patched = await mgmt.users.update(id, { user_metadata: { lang: null, tz: 'UTC' }, app_metadata: {}, name: 'Carol C.' } as never);
    expect(patched.user_metadata).toEqual({ theme: 'dark', script: '<script>alert(1)</script>', tz: 'UTC' });
    expect(patched.app_metadata).toEqual({});
    expect(patched.name).toBe('Carol C.');
    expect((await mgmt.users.get(id, { fields: 'user_id,name', include_fields: true }))).toEqual({ user_id: id, name: 'Carol C.' });

    await mgmt.users.delete(id);
    const gone = await failure(mgmt.users.get(id));
    expect(gone).toBeInstanceOf(Management.NotFoundError);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' });
  });

  it('enforces the connection password policy, unique emails and required properties', async () => {
    const weak = await failure(mgmt.users.create({ connection: CONNECTION, email: `weak.${tag}@example.test`, password: 'short' }));
    expect(weak).toBeInstanceOf(Management.BadRequestError);
    expect(weak.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'PasswordStrengthError: Password is too weak' });
    await mgmt.users.create({ connection: CONNECTION, email: `dup.${tag}@example.test`, password: PASSWORD });
    const dup = await failure(mgmt.users.create({ connection: CONNECTION, email: `DUP.${tag}@example.test`, password: PASSWORD }));
    expect(dup).toBeInstanceOf(Management.ConflictError);
    expect(dup.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'The user already exists.', errorCode: 'auth0_idp_error' });
    const missing = await failure(mgmt.users.create({ email: 'x@example.test' } as never));
    expect(missing.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body', message: "Payload validation error: 'Missing required property: connection'." });
    const nowhere = await failure(mgmt.users.create({ connection: 'nope', email: 'x@example.test', password: PASSWORD }));
    expect(nowhere.body).toMatchObject({ statusCode: 400, errorCode: 'inexistent_connection' });
    const extra = await failure(mgmt.users.create({ connection: CONNECTION, email: 'y@example.test', password: PASSWORD, isAdmin: true } as never));
    expect(extra.body.message).toBe("Payload validation error: 'Additional properties not allowed: isAdmin'.");
  });

  it('lists and searches users in both paging shapes, with sort and field projection', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await mgmt.users.create({ connection: CONNECTION, email: `pager${i}.${tag}@example.test`, password: PASSWORD, name: `Pager ${tag} ${i}`, app_metadata: { tier: i % 2 ? 'odd' : 'even' } });
      ids.push(u.user_id ?? '');
    }
    const page = await mgmt.users.list({ q: `name:"Pager ${tag}*" OR name:pager*`, per_page: 2, page: 0, include_totals: true });
    expect(page.response).toMatchObject({ start: 0, limit: 2, length: 2 });
    const byName = await mgmt.users.list({ q: `name:Pager*${tag}*`, per_page: 2, page: 1, include_totals: true, sort: 'email:-1' });
    expect(byName.response).toMatchObject({ start: 2, limit: 2, length: 2, total: 5 });
    expect(byName.data.map((u) => u.email)).toEqual([`pager2.${tag}@example.test`, `pager1.${tag}@example.test`]);

    const token = await accessToken(t);
    const bare = await t.api('GET', `/users?q=${encodeURIComponent(`email:"PAGER3.${tag}@example.test"`)}&fields=user_id,email`, token);
    expect(await bare.json()).toEqual([{ user_id: ids[3], email: `pager3.${tag}@example.test` }]);
    const and = await t.api('GET', `/users?q=${encodeURIComponent(`app_metadata.tier:"odd" AND name:*${tag}*`)}&include_totals=true`, token);
    expect(((await and.json()) as { total: number }).total).toBe(2);
    const byId = await t.api('GET', `/users?q=${encodeURIComponent(`user_id:"${ids[0]}"`)}`, token);
    expect(((await byId.json()) as { user_id: string }[]).map((u) => u.user_id)).toEqual([ids[0]]);
    const byEmail = await mgmt.users.listUsersByEmail({ email: `PAGER4.${tag}@EXAMPLE.test` });
    expect(byEmail.map((u) => u.user_id)).toEqual([ids[4]]);
    const encoded = await t.api('GET', `/users/${encodeURIComponent(ids[1] ?? '')}`, token);
    expect(((await encoded.json()) as { user_id: string }).user_id).toBe(ids[1]);
  });

  it('blocked users cannot log in; 10 failures block the identifier+IP until user-blocks are deleted', async () => {
    const app = await mgmt.clients.create({ name: `ropg-${tag}`, app_type: 'regular_web', grant_types: ['password', REALM, 'client_credentials'] });
    const email = `blocky.${tag}@example.test`;
    const user = await mgmt.users.create({ connection: CONNECTION, email, password: PASSWORD });
    const login = (pw: string): Promise<Response> => password(app.client_id ?? '', app.client_secret ?? '', email, pw);
    expect((await login(PASSWORD)).status).toBe(200);

    await mgmt.users.update(user.user_id ?? '', { blocked: true });
    const blocked = await login(PASSWORD);
    expect(blocked.status).toBe(401);
    expect(await blocked.json()).toMatchObject({ error: 'unauthorized', error_description: 'user is blocked' });
    await mgmt.users.update(user.user_id ?? '', { blocked: false });

    for (let i = 0; i < 10; i++) expect((await login('Wrong-Password-1')).status).toBe(403);
    expect((await login(PASSWORD)).status).toBe(429);
    const byIdentifier = await mgmt.userBlocks.listByIdentifier({ identifier: email });
    expect(byIdentifier.blocked_for).toHaveLength(1);
    expect(byIdentifier.blocked_for?.[0]).toMatchObject({ identifier: email, connection: CONNECTION });
    expect((await mgmt.userBlocks.list(user.user_id ?? '')).blocked_for).toHaveLength(1);
    await mgmt.users.update(user.user_id ?? '', { blocked: false }); // §10.23: does not lift the brute-force block
    expect((await login(PASSWORD)).status).toBe(429);
    await mgmt.userBlocks.delete(user.user_id ?? '');
    expect((await mgmt.userBlocks.listByIdentifier({ identifier: email })).blocked_for).toEqual([]);
    expect((await login(PASSWORD)).status).toBe(200);
  });
});

describe('Management API: errors', () => {
  const boomShape = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

  it('401 without or with a bad token, in the Boom shape and as the SDK error class', async () => {
    const none = await t.api('GET', '/users', undefined);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', attributes: { error: 'Missing authentication' } });
    const bad = await t.api('GET', '/users', 'a.b.c');
    expect(await bad.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });
    const forged = await new ManagementClient({ domain: t.domain, token: 'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJ4In0.c2ln', fetch: t.fetch, maxRetries: 0 }).users.get('auth0|x').catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(Management.UnauthorizedError);
    expect((forged as ManagementError).statusCode).toBe(401);
    // A user's token for the Management audience carries no Management scopes.
    const app = await mgmt.clients.create({ name: `ropg2-${tag}`, app_type: 'regular_web', grant_types: ['password'] });
    await mgmt.users.create({ connection: CONNECTION, email: `usertoken.${tag}@example.test`, password: PASSWORD });
    const res = await t.fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret, username: `usertoken.${tag}@example.test`, password: PASSWORD, audience: t.audience, scope: 'read:users' }),
    });
    const userToken = ((await res.json()) as { access_token: string }).access_token;
    expect((await t.api('GET', '/users', userToken)).status).toBe(403);
    // …and the token itself does not claim them: only the current-user scopes (§4.1).
    const scopes = String((JSON.parse(Buffer.from(userToken.split('.')[1] ?? '', 'base64url').toString()) as { scope?: string }).scope ?? '').split(' ');
    expect(scopes).not.toContain('read:users');
    expect(scopes.every((x) => x === '' || x === 'openid' || x.includes('current_user'))).toBe(true);
  });

  it('403 insufficient_scope for a client granted fewer Management scopes', async () => {
    const reader = await mgmt.clients.create({ name: `reader-${tag}`, app_type: 'non_interactive' });
    await mgmt.clientGrants.create({ client_id: reader.client_id ?? '', audience: t.audience, scope: ['read:users'] });
    const limited = t.client({ clientId: reader.client_id ?? '', clientSecret: reader.client_secret ?? '' });
    await limited.users.list({ per_page: 1 });
    const e = await failure(limited.users.create({ connection: CONNECTION, email: `nope.${tag}@example.test`, password: PASSWORD }));
    expect(e).toBeInstanceOf(Management.ForbiddenError);
    expect(e.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: create:users', errorCode: 'insufficient_scope' });
  });

  it('bad input is a 4xx in the Boom shape, never a 500', async () => {
    const token = await accessToken(t);
    const cases: [string, string, unknown?][] = [
      ['POST', '/users', '{"connection":'],
      ['POST', '/users', '[1,2]'],
      ['POST', '/users', { connection: 42 }],
      ['POST', '/users', { connection: CONNECTION, email: 'x'.repeat(5000), password: PASSWORD }],
      ['POST', '/users', { connection: CONNECTION, email: `ok.${tag}@example.test`, password: PASSWORD, user_metadata: 'nope' }],
      ['PATCH', `/users/${encodeURIComponent('auth0|nobody')}`, { name: 'x' }],
      ['PATCH', '/clients/nope', { name: 5 }],
      ['POST', '/clients', { name: 'x', app_type: 'spaceship' }],
      ['POST', '/connections', { name: '-bad name-', strategy: 'auth0' }],
      ['POST', '/connections', { name: `s-${tag}`, strategy: 'samlp' }],
      ['POST', '/resource-servers', { identifier: 'urn:x', scopes: [{ value: '' }] }],
      ['POST', '/client-grants', { client_id: 'nope', audience: 'nope', scope: ['a'] }],
      ['GET', '/users?q=(name:x'],
      ['GET', '/users?q=foo.bar:1'],
      ['GET', '/users?q=logins_count:many'],
      ['GET', '/users?q=name:*ab'],
      ['GET', '/users?per_page=abc'],
      ['GET', '/users?per_page=1000'],
      ['GET', '/users?page=-1'],
      ['GET', '/users?page=20&per_page=50'],
      ['GET', '/users?sort=password:1'],
      ['GET', '/users?include_totals=maybe'],
      ['GET', '/users-by-email'],
      ['GET', '/logs?q=date:[x TO y]'],
      ['GET', '/logs?from=abc'],
      ['GET', '/user-blocks'],
      ['GET', '/keys/signing/nope'],
      ['PUT', '/keys/signing/nope/revoke', {}],
      ['GET', '/nothing/here'],
      ['DELETE', '/connections/con_nope'],
    ];
    for (const [method, path, body] of cases) {
      const res = await t.api(method, path, token, body);
      const text = await res.text();
      expect(res.status, `${method} ${path} → ${text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path} → ${text}`).toBeLessThan(500);
      expect(JSON.parse(text), `${method} ${path}`).toMatchObject(boomShape);
    }
    for (const path of ['/users/%2F', `/resource-servers/${encodeURIComponent('https://x/')}`, '/users?q=%ZZ', '/users?q=%', '/users?q=name%3A%E0%A4%A', '/users/%00']) {
      const res = await t.api('GET', path, token);
      const text = await res.text();
      expect(res.status, `${path} → ${text}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${path} → ${text}`).toBeLessThan(500);
      if (res.status >= 400) expect(JSON.parse(text), path).toMatchObject(boomShape);
    }
    // Escapes that do not decode never reach an operation: hapi's "Invalid request path", Auth0's invalid_uri.
    for (const [method, path] of [['GET', '/users/%E0%A4%A'], ['GET', '/users%'], ['PATCH', '/users/auth0%7C%ZZ'], ['DELETE', '/clients/%E0%A4%A']] as const) {
      const res = await t.api(method, path, token, method === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(await res.json(), `${method} ${path}`).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid request path', errorCode: 'invalid_uri' });
    }
    const notJson = await t.api('POST', '/users', token, 'connection=x', { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    const badJson = await t.api('POST', '/users', token, '{"connection":');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid request payload JSON format', errorCode: 'invalid_body' });
    const tooBig = await t.api('POST', '/users', token, JSON.stringify({ connection: CONNECTION, blob: 'x'.repeat(1_100_000) }));
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ statusCode: 413, error: 'Request Entity Too Large', errorCode: 'payload_too_large' });
  });
});
