import * as client from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, readForm, startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const CALLBACK = 'https://app.example.test/callback';
const PASSWORD = 'Correct-Horse-9';

let t: Auth0TestServer;
let web: { clientId: string; clientSecret: string | null };
let config: client.Configuration;
const email = `alice.${Date.now()}@example.test`;

const signup = (clientId: string, address: string, password = PASSWORD): Promise<Response> => t.signUp(clientId, address, password);

/** Drives /authorize → hosted login page → callback with plain fetch, like a browser without JavaScript. */
async function browserLogin(authorizeUrl: URL, username: string, password: string, jar = new CookieJar()): Promise<{ location: string; jar: CookieJar; loginHtml: string }> {
  let res = await t.fetch(authorizeUrl, { headers: { cookie: jar.header() } });
  jar.store(res);
  expect(res.status).toBe(303);
  const loginUrl = new URL(res.headers.get('location') ?? '', t.url);
  res = await t.fetch(loginUrl, { headers: { cookie: jar.header() } });
  jar.store(res);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  const loginHtml = await res.text();
  const form = readForm(loginHtml);
  res = await t.fetch(new URL(form.action, t.url), {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.hidden, username, password }),
  });
  jar.store(res);
  expect(res.status).toBe(303);
  let location = res.headers.get('location') ?? '';
  for (let i = 0; i < 5 && !location.startsWith(CALLBACK); i++) {
    res = await t.fetch(new URL(location, t.url), { headers: { cookie: jar.header() } });
    jar.store(res);
    location = res.headers.get('location') ?? '';
  }
  return { location, jar, loginHtml };
}

beforeAll(async () => {
  t = await startAuth0TestServer();
  web = await t.createApp({ app_type: 'regular_web', callbacks: [CALLBACK], allowed_logout_urls: ['https://app.example.test/bye'] });
  const r = await signup(web.clientId, email);
  expect(r.status).toBe(200);
  config = await client.discovery(new URL(t.url), web.clientId, undefined, client.ClientSecretPost(web.clientSecret ?? ''), {
    [client.customFetch]: t.fetch as client.CustomFetch,
  });
});

afterAll(async () => t?.close());

