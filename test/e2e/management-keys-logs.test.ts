import { Management, ManagementClient } from 'auth0';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, CONNECTION, failure, hostedLogin, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';


let t: MgmtServer;
let mgmt: ManagementClient;
const tag = Date.now().toString(36);
const CALLBACK = 'https://logs.example.test/callback';

type Log = Record<string, unknown> & { log_id: string; type: string };

const post = (path: string, body: Record<string, unknown>): Promise<Response> =>
  t.fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'mgmt-e2e-api' }, body: JSON.stringify(body) });

/** A ManagementClient that fetches a fresh token for every call (keys change under it). */
const fresh = (): ManagementClient => new ManagementClient({ domain: t.domain, token: () => accessToken(t), fetch: t.fetch, maxRetries: 0 });

const jwks = async (): Promise<JSONWebKeySet> => (await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

beforeAll(async () => {
  t = await startMgmtServer();
  mgmt = t.client();
});
afterAll(async () => t?.close());

describe('Management API: logs', () => {
  it('records s, fp, fu, ss, fs, limit_wc, scpr/fcpr, seccft/feccft and sapi events with Auth0’s fields and no secrets', async () => {
    const app = await mgmt.clients.create({ name: `logs-app-${tag}`, app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code', 'client_credentials', REALM] });
    const clientId = app.client_id ?? '';
    const secret = app.client_secret ?? '';
    const email = `logan.${tag}@example.test`;
    expect((await post('/dbconnections/signup', { client_id: clientId, connection: CONNECTION, email, password: PASSWORD })).status).toBe(200);
    expect((await post('/dbconnections/signup', { client_id: clientId, connection: CONNECTION, email: `weak.${email}`, password: 'weak' })).status).toBe(400);
    expect((await hostedLogin(t, clientId, CALLBACK, email, PASSWORD)).status).toBe(303);
    expect((await hostedLogin(t, clientId, CALLBACK, email, 'Not-The-Password-1')).status).toBe(401);
    expect((await hostedLogin(t, clientId, CALLBACK, `ghost.${email}`, 'Not-The-Password-1')).status).toBe(401);
    for (let i = 0; i < 10; i++) {
      await post('/oauth/token', { grant_type: REALM, client_id: clientId, client_secret: secret, username: email, password: 'Wrong-Password-1', realm: CONNECTION });
    }
    await post('/dbconnections/change_password', { client_id: clientId, connection: CONNECTION, email });
    await post('/dbconnections/change_password', { client_id: clientId, connection: CONNECTION, email: `ghost.${email}` });
    expect((await t.token(clientId, secret, `${t.issuer}api/v2/`)).status).toBe(403); // no grant: feccft
    expect((await t.token(t.clientId, 'wrong-secret', t.audience)).status).toBe(401); // feccft
    await accessToken(t); // seccft

    const page = await mgmt.logs.list({ per_page: 100, include_totals: true, sort: 'date:1' });
    expect(page.response).toMatchObject({ start: 0, limit: 100, length: page.data.length });
    const logs = page.data as unknown as Log[];
    const of = (type: string): Log[] => logs.filter((l) => l.type === type);
    const user = (await mgmt.users.listUsersByEmail({ email }))[0];
    const success = of('s')[0];
    expect(success).toMatchObject({
      type: 's',
      client_id: clientId,
      client_name: `logs-app-${tag}`,
      user_id: user?.user_id,
      user_name: email,
      connection: CONNECTION,
      strategy: 'auth0',
      strategy_type: 'database',
      user_agent: 'mgmt-e2e-browser',
      hostname: t.domain,
    });
    expect(success?.['ip']).toEqual(expect.any(String));
    expect(success?.['connection_id']).toMatch(/^con_/);
    expect(new Date(String(success?.['date'])).toISOString()).toBe(success?.['date']);
    // 1 hosted-login failure + 9 password-grant failures block the pair; the 10th grant is refused (f).
    expect(of('fp')).toHaveLength(10);
    expect(of('f')[0]).toMatchObject({ user_name: email, description: expect.stringContaining('blocked') });
    expect(of('fp')[0]).toMatchObject({ user_id: user?.user_id, description: 'Wrong email or password.' });
    expect(of('fu')[0]).toMatchObject({ user_name: `ghost.${email}` });
    expect(of('fu')[0]).not.toHaveProperty('user_id');
    expect(of('ss')[0]).toMatchObject({ user_name: email, user_id: user?.user_id, client_id: clientId });
    expect(of('fs')[0]).toMatchObject({ description: 'Password is too weak', user_name: `weak.${email}` });
    expect(of('limit_wc')).toHaveLength(1);
    expect(of('limit_wc')[0]).toMatchObject({ user_id: user?.user_id, user_name: email, client_id: clientId });
    expect(of('scpr')[0]).toMatchObject({ user_id: user?.user_id });
    expect(of('fcpr')).toHaveLength(1);
    expect(of('feccft').length).toBe(2);
    expect(of('seccft').at(-1)).toMatchObject({ client_id: t.clientId, audience: t.audience });
    expect(of('sapi').some((l) => l['description'] === 'Create a client')).toBe(true);
    const everything = JSON.stringify(logs);
    for (const secretValue of [PASSWORD, 'Wrong-Password-1', secret, t.clientSecret]) expect(everything).not.toContain(secretValue);

    const fp = await mgmt.logs.list({ search: `type:fp AND user_id:"${user?.user_id}"`, include_totals: true, per_page: 5 });
    expect((fp.response as { total: number }).total).toBe(of('fp').filter((l) => l['user_id'] === user?.user_id).length);
    expect(await mgmt.logs.get(success?.log_id ?? '')).toEqual(success);
    expect((await failure(mgmt.logs.get('900123'))).statusCode).toBe(404);
  });

  it('checkpoint paging with from/take returns an array ordered by log_id and a Link header', async () => {
    const token = await accessToken(t);
    const first = await t.api('GET', '/logs?take=3', token);
    const latest = (await first.json()) as Log[];
    expect(latest).toHaveLength(3);
    const all = (await (await t.api('GET', '/logs?sort=date:1&per_page=100', token)).json()) as Log[];
    const from = all[0]?.log_id ?? '';
    const res = await t.api('GET', `/logs?from=${from}&take=2`, token);
    const next = (await res.json()) as Log[];
    expect(next.map((l) => l.log_id)).toEqual(all.slice(1, 3).map((l) => l.log_id));
    expect(res.headers.get('link')).toBe(`<${t.url}/api/v2/logs?from=${next[1]?.log_id}&take=2>; rel="next"`);
  });
});

describe('Management API: signing keys', () => {
  it('rotates next → current → previous with an overlap, then revokes the previous key', async () => {
    const keys = await mgmt.keys.signing.list();
    expect(keys.map((k) => [k.current, k.next])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(keys[0]?.cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(keys[0]?.pkcs7).toMatch(/^-----BEGIN PKCS7-----/);
    expect(keys[0]?.fingerprint).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(await mgmt.keys.signing.get(keys[0]?.kid ?? '')).toEqual(keys[0]);
    const [current, next] = [keys[0]?.kid ?? '', keys[1]?.kid ?? ''];
    const before = await accessToken(t);
    expect(decodeProtectedHeader(before).kid).toBe(current);

    const rotated = await mgmt.keys.signing.rotate();
    expect(rotated.kid).toBe(next);
    const old = new ManagementClient({ domain: t.domain, token: before, fetch: t.fetch, maxRetries: 0 });
    expect((await old.users.list({ per_page: 1 })).data).toBeDefined(); // overlap: the previous key still verifies
    t.clock.offset += 61_000; // oidc-provider re-reads the key set at most once a minute
    const after = await accessToken(t);
    expect(decodeProtectedHeader(after).kid).toBe(next);
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([current, next]));
    await jwtVerify(before, createLocalJWKSet(published), { issuer: t.issuer, audience: t.audience });
    await jwtVerify(after, createLocalJWKSet(published), { issuer: t.issuer, audience: t.audience });
    const listed = await fresh().keys.signing.list();
    expect(listed.find((k) => k.kid === current)).toMatchObject({ previous: true, current: false, current_until: expect.any(String) });

    const early = await failure(fresh().keys.signing.revoke(current));
    expect(early.body).toMatchObject({ statusCode: 409, errorCode: 'signing_key_in_use' }); // workers may still sign with it for a minute
    t.clock.offset += 5_000;
    const notPrevious = await failure(fresh().keys.signing.revoke(next));
    // v7 has no typed class for a 400 on this endpoint: the generic ManagementError keeps status and body.
    expect(notPrevious).toMatchObject({ statusCode: 400, body: { statusCode: 400, error: 'Bad Request', errorCode: 'invalid_key_state' } });
    const revoked = await fresh().keys.signing.revoke(current);
    expect(revoked.kid).toBe(current);
    const refused = await failure(old.users.list({ per_page: 1 }));
    expect(refused).toBeInstanceOf(Management.UnauthorizedError);
    t.clock.offset += 61_000;
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(current);
    expect((await fresh().keys.signing.get(current))).toMatchObject({ revoked: true, revoked_at: expect.any(String) });
  });

  it('rotation is limited to 5 a day: the 6th is a 429 with rate-limit headers', async () => {
    const client = fresh();
    for (let i = 0; i < 4; i++) {
      await client.keys.signing.rotate();
      t.clock.offset += 61_000;
    }
    const limited = await failure(client.keys.signing.rotate());
    expect(limited).toBeInstanceOf(Management.TooManyRequestsError);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', errorCode: 'too_many_requests' });
    expect(limited.rawResponse?.headers.get('x-ratelimit-limit')).toBeTruthy();
    expect(limited.rawResponse?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
