/**
 * Where one surface ends and the next begins on the shared listener: the Auth0 surface's hooks
 * (rate limit, body limit, the hand-over to oidc-provider) never see AWS traffic, and errors
 * fastify raises itself (a URL that does not decode, a body over the limit) answer in the shape
 * of the surface the path belongs to. Raw fetch: no SDK sends such requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { loadServeConfig } from '../../src/config/load.js';
import { RateLimiter } from '../../src/surfaces/auth0/rate-limit.js';

const AUTH0_LIMIT = 5;
const BODY_LIMIT = 4096;

let server: RunningServer;
let dataDir: string;
let base: string;
/** Every rate-limit decision the server takes, from the start. */
let hit: MockInstance<RateLimiter['hit']>;

beforeAll(async () => {
  hit = vi.spyOn(RateLimiter.prototype, 'hit');
  dataDir = await mkdtemp(join(tmpdir(), 'cognate-boundaries-'));
  const config = loadServeConfig({ port: '0', host: '127.0.0.1', data: dataDir, 'auth0-rate-limit': String(AUTH0_LIMIT), 'body-limit': String(BODY_LIMIT) }, {});
  server = await startServer({ config, logger: createLogger(process.env['COGNATE_TEST_LOG'] ?? 'silent'), env: {} });
  base = server.url;
});
afterAll(async () => {
  hit.mockRestore();
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const AUTH0_PREFIXES = ['/oauth/', '/userinfo', '/.well-known/', '/authorize', '/oidc/logout', '/v2/logout', '/dbconnections/', '/u/'];
const isAuth0Path = (path: string): boolean => AUTH0_PREFIXES.some((p) => path.startsWith(p));

/** Route → its onRequest hook names, read from fastify's route tree of one method. */
function onRequestHooks(tree: string): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const segments: string[] = [];
  let current: string | undefined;
  for (const line of tree.split('\n')) {
    const node = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (node) {
      segments.length = (node[1] ?? '').length / 4;
      segments.push(node[2] ?? '');
      current = node[3] ? segments.join('') : undefined;
      if (current !== undefined) routes.set(current, []);
      continue;
    }
    const hooks = /• \(onRequest\) (\[.*\])$/.exec(line);
    if (hooks && current !== undefined) routes.set(current, JSON.parse(hooks[1] ?? '[]') as string[]);
  }
  return routes;
}

/** A response with no trace of fastify's own error shape and no stack. */
async function body(res: Response): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  expect(text).not.toMatch(/FST_|"code":"FST|\bat .+\.(js|ts):\d+/);
  return text;
}

describe('framework errors answer in the shape of the path’s surface', () => {
  it('Management API: Boom {statusCode, error, message, errorCode}', async () => {
    for (const path of ['/api/v2/users/%E0%A4%A', '/api/v2/users%', '/api/v2/clients/%ZZ?fields=name']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(JSON.parse(await body(res)), path).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid request path', errorCode: 'invalid_uri' });
    }
    // An unknown id longer than fastify's default parameter limit reaches the operation (401 here: no token).
    const long = await fetch(`${base}/api/v2/users/auth0%7C${'a'.repeat(300)}`);
    expect(long.status).toBe(401);
    expect(JSON.parse(await body(long))).toMatchObject({ statusCode: 401, error: 'Unauthorized' });

    const tooBig = await fetch(`${base}/api/v2/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ blob: 'x'.repeat(1_100_000) }) });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(await body(tooBig))).toEqual({
      statusCode: 413,
      error: 'Request Entity Too Large',
      message: 'Payload content length greater than maximum allowed: 1048576',
      errorCode: 'payload_too_large',
    });
  });

  it('Authentication API: OAuth on /oauth/*, the legacy shape on /dbconnections/*, an error page on browser pages', async () => {
    for (const path of ['/oauth/token%', '/oauth/%E0%A4%A', '/userinfo%ZZ', '/.well-known/jwks.json%']) {
      const res = await fetch(`${base}${path}`, { method: path.startsWith('/oauth/') ? 'POST' : 'GET' });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(await body(res)), path).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/percent-encoding/) });
    }
    const big = 'x'.repeat(BODY_LIMIT + 1);
    const token = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&x=${big}` });
    expect(token.status).toBe(413);
    expect(JSON.parse(await body(token))).toEqual({ error: 'invalid_request', error_description: 'Request entity too large.' });
    // The same body streamed without Content-Length is cut off while oidc-provider's hand-over reads it.
    const chunks = [Buffer.from('grant_type=client_credentials&x='), Buffer.from(big)];
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()) : c.close()) });
    const chunked = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(await body(chunked))).toEqual({ error: 'invalid_request', error_description: 'Request entity too large.' });

    const signupUrl = await fetch(`${base}/dbconnections/signup%E0%A4%A`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(signupUrl.status).toBe(400);
    expect(JSON.parse(await body(signupUrl))).toMatchObject({ name: 'BadRequestError', code: 'invalid_request', statusCode: 400 });
    const signupBig = await fetch(`${base}/dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: big }) });
    expect(signupBig.status).toBe(413);
    expect(JSON.parse(await body(signupBig))).toMatchObject({ name: 'BadRequestError', code: 'payload_too_large', description: 'Request entity too large.', statusCode: 413 });

    for (const path of ['/authorize/%E0%A4%A', '/u/login%', '/v2/logout%ZZ']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(await body(res), path).toContain('Invalid request path');
    }
  });

  it('AWS routes keep the AWS protocols’ shapes', async () => {
    const json = await fetch(`${base}/%E0%A4%A`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, body: '{}' });
    expect(json.status).toBe(400);
    expect(JSON.parse(await body(json))).toMatchObject({ __type: 'SerializationException' });

    const rest = await fetch(`${base}/identitypools/%E0%A4%A/identities`);
    expect(rest.status).toBe(400);
    expect(rest.headers.get('x-amzn-errortype')).toMatch(/^SerializationException/);
    await body(rest);

    const query = await fetch(`${base}/%?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(query.status).toBe(400);
    expect(await body(query)).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>MalformedInput<\/Code>/);

    const tooBig = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, body: 'x'.repeat(BODY_LIMIT + 1) });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(await body(tooBig))).toMatchObject({ __type: 'RequestEntityTooLargeException' });
  });
});

