/**
 * @auth0/auth0-spa-js in headless Chromium against the hosted login page: redirect login,
 * callback, user profile, silent authentication in a hidden iframe (prompt=none + web_message,
 * carried by the third-party `auth0` session cookie) and logout.
 */
import { join } from 'node:path';
import type { Page, Response as PwResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalTls } from '../../src/core/tls/local-ca.js';
import { startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';
import { launchChromium, type TestBrowser } from '../support/browser.js';
import { startSpaApp, type SpaApp } from '../support/spa-app.js';

const PASSWORD = 'Correct-Horse-9';
const email = `spa.${Date.now()}@example.test`;

let t: Auth0TestServer;
let spa: SpaApp;
let browser: TestBrowser;
let page: Page;
let clientId = '';

interface TokenResult {
  ok: boolean;
  access_token?: string;
  id_token?: string;
  error?: string;
  error_description?: string;
}

const call = async <T>(expression: string): Promise<T> => (await page.evaluate(expression)) as T;

/** Waits for the app page (after a redirect back to it) to finish createAuth0Client. */
async function appReady(): Promise<void> {
  await page.waitForFunction('typeof window.app === "object"');
  expect(await call<boolean>('app.ready()')).toBe(true);
}

/** Collects the IdP's silent-auth (web_message) responses while `fn` runs. */
async function watchWebMessages<T>(fn: () => Promise<T>): Promise<{ result: T; responses: PwResponse[] }> {
  const responses: PwResponse[] = [];
  const onResponse = (r: PwResponse): void => {
    const u = new URL(r.url());
    if (u.origin === t.url && u.pathname === '/authorize' && u.searchParams.get('response_mode') === 'web_message') responses.push(r);
  };
  page.on('response', onResponse);
  try {
    return { result: await fn(), responses };
  } finally {
    page.off('response', onResponse);
  }
}

beforeAll(async () => {
  t = await startAuth0TestServer();
  const tls = await ensureLocalTls(join(t.dataDir, 'tls'));
  spa = await startSpaApp({ tls, domain: new URL(t.url).host, clientId: () => clientId });
  ({ clientId } = await t.createApp({
    app_type: 'spa',
    callbacks: [`${spa.origin}/callback`],
    web_origins: [spa.origin],
    allowed_logout_urls: [`${spa.origin}/`],
  }));
  const signup = await t.signUp(clientId, email, PASSWORD);
  expect(signup.status).toBe(200);
  browser = await launchChromium({ trustServerCerts: [tls.certChainPem], allowThirdPartyCookies: true });
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await spa?.close();
  await t?.close();
});

describe('auth0-spa-js in headless Chromium', () => {
  it('logs in with redirect through the hosted login page and reads the user', async () => {
    await page.goto(`${spa.origin}/`);
    await appReady();
    expect(await call<boolean>('app.isAuthenticated()')).toBe(false);

    await call('app.login()');
    await page.waitForURL((u) => u.origin === t.url && u.pathname.startsWith('/u/'));
    const loginPage = await page.reload();
    expect(loginPage?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.fill('#username', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((u) => u.origin === spa.origin && u.pathname === '/callback'), page.click('button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();

    await appReady();
    expect(await call<{ ok: boolean }>('app.callback()')).toEqual({ ok: true });
    expect(await call<boolean>('app.isAuthenticated()')).toBe(true);
    const user = await call<{ email?: string; sub?: string; nickname?: string } | null>('app.user()');
    expect(user?.email).toBe(email);
    expect(user?.sub).toMatch(/^auth0\|/);
    const claims = await call<{ iss?: string; aud?: string; nonce?: string } | null>('app.claims()');
    expect(claims?.iss).toBe(t.issuer);
    expect(claims?.aud).toBe(clientId);
    expect(claims?.nonce).toBeTruthy();
  });

  it('the session cookie is SameSite=None; Secure; HttpOnly on the IdP origin only', async () => {
    const cookies = await browser.context.cookies(t.url);
    const session = cookies.find((c) => c.name === 'auth0');
    expect(session).toMatchObject({ sameSite: 'None', secure: true, httpOnly: true, domain: 'localhost' });
    expect((await browser.context.cookies(spa.origin)).some((c) => c.name === 'auth0')).toBe(false);
  });

  it('getTokenSilently authenticates in a hidden iframe (prompt=none, web_message) with the cross-site cookie', async () => {
    const { result, responses } = await watchWebMessages(() => call<TokenResult>('app.token()'));
    expect(result.error ?? '').toBe('');
    expect(result.ok).toBe(true);
    expect(result.access_token).toBeTruthy();
    expect(result.id_token?.split('.')).toHaveLength(3);
    expect(responses).toHaveLength(1);
    const res = responses[0];
    const authorize = new URL(res?.url() ?? '');
    expect(authorize.searchParams.get('prompt')).toBe('none');
    const headers = res?.headers() ?? {};
    expect(headers['content-type']).toContain('text/html');
    expect(headers['x-frame-options']).toBeUndefined();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`frame-ancestors ${spa.origin}`);
  });

  it('web_message to an origin missing from Allowed Web Origins is a 400 page that posts nothing', async () => {
    const other = await t.createApp({ app_type: 'spa', callbacks: [`${spa.origin}/callback`] });
    const url = new URL(`${t.url}/authorize`);
    url.search = new URLSearchParams({
      client_id: other.clientId,
      redirect_uri: `${spa.origin}/callback`,
      response_type: 'code',
      response_mode: 'web_message',
      prompt: 'none',
      scope: 'openid',
      state: 'xyz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const res = await t.fetch(url);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('does not have a registered origin');
    expect(html).not.toContain('<script');
    const discovery = (await (await t.fetch(`${t.url}/.well-known/openid-configuration`)).json()) as { response_modes_supported?: string[] };
    expect(discovery.response_modes_supported ?? []).not.toContain('web_message');
  });

  it('logout ends the session: silent authentication then fails with login_required', async () => {
    await call('app.logout()');
    await page.waitForURL((u) => u.origin === spa.origin && u.pathname === '/');
    await appReady();
    expect(await call<boolean>('app.isAuthenticated()')).toBe(false);
    expect((await browser.context.cookies(t.url)).some((c) => c.name === 'auth0')).toBe(false);
    const { result, responses } = await watchWebMessages(() => call<TokenResult>('app.token()'));
    expect(result).toMatchObject({ ok: false, error: 'login_required' });
    expect(responses).toHaveLength(1);
  });
});
