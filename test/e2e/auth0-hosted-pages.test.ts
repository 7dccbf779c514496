/**
 * The hosted pages beyond the plain login (auth0-api.md §1.2, §2.1, §6.1): implicit and hybrid
 * responses with `at_hash` / `c_hash`, sign-up through `screen_hint=signup`, and a password reset
 * from the "forgot" page through the emailed link to a login with the new password. Driven with
 * fetch and a cookie jar, as a browser without JavaScript would.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar, readForm, startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const CALLBACK = 'https://app.example.test/callback';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-9';

let t: Auth0TestServer;
let app: { clientId: string; clientSecret: string | null };
let jwks: ReturnType<typeof createLocalJWKSet>;
const email = `pages.${Date.now()}@example.test`;

const leftHalfHash = (value: string): string => createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url');

function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL(`${t.url}/authorize`);
  url.search = new URLSearchParams({ client_id: app.clientId, redirect_uri: CALLBACK, scope: 'openid profile email', state: 'st+/=1', nonce: 'n-0S6_WzA2Mj', ...params }).toString();
  return url;
}

/** GETs /authorize and the page it leads to; returns the page's HTML and the jar. */
async function openPage(url: URL, jar = new CookieJar()): Promise<{ html: string; jar: CookieJar; status: number }> {
  let res = await t.fetch(url, { headers: { cookie: jar.header() } });
  jar.store(res);
  expect(res.status).toBe(303);
  res = await t.fetch(new URL(res.headers.get('location') ?? '', t.url), { headers: { cookie: jar.header() } });
  jar.store(res);
  return { html: await res.text(), jar, status: res.status };
}

/** Posts the page's first form with `fields`; follows our own redirects until one leaves the server. */
async function submit(html: string, jar: CookieJar, fields: Record<string, string>): Promise<{ status: number; location: string; html: string }> {
  const form = readForm(html);
  let res = await t.fetch(new URL(form.action, t.url), {
    method: 'POST',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.hidden, ...fields }),
  });
  jar.store(res);
  let location = res.headers.get('location') ?? '';
  const ours = (l: string): boolean => l.startsWith('/') || l.startsWith(`${t.url}/`);
  for (let i = 0; i < 5 && ours(location); i++) {
    res = await t.fetch(new URL(location, t.url), { headers: { cookie: jar.header() } });
    jar.store(res);
    location = res.headers.get('location') ?? '';
  }
  return { status: res.status, location, html: location ? '' : await res.text() };
}

const fragment = (location: string): URLSearchParams => new URLSearchParams(new URL(location).hash.slice(1));

beforeAll(async () => {
  t = await startAuth0TestServer();
  app = await t.createApp({ app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code', 'implicit', 'refresh_token', REALM_GRANT] });
  const signup = await t.signUp(app.clientId, email, PASSWORD);
  expect(signup.status).toBe(200);
  jwks = createLocalJWKSet((await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
});

afterAll(async () => t?.close());

describe('implicit and hybrid responses', () => {
  it('response_type=id_token token: fragment with a string expires_in, an ID token with at_hash and the nonce', async () => {
    const page = await openPage(authorizeUrl({ response_type: 'id_token token' }));
    const done = await submit(page.html, page.jar, { username: email, password: PASSWORD });
    expect(done.location.startsWith(`${CALLBACK}#`)).toBe(true);
    const f = fragment(done.location);
    expect(f.get('state')).toBe('st+/=1');
    expect(f.get('token_type')).toBe('Bearer');
    expect(f.get('expires_in')).toBe('7200');
    const accessToken = f.get('access_token') ?? '';
    const { payload, protectedHeader } = await jwtVerify(f.get('id_token') ?? '', jwks, { issuer: t.issuer, audience: app.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload['nonce']).toBe('n-0S6_WzA2Mj');
    expect(payload['at_hash']).toBe(leftHalfHash(accessToken));
    expect(payload['email']).toBe(email);
    // The implicit access token works at /userinfo.
    const info = await t.fetch(`${t.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await info.json()) as { email?: string }).email).toBe(email);
  });

  it('response_type=code id_token: the ID token carries c_hash of the code, which redeems at /oauth/token', async () => {
    const page = await openPage(authorizeUrl({ response_type: 'code id_token' }));
    const done = await submit(page.html, page.jar, { username: email, password: PASSWORD });
    const f = fragment(done.location);
    const code = f.get('code') ?? '';
    const { payload } = await jwtVerify(f.get('id_token') ?? '', jwks, { issuer: t.issuer, audience: app.clientId });
    expect(payload['c_hash']).toBe(leftHalfHash(code));
    const res = await t.fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.clientId, client_secret: app.clientSecret ?? '', code, redirect_uri: CALLBACK }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id_token?: string }).id_token).toBeTruthy();
  });
});

describe('sign-up and password reset through the hosted pages', () => {
  const newcomer = `newcomer.${Date.now()}@example.test`;

  it('screen_hint=signup opens the sign-up page; a weak password lists the policy; a good one logs in', async () => {
    const page = await openPage(authorizeUrl({ response_type: 'code', screen_hint: 'signup' }));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Create your account');
    expect(page.html).toContain('autocomplete="new-password"');
    const weak = await submit(page.html, page.jar, { email: newcomer, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('Password is too weak.');
    expect(weak.html).toContain('<ul class="rules">');
    const done = await submit(weak.html, page.jar, { email: newcomer, password: PASSWORD });
    const back = new URL(done.location);
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.get('code')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe('st+/=1');
  });

  it('forgot page → emailed link → new password; the link works once; the new password logs in', async () => {
    const login = await openPage(authorizeUrl({ response_type: 'code' }));
    const forgotHref = /href="(\/u\/[^"]+\/forgot)"/.exec(login.html)?.[1] ?? '';
    expect(forgotHref).not.toBe('');
    const forgot = await t.fetch(new URL(forgotHref.replace(/&amp;/g, '&'), t.url), { headers: { cookie: login.jar.header() } });
    const sent = await submit(await forgot.text(), login.jar, { email: newcomer });
    expect(sent.html).toContain('Check your email');

    const outbox = join(t.dataDir, 'outbox');
    const mails = await Promise.all((await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')));
    const mail = mails.find((m) => m.includes(`To: ${newcomer}`)) ?? '';
    const link = /(https:\/\/\S+\/u\/reset-password\?ticket=\S+)/.exec(mail)?.[1] ?? '';
    expect(link.startsWith(`${t.issuer}u/reset-password?ticket=`)).toBe(true);

    const jar = new CookieJar();
    const resetPage = await t.fetch(link);
    expect(resetPage.status).toBe(200);
    expect(resetPage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const resetHtml = await resetPage.text();
    expect(resetHtml).toContain(newcomer);
    const weak = await submit(resetHtml, jar, { password: 'weak' });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain('Password is too weak.');
    const changed = await submit(weak.html, jar, { password: 'Brand-New-Horse-7' });
    expect(changed.status).toBe(200);
    expect(changed.html).toContain('Password changed');
    expect((await submit(resetHtml, jar, { password: 'Another-Horse-8' })).status).toBe(400);
    expect((await t.fetch(link)).status).toBe(400);

    const realm = (password: string): Promise<Response> =>
      t.fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: REALM_GRANT, client_id: app.clientId, client_secret: app.clientSecret, username: newcomer, password, realm: CONNECTION, scope: 'openid' }),
      });
    expect((await realm(PASSWORD)).status).toBe(403);
    expect((await realm('Brand-New-Horse-7')).status).toBe(200);
  });
});
