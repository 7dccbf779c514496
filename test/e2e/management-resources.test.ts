import { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessToken, CONNECTION, failure, startMgmtServer, type MgmtServer } from './management-fixture.js';


let t: MgmtServer;
let mgmt: ManagementClient;
const tag = Date.now().toString(36);

beforeAll(async () => {
  t = await startMgmtServer();
  mgmt = t.client();
});
afterAll(async () => t?.close());

describe('Management API: clients, connections, resource servers, client grants', () => {
  it('clients: create, get, patch, rotate-secret, list in both shapes, delete', async () => {
    const created = await mgmt.clients.create({ name: `web-${tag}`, app_type: 'regular_web', callbacks: ['https://app.example.test/cb'], client_metadata: { team: 'blue' } });
    expect(created.client_id).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(created.client_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(created.grant_types).toEqual(['authorization_code', 'implicit', 'refresh_token', 'client_credentials']);
    const id = created.client_id ?? '';
    expect((await mgmt.clients.get(id)).client_secret).toBe(created.client_secret);
    const patched = await mgmt.clients.update(id, { allowed_logout_urls: ['https://app.example.test/bye'], jwt_configuration: { lifetime_in_seconds: 600 } });
    expect(patched.allowed_logout_urls).toEqual(['https://app.example.test/bye']);
    expect(patched.jwt_configuration).toMatchObject({ alg: 'RS256', lifetime_in_seconds: 600 });
    expect(patched.callbacks).toEqual(['https://app.example.test/cb']);
    const rotated = await mgmt.clients.rotateSecret(id);
    expect(rotated.client_secret).not.toBe(created.client_secret);
    const old = await t.token(id, created.client_secret ?? '', t.audience);
    expect(old.status).toBe(401);

    const token = await accessToken(t);
    const arr = (await (await t.api('GET', '/clients?fields=client_id,name', token)).json()) as { client_id: string }[];
    expect(Array.isArray(arr) && arr.some((c) => c.client_id === id)).toBe(true);
    const withTotals = (await (await t.api('GET', '/clients?include_totals=true&per_page=1&page=0', token)).json()) as Record<string, unknown>;
    expect(withTotals).toMatchObject({ start: 0, limit: 1 });
    expect(Object.keys(withTotals).sort()).toEqual(['clients', 'limit', 'start', 'total']);
    const page = await mgmt.clients.list({ per_page: 100, include_totals: true });
    expect(page.data.some((c) => c.client_id === id)).toBe(true);
    await mgmt.clients.delete(id);
    expect((await failure(mgmt.clients.get(id))).body).toMatchObject({ statusCode: 404, errorCode: 'inexistent_client' });
  });

  it('connections: database connection CRUD; custom scripts are stored as data, never run', async () => {
    const script = 'function login(email, password, callback) { process.exit(1); }';
    const created = await mgmt.connections.create({
      name: `db-${tag}`,
      strategy: 'auth0',
      options: { passwordPolicy: 'low', brute_force_protection: true, customScripts: { login: script }, enabledDatabaseCustomization: true },
    });
    expect(created.id).toMatch(/^con_[A-Za-z0-9]{16}$/);
    expect(created.options).toMatchObject({ passwordPolicy: 'low', customScripts: { login: script } });
    const id = created.id ?? '';
    const dup = await failure(mgmt.connections.create({ name: `db-${tag}`, strategy: 'auth0' }));
    expect(dup.body).toMatchObject({ statusCode: 409, errorCode: 'connection_exists' });
    const immutable = await failure(mgmt.connections.update(id, { name: 'renamed' } as never));
    expect(immutable.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_body' });
    const updated = await mgmt.connections.update(id, { options: { passwordPolicy: 'none' }, display_name: 'Test DB' });
    expect(updated.options).toEqual({ passwordPolicy: 'none', brute_force_protection: true });
    // A user in the new connection follows its policy ('none': any non-empty password).
    const u = await mgmt.users.create({ connection: `db-${tag}`, email: `weakling.${tag}@example.test`, password: 'a' });
    expect(u.identities?.[0]?.connection).toBe(`db-${tag}`);
    const names: string[] = [];
    for await (const c of await mgmt.connections.list({ take: 1 })) names.push(c.name ?? '');
    expect(names).toEqual(expect.arrayContaining([CONNECTION, `db-${tag}`]));
    const checkpoint = (await (await t.api('GET', '/connections?take=1', await accessToken(t))).json()) as { connections: unknown[]; next?: string };
    expect(checkpoint.connections).toHaveLength(1);
    expect(typeof checkpoint.next).toBe('string');
    await mgmt.connections.delete(id);
    expect((await failure(mgmt.connections.get(id))).statusCode).toBe(404);
    expect((await failure(mgmt.users.get(u.user_id ?? ''))).statusCode).toBe(404);
  });

  it('resource servers and client grants: CRUD, and client_credentials honours the grant', async () => {
    const identifier = `https://api-${tag}.example.test/`;
    const api = await mgmt.resourceServers.create({ identifier, name: 'Orders', scopes: [{ value: 'read:orders', description: 'Read' }, { value: 'write:orders' }] });
    expect(api).toMatchObject({ identifier, name: 'Orders', is_system: false, signing_alg: 'RS256', token_lifetime: 86400 });
    const byIdentifier = await t.api('GET', `/resource-servers/${encodeURIComponent(identifier)}`, await accessToken(t));
    expect(((await byIdentifier.json()) as { id: string }).id).toBe(api.id);
    const patched = await mgmt.resourceServers.update(api.id ?? '', { token_lifetime: 3600, scopes: [{ value: 'read:orders' }] });
    expect(patched).toMatchObject({ token_lifetime: 3600, scopes: [{ value: 'read:orders' }] });
    const servers = await mgmt.resourceServers.list({ include_totals: true });
    const system = servers.data.find((r) => r.is_system);
    expect(system?.identifier).toBe(t.audience);
    expect((await failure(mgmt.resourceServers.delete(system?.id ?? ''))).body).toMatchObject({ statusCode: 400 });

    const m2m = await mgmt.clients.create({ name: `m2m-${tag}`, app_type: 'non_interactive' });
    const denied = await t.token(m2m.client_id ?? '', m2m.client_secret ?? '', identifier);
    expect(denied.status).toBe(403);
    const grant = await mgmt.clientGrants.create({ client_id: m2m.client_id ?? '', audience: identifier, scope: ['read:orders'] });
    expect(grant).toMatchObject({ client_id: m2m.client_id, audience: identifier, scope: ['read:orders'] });
    const granted = decodeJwt(await accessToken(t, m2m.client_id, m2m.client_secret, identifier));
    expect(granted).toMatchObject({ aud: identifier, scope: 'read:orders' });
    expect((await failure(mgmt.clientGrants.create({ client_id: m2m.client_id ?? '', audience: identifier, scope: [] }))).statusCode).toBe(409);
    await mgmt.clientGrants.update(grant.id ?? '', { scope: ['read:orders', 'write:orders'] });
    expect(decodeJwt(await accessToken(t, m2m.client_id, m2m.client_secret, identifier))['scope']).toBe('read:orders write:orders');
    const listed = await mgmt.clientGrants.list({ client_id: m2m.client_id ?? '' });
    expect(listed.data.map((g) => g.id)).toEqual([grant.id]);
    await mgmt.clientGrants.delete(grant.id ?? '');
    expect((await t.token(m2m.client_id ?? '', m2m.client_secret ?? '', identifier)).status).toBe(403);
    await mgmt.resourceServers.delete(api.id ?? '');
    expect((await failure(mgmt.resourceServers.get(api.id ?? ''))).statusCode).toBe(404);
  });
});
