/**
 * A live Cognate over TLS for the Management API e2e tests, driven by clients nobody here wrote:
 * the `auth0` package's ManagementClient (v7) gets a `fetch` that trusts the local CA (the
 * option reaches both its token request and its API calls; NODE_EXTRA_CA_CERTS cannot be set
 * after the process started). The clock is the system clock plus an offset tests can move
 * (e.g. past oidc-provider's 60 s key-set re-check after a signing-key rotation).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient, ManagementError } from 'auth0';
import { createLogger } from '../../src/app/logger.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import { CookieJar, fetchWithCa, readForm } from '../support/auth0-server.js';

export const CONNECTION = 'Username-Password-Authentication';
export const REALM = 'http://auth0.com/oauth/grant-type/password-realm';
export const PASSWORD = 'Correct-Horse-9';

export class OffsetClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

export interface MgmtServer {
  server: RunningServer;
  url: string;
  issuer: string;
  domain: string;
  audience: string;
  clock: OffsetClock;
  fetch: typeof fetch;
  /** `fetch` from another loopback address (127.0.0.2…): another client IP. */
  fetchFrom(localAddress: string): typeof fetch;
  clientId: string;
  clientSecret: string;
  /** A ManagementClient for the bootstrapped Management client (or other credentials). */
  client(credentials?: { clientId: string; clientSecret: string }): ManagementClient;
  token(clientId: string, clientSecret: string, audience?: string): Promise<Response>;
  /** A raw Management API call (JSON in, Response out). */
  api(method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startMgmtServer(): Promise<MgmtServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognate-mgmt-'));
  const config = loadServeConfig({ port: '0', data: dataDir, tls: 'auto' }, {});
  const clock = new OffsetClock();
  const server = await startServer({ config, logger: createLogger(process.env['COGNATE_TEST_LOG'] ?? 'silent'), env: {}, clock });
  // Bootstrap reads COGNATE_MANAGEMENT_CLIENT_* from process.env (not startServer's env): use the generated client's file.
  const mgmt = JSON.parse(await readFile(join(dataDir, 'management-client.json'), 'utf8')) as { client_id: string; client_secret: string };
  const clientId = mgmt.client_id;
  const clientSecret = mgmt.client_secret;
  const ca = await readFile(join(dataDir, 'tls', 'ca.pem'), 'utf8');
  const f = fetchWithCa(ca);
  const domain = new URL(server.url).host;
  const issuer = `${server.url}/`;
  return {
    server,
    url: server.url,
    issuer,
    domain,
    audience: `${issuer}api/v2/`,
    clock,
    fetch: f,
    fetchFrom: (localAddress) => fetchWithCa(ca, { localAddress }),
    clientId,
    clientSecret,
    client: (c = { clientId, clientSecret }) => new ManagementClient({ domain, ...c, fetch: f, maxRetries: 0 }),
    token: (id, secret, audience = `${issuer}api/v2/`) =>
      f(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, audience }).toString(),
      }),
    api: (method, path, token, body, headers = {}) =>
      f(`${server.url}/api/v2${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function accessToken(t: MgmtServer, id = t.clientId, secret = t.clientSecret, audience?: string): Promise<string> {
  const res = await t.token(id, secret, audience);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** /authorize → hosted login page → callback, like a browser without JavaScript; returns the final status of the login POST. */
export async function hostedLogin(t: MgmtServer, clientId: string, callback: string, username: string, password: string): Promise<{ status: number; location: string }> {
  const jar = new CookieJar();
  const authorize = new URL('/authorize', t.url);
  authorize.search = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: callback, scope: 'openid', state: 'st', nonce: 'n' }).toString();
  let res = await t.fetch(authorize, { headers: { cookie: jar.header(), 'user-agent': 'mgmt-e2e-browser' } });
  jar.store(res);
  res = await t.fetch(new URL(res.headers.get('location') ?? '', t.url), { headers: { cookie: jar.header() } });
  jar.store(res);
  const form = readForm(await res.text());
  res = await t.fetch(new URL(form.action, t.url), {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'mgmt-e2e-browser' },
    body: new URLSearchParams({ ...form.hidden, username, password }),
  });
  jar.store(res);
  return { status: res.status, location: res.headers.get('location') ?? '' };
}

/** The error a ManagementClient call throws (v7 keeps Auth0's body on `body`); fails the test if the call succeeds. */
export async function failure(p: Promise<unknown>): Promise<ManagementError & { body: { statusCode: number; error: string; message: string; errorCode?: string } }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ManagementError)) throw e;
    return e as never;
  }
  throw new Error('expected the call to fail');
}