const awsRequests: [string, RequestInit][] = [
  ['/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.ListIdentityPools' }, body: '{"MaxResults":1}' }],
  ['/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' }],
  ['/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets', { method: 'GET' }],
  ['/cognito-identity/.well-known/openid-configuration', { method: 'GET' }],
  ['/health', { method: 'GET' }],
];

describe('the Auth0 surface’s hooks stay on Auth0 paths', () => {
  it('puts onRequest hooks on Auth0 routes only: AWS, Management API and health routes have none', () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const routes = onRequestHooks(server.http.printRoutes({ method, includeHooks: true }));
      expect(routes.has('/oauth/token'), `${method} /oauth/token is read from the route tree`).toBe(true);
      for (const [path, hooks] of routes) {
        if (isAuth0Path(path)) expect(hooks.slice(0, 2), `${method} ${path}`).toEqual(['auth0GlobalRateLimit()', 'auth0BodyLimit()']);
        else expect(hooks, `${method} ${path}`).toEqual([]);
      }
    }
    const post = onRequestHooks(server.http.printRoutes({ method: 'POST', includeHooks: true }));
    expect(post.get('/oauth/token')).toHaveLength(3); // rate limit, body limit, the hand-over to oidc-provider
    expect(post.get('/')).toEqual([]);
    expect(post.get('/identitypools/*')).toEqual([]);
  });

  it('neither limits nor counts AWS requests, while the Auth0 limit still holds', async () => {
    const before = hit.mock.calls.length;
    for (let round = 0; round < AUTH0_LIMIT + 2; round++) {
      for (const [path, init] of awsRequests) {
        const res = await fetch(`${base}${path}`, init);
        await res.arrayBuffer();
        expect(res.status, `${init.method} ${path}`).not.toBe(429);
        expect(res.headers.get('x-ratelimit-limit'), `${init.method} ${path}`).toBeNull();
      }
    }
    expect(hit.mock.calls.length).toBe(before);

    // The same client's Auth0 requests find what earlier Auth0 requests left of the allowance.
    const used = hit.mock.calls.filter(([key]) => key.startsWith('global:')).length;
    expect(used).toBeLessThan(AUTH0_LIMIT);
    for (let i = used; i < AUTH0_LIMIT; i++) {
      const ok = await fetch(`${base}/.well-known/openid-configuration`);
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
    const limited = await fetch(`${base}/.well-known/openid-configuration`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-limit')).toBe(String(AUTH0_LIMIT));
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ error: 'too_many_requests' });
    expect(hit.mock.calls.length).toBe(before + AUTH0_LIMIT - used + 1);

    // …and AWS traffic from the throttled client still goes through.
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});