describe('Auth0 Authentication API with openid-client', () => {
  it('discovery has the issuer with a trailing slash and Auth0 endpoint paths', async () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(t.issuer);
    expect(meta.authorization_endpoint).toBe(`${t.issuer}authorize`);
    expect(meta.token_endpoint).toBe(`${t.issuer}oauth/token`);
    expect(meta.userinfo_endpoint).toBe(`${t.issuer}userinfo`);
    expect(meta.jwks_uri).toBe(`${t.issuer}.well-known/jwks.json`);
    expect(meta.revocation_endpoint).toBe(`${t.issuer}oauth/revoke`);
    expect(meta.end_session_endpoint).toBe(`${t.issuer}oidc/logout`);
    const jwks = await t.fetch(`${t.url}/.well-known/jwks.json`, { headers: { origin: 'https://spa.example.test' } });
    expect(jwks.headers.get('access-control-allow-origin')).toBeTruthy();
    const keys = ((await jwks.json()) as { keys: { kid: string; alg: string; n?: string; d?: string }[] }).keys;
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.every((k) => k.alg === 'RS256' && k.n && !k.d)).toBe(true);
  });

  it('code + PKCE through the hosted login page, refresh with rotation and reuse detection, userinfo, revoke', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = 'st+/=' + client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const { location, jar } = await browserLogin(url, email.toUpperCase(), PASSWORD);
    expect(jar.has('auth0')).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.token_type).toBe('bearer');
    expect(typeof tokens.expires_in).toBe('number');
    const idClaims = tokens.claims();
    expect(idClaims?.iss).toBe(t.issuer);
    expect(idClaims?.aud).toBe(web.clientId);
    expect(idClaims?.sub).toMatch(/^auth0\|[0-9a-f]{24}$/);
    expect(idClaims?.nonce).toBe(nonce);
    expect(idClaims?.email).toBe(email);
    expect(idClaims?.name).toBe(email);
    expect(idClaims?.nickname).toBe(email.split('@')[0]);
    expect(typeof idClaims?.updated_at).toBe('string');
    const header = decodeProtectedHeader(tokens.id_token ?? '');
    expect(header.alg).toBe('RS256');
    expect(header.kid).toBeTruthy();

    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims?.sub ?? '');
    expect(info.email).toBe(email);
    expect(typeof info.updated_at).toBe('string');

    // Refresh: rotation is on for this test client (set below), the response carries an id_token without nonce.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.id_token).toBeTruthy();
    expect(decodeJwt(refreshed.id_token ?? '').nonce).toBeUndefined();

    await client.tokenRevocation(config, refreshed.refresh_token ?? tokens.refresh_token ?? '');
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token ?? tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('Auth0 /authorize and hosted login edge cases', () => {
  const authorize = (params: Record<string, string>): URL => client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', ...params });

  it('an unregistered redirect_uri renders an error page and never redirects', async () => {
    const res = await t.fetch(authorize({ redirect_uri: 'https://evil.example.test/cb' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Callback URL mismatch');
  });

  it('prompt=none: login_required without a session, a code with one (SSO); PKCE mismatch and code reuse are invalid_grant', async () => {
    const none = await t.fetch(authorize({ prompt: 'none', state: 'abc' }));
    const loc = new URL(none.headers.get('location') ?? '');
    expect(loc.searchParams.get('error')).toBe('login_required');
    expect(loc.searchParams.get('state')).toBe('abc');

    const verifier = client.randomPKCECodeVerifier();
    const challenge = await client.calculatePKCECodeChallenge(verifier);
    const { jar } = await browserLogin(authorize({ code_challenge: challenge, code_challenge_method: 'S256' }), email, PASSWORD);
    const silent = await t.fetch(authorize({ prompt: 'none', state: 's2', code_challenge: challenge, code_challenge_method: 'S256' }), { headers: { cookie: jar.header() } });
    const back = new URL(silent.headers.get('location') ?? '');
    const code = back.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const exchange = (codeVerifier: string): Promise<Response> =>
      t.fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'authorization_code', client_id: web.clientId, client_secret: web.clientSecret, code, redirect_uri: CALLBACK, code_verifier: codeVerifier }),
      });
    const mismatch = await exchange(client.randomPKCECodeVerifier());
    expect(mismatch.status).toBe(403);
    expect(((await mismatch.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await exchange(verifier)).status).toBe(200);
    const reused = await exchange(verifier);
    expect(reused.status).toBe(403);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });

  it('wrong password re-renders the page with one generic message; markup in parameters is escaped', async () => {
    const res = await t.fetch(authorize({ login_hint: '"><script>alert(1)</script>' }));
    const jar = new CookieJar();
    jar.store(res);
    const page = await t.fetch(new URL(res.headers.get('location') ?? '', t.url), { headers: { cookie: jar.header() } });
    const html = await page.text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('autocomplete="current-password"');
    const form = readForm(html);
    const post = await t.fetch(new URL(form.action, t.url), {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.hidden, username: '<b>x</b>@example.test', password: 'wrong' }),
    });
    const again = await post.text();
    expect(post.status).toBe(401);
    expect(again).toContain('Wrong email or password.');
    expect(again).toContain('&lt;b&gt;x&lt;/b&gt;');
    const forged = await t.fetch(new URL(form.action, t.url), {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: 'forged', username: email, password: PASSWORD }),
    });
    expect(forged.status).toBe(400);
  });

  it('/v2/logout validates returnTo against allowed_logout_urls', async () => {
    const bad = await t.fetch(`${t.url}/v2/logout?client_id=${web.clientId}&returnTo=${encodeURIComponent('https://evil.example.test/')}`);
    expect(bad.status).toBe(400);
    const ok = await t.fetch(`${t.url}/v2/logout?client_id=${web.clientId}&returnTo=${encodeURIComponent('https://app.example.test/bye')}&federated`);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://app.example.test/bye');
  });
});
