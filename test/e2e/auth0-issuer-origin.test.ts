/**
 * Every URL the Authentication API prints is the issuer's, whatever name the server was reached
 * by and whatever forwarding headers the client sends (src/surfaces/auth0/mount.ts
 * imposeIssuerOrigin); a client-sent X-Forwarded-For never becomes the recorded address.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONNECTION, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
beforeAll(async () => {
  t = await startMgmtServer();
});
afterAll(async () => t?.close());

const otherName = (): string => {
  const url = new URL(t.url);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
};

it('discovery and the login redirect name the issuer, not the Host or X-Forwarded-* the client sent', async () => {
  const spoof = { 'x-forwarded-host': 'evil.example.test', 'x-forwarded-proto': 'http' };
  const discovery = (await (await t.fetch(`${otherName()}/.well-known/openid-configuration`, { headers: spoof })).json()) as Record<string, string>;
  expect(discovery['issuer']).toBe(t.issuer);
  for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
    expect(new URL(discovery[key] ?? '').origin, key).toBe(new URL(t.issuer).origin);
  }
  const app = await t.client().clients.create({ name: 'origin-app', app_type: 'regular_web', callbacks: ['https://app.example.test/cb'] });
  const authorize = new URL('/authorize', otherName());
  authorize.search = new URLSearchParams({ client_id: app.client_id ?? '', response_type: 'code', redirect_uri: 'https://app.example.test/cb', scope: 'openid', state: 's' }).toString();
  const res = await t.fetch(authorize, { headers: spoof, redirect: 'manual' });
  expect(res.status).toBe(303);
  expect(new URL(res.headers.get('location') ?? '', t.url).origin).toBe(new URL(t.issuer).origin);
});

it('a client-sent X-Forwarded-For is not the address recorded for a failed login', async () => {
  const app = await t.client().clients.create({ name: 'xff-app', app_type: 'regular_web', grant_types: [REALM] });
  await t.fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
    body: JSON.stringify({ grant_type: REALM, realm: CONNECTION, client_id: app.client_id, client_secret: app.client_secret, username: 'nobody-xff@example.test', password: 'Wrong-Password-1' }),
  });
  const logs = (await t.client().logs.list({ per_page: 100 })).data as unknown as Record<string, unknown>[];
  const failure = logs.find((l) => l['user_name'] === 'nobody-xff@example.test');
  expect(failure?.['type']).toBe('fu');
  expect(failure?.['ip']).not.toBe('203.0.113.77');
  expect(String(failure?.['ip'])).toMatch(/127\.0\.0\.1|::1/);
});
