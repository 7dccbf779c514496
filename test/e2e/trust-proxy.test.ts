/**
 * Behind a reverse proxy (`--trust-proxy`): the client address X-Forwarded-For names is the one
 * rate limits, brute-force protection, tenant logs and IAM's aws:SourceIp see — only when the
 * peer is a trusted proxy. Without the option the header is ignored (auth0-issuer-origin.test.ts
 * shows the same for a client-sent header).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListDatasetsCommand, type CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { CookieJar, readForm } from '../support/auth0-server.js';
import { createGuestPool, failure, guestDevice } from './cognito-sync-fixture.js';
import { CONNECTION, PASSWORD, REALM } from './management-fixture.js';


interface Running {
  server: RunningServer;
  dataDir: string;
}

async function start(flags: Record<string, string>): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognate-proxy-'));
  const config = loadServeConfig({ port: '0', data: dataDir, ...flags }, {});
  return { server: await startServer({ config, logger: pino({ level: 'silent' }), env: {} }), dataDir };
}

const stop = async (r: Running | undefined): Promise<void> => {
  await r?.server.close();
  if (r) await rm(r.dataDir, { recursive: true, force: true });
};

let proxied: Running;
let direct: Running;
beforeAll(async () => {
  [proxied, direct] = await Promise.all([start({ 'trust-proxy': 'loopback' }), start({ 'trust-proxy': '10.0.0.0/8' })]);
});
afterAll(async () => Promise.all([stop(proxied), stop(direct)]));

async function managementToken(r: Running, issuer = r.server.url): Promise<string> {
  const m = JSON.parse(await readFile(join(r.dataDir, 'management-client.json'), 'utf8')) as { client_id: string; client_secret: string };
  const res = await fetch(`${r.server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret, audience: `${issuer}/api/v2/` }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function api(r: Running, token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${r.server.url}/api/v2${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return (await res.json()) as Record<string, unknown>;
}

describe('Auth0 behind a trusted proxy', () => {
  it('brute-force protection and tenant logs count the client X-Forwarded-For names, not the proxy', async () => {
    const token = await managementToken(proxied);
    const app = await api(proxied, token, 'POST', '/clients', { name: 'proxied', app_type: 'regular_web', grant_types: [REALM] });
    const email = 'proxied.user@example.test';
    await api(proxied, token, 'POST', '/users', { connection: CONNECTION, email, password: PASSWORD });
    const login = (from: string, password: string) =>
      fetch(`${proxied.server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ grant_type: REALM, realm: CONNECTION, client_id: app['client_id'], client_secret: app['client_secret'], username: email, password }),
      });
    // A client-chosen first hop is not trusted either: the rightmost untrusted address counts.
    for (let i = 0; i < 10; i++) expect((await login(`198.51.100.1, 203.0.113.7`, 'Wrong-Password-1')).status).toBe(403);
    const blocked = await login('203.0.113.7', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: string }).error).toBe('too_many_attempts');
    expect((await login('203.0.113.8', PASSWORD)).status).toBe(200); // another client behind the same proxy
    const logs = (await (await fetch(`${proxied.server.url}/api/v2/logs?per_page=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>[];
    const ips = new Set(logs.filter((l) => l['user_name'] === email).map((l) => l['ip']));
    expect(ips).toEqual(new Set(['203.0.113.7', '203.0.113.8']));
  });

  it('a peer that is not a trusted proxy cannot name another client', async () => {
    const token = await managementToken(direct);
    const app = await api(direct, token, 'POST', '/clients', { name: 'direct', app_type: 'regular_web', grant_types: [REALM] });
    await fetch(`${direct.server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ grant_type: REALM, realm: CONNECTION, client_id: app['client_id'], client_secret: app['client_secret'], username: 'nobody@example.test', password: 'x' }),
    });
    const logs = (await (await fetch(`${direct.server.url}/api/v2/logs?per_page=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>[];
    const failed = logs.find((l) => l['user_name'] === 'nobody@example.test');
    expect(failed?.['ip']).not.toBe('203.0.113.9');
    expect(String(failed?.['ip'])).toMatch(/127\.0\.0\.1|::1/);
  });
});

describe('TLS terminated by the proxy', () => {
  it('a plain-http node with an https issuer runs the hosted login: issuer URLs, secure cookies, a code for the callback', async () => {
    const issuer = 'https://auth.example.test';
    const node = await start({ 'trust-proxy': 'loopback', issuer });
    try {
      // What the proxy does: https://auth.example.test/… arrives here as http://127.0.0.1:<port>/…
      const local = (url: string): string => url.replace(issuer, node.server.url);
      const token = await managementToken(node, issuer);
      const callback = 'https://app.example.test/callback';
      const app = await api(node, token, 'POST', '/clients', { name: 'behind-tls', app_type: 'regular_web', callbacks: [callback], grant_types: ['authorization_code'] });
      const email = 'tls.user@example.test';
      await api(node, token, 'POST', '/users', { connection: CONNECTION, email, password: PASSWORD });
      const jar = new CookieJar();
      const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
        const res = await fetch(local(url), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header(), 'x-forwarded-proto': 'https' } });
        jar.store(res);
        return res;
      };
      const authorize = `${issuer}/authorize?${new URLSearchParams({ client_id: String(app['client_id']), response_type: 'code', redirect_uri: callback, scope: 'openid', state: 'st' })}`;
      let res = await go(authorize);
      expect([res.status, res.status === 303 ? '' : (await res.text()).slice(0, 600)]).toEqual([303, '']);
      const loginPage = new URL(res.headers.get('location') ?? '', issuer).href;
      expect(loginPage.startsWith(`${issuer}/u/`)).toBe(true);
      expect(res.headers.getSetCookie().every((c) => /;\s*secure/i.test(c))).toBe(true);
      res = await go(loginPage);
      const form = readForm(await res.text());
      expect(form.action).not.toBe('');
      res = await go(new URL(form.action, loginPage).href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form.hidden, username: email, password: PASSWORD }).toString() });
      expect([res.status, res.status === 303 ? '' : await res.text()]).toEqual([303, '']);
      expect(res.headers.get('location')).toMatch(new RegExp(`^${issuer.replace(/\./g, '\\.')}/authorize/`)); // resumes at the issuer, not at the node's address
      for (let hops = 0; hops < 5 && !(res.headers.get('location') ?? '').startsWith(callback); hops++) res = await go(new URL(res.headers.get('location') ?? '', issuer).href);
      const back = new URL(res.headers.get('location') ?? '');
      expect(`${back.origin}${back.pathname}`).toBe(callback);
      const code = back.searchParams.get('code') ?? '';
      const exchange = await fetch(`${node.server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, client_id: String(app['client_id']), client_secret: String(app['client_secret']) }).toString(),
      });
      expect(exchange.status).toBe(200);
      const idToken = String(((await exchange.json()) as { id_token: string }).id_token);
      expect(JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ iss: `${issuer}/`, aud: app['client_id'] });
    } finally {
      await stop(node);
    }
  });
});

describe('AWS behind a trusted proxy', () => {
  const onlyFrom = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'cognito-sync:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
  };
  const from = (sync: CognitoSyncClient, ip: string): CognitoSyncClient => {
    sync.middlewareStack.add((next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-forwarded-for'] = ip;
      return next(args);
    }, { step: 'build', name: 'forwardedFor' });
    return sync;
  };

  it('aws:SourceIp in a role policy is the client the trusted proxy names', async () => {
    const e = { url: proxied.server.url, root: proxied.server.context.root };
    const { poolId } = await createGuestPool(e, onlyFrom);
    const device = await guestDevice(e, poolId);
    const list = (sync: CognitoSyncClient) => sync.send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: device.identityId }));
    await expect(list(from(device.sync, '203.0.113.20'))).resolves.toMatchObject({ Count: 0 });
    const outside = await guestDevice(e, poolId, device.identityId);
    expect((await failure(list(from(outside.sync, '198.51.100.20')))).status).toBe(403);
  });

  it('without a trusted proxy, X-Forwarded-For cannot satisfy aws:SourceIp', async () => {
    const e = { url: direct.server.url, root: direct.server.context.root };
    const { poolId } = await createGuestPool(e, onlyFrom);
    const device = await guestDevice(e, poolId);
    expect((await failure(from(device.sync, '203.0.113.20').send(new ListDatasetsCommand({ IdentityPoolId: poolId, IdentityId: device.identityId })))).status).toBe(403);
  });
});
