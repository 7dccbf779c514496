/**
 * Suspicious IP throttling (auth0-api.md §5, §4.3 attack protection), on by default: failed logins
 * are counted per IP across every identifier, and an IP without attempts left is refused — even
 * with the right password — until attempts come back, an administrator releases it, or it is
 * allowlisted. Sign-ups count per IP in their own stage. Other IPs are untouched. Clients from
 * other loopback addresses (127.0.0.x) stand in for other IPs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IP_THROTTLING, SUSPICIOUS_IP_MESSAGE } from '../../src/core/identity/ip-throttle.js';
import { accessToken, CONNECTION, hostedLogin, PASSWORD, REALM, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;
let mgmt: string;
let app: { clientId: string; clientSecret: string };
const email = `throttle.${Date.now().toString(36)}@example.test`;
const CALLBACK = 'https://app.example/callback';

const settings = (body: unknown): Promise<Response> => t.api('PATCH', '/attack-protection/suspicious-ip-throttling', mgmt, body);

async function login(from: string, username: string, password: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.fetchFrom(from)(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: REALM, client_id: app.clientId, client_secret: app.clientSecret, username, password, realm: CONNECTION, scope: 'openid' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** `n` failed logins from `from`, each for another (unknown) identifier: brute-force protection never sees a pair twice. */
async function failFrom(from: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await login(from, `nobody-${i}-${Math.random()}@example.test`, 'wrong')).status).toBe(403);
}

const THROTTLED = { error: 'too_many_attempts', error_description: SUSPICIOUS_IP_MESSAGE };

beforeAll(async () => {
  t = await startMgmtServer();
  mgmt = await accessToken(t);
  const created = await t.client().clients.create({ name: 'Throttle App', app_type: 'regular_web', grant_types: [REALM, 'authorization_code'], callbacks: [CALLBACK] });
  app = { clientId: created.client_id ?? '', clientSecret: created.client_secret ?? '' };
  await t.client().users.create({ connection: CONNECTION, email, password: PASSWORD });
});

afterAll(async () => {
  await t?.close();
});

describe('suspicious IP throttling', () => {
  it('is on by default with Auth0’s settings, readable and validated through the Management API', async () => {
    const res = await t.api('GET', '/attack-protection/suspicious-ip-throttling', mgmt);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(DEFAULT_IP_THROTTLING);
    expect(DEFAULT_IP_THROTTLING.stage['pre-login']).toEqual({ max_attempts: 100, rate: 864_000 });
    for (const bad of [{ shields: ['explode'] }, { allowlist: ['not-an-ip'] }, { allowlist: ['10.0.0.0/33'] }, { stage: { 'pre-login': { max_attempts: 0 } } }, { stage: { other: {} } }, { surprise: true }]) {
      const r = await settings(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(((await r.json()) as { errorCode: string }).errorCode).toBe('invalid_body');
    }
    // Nothing was half-applied by the refused requests.
    expect(await (await t.api('GET', '/attack-protection/suspicious-ip-throttling', mgmt)).json()).toEqual(DEFAULT_IP_THROTTLING);
  });

  it('refuses an IP after its failed logins across identifiers — even the right password — and no other IP', async () => {
    expect((await settings({ stage: { 'pre-login': { max_attempts: 3, rate: 3_600_000 } } })).status).toBe(200);
    await failFrom('127.0.0.2', 3);
    expect(await login('127.0.0.2', email, PASSWORD)).toEqual({ status: 429, body: THROTTLED });
    expect((await login('127.0.0.2', email, PASSWORD)).status).toBe(429);
    // Another IP logs in; its own failures are its own.
    expect((await login('127.0.0.1', email, PASSWORD)).status).toBe(200);
    // The hosted login page refuses the throttled IP too, with the same message.
    const page = await hostedLogin({ ...t, fetch: t.fetchFrom('127.0.0.2') }, app.clientId, CALLBACK, email, PASSWORD);
    expect(page.status).toBe(429);
    // Logged as limit_mu (Blocked IP Address).
    const logs = (await t.client().logs.list({ search: 'type:"limit_mu"', per_page: 10 })).data as unknown as Record<string, unknown>[];
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l['type'] === 'limit_mu' && l['ip'] === '127.0.0.2')).toBe(true);
  });

  it('an administrator sees and releases the block (anomaly/blocks/ips)', async () => {
    expect((await t.api('GET', '/anomaly/blocks/ips/127.0.0.2', mgmt)).status).toBe(200);
    expect((await t.api('GET', '/anomaly/blocks/ips/127.0.0.1', mgmt)).status).toBe(404);
    expect((await t.api('GET', '/anomaly/blocks/ips/not-an-ip', mgmt)).status).toBe(400);
    expect((await t.api('DELETE', '/anomaly/blocks/ips/127.0.0.2', mgmt)).status).toBe(204);
    expect((await t.api('GET', '/anomaly/blocks/ips/127.0.0.2', mgmt)).status).toBe(404);
    expect((await login('127.0.0.2', email, PASSWORD)).status).toBe(200);
  });

  it('attempts come back one per `rate` ms', async () => {
    expect((await settings({ stage: { 'pre-login': { max_attempts: 2, rate: 1_500 } } })).status).toBe(200);
    await failFrom('127.0.0.4', 2);
    expect((await login('127.0.0.4', email, PASSWORD)).status).toBe(429);
    t.clock.offset += 1_600;
    try {
      // One attempt regained: a failure spends it, and the IP is refused again.
      await failFrom('127.0.0.4', 1);
      expect((await login('127.0.0.4', email, PASSWORD)).status).toBe(429);
      t.clock.offset += 1_600;
      expect((await login('127.0.0.4', email, PASSWORD)).status).toBe(200);
    } finally {
      t.clock.offset -= 3_200;
    }
  });

  it('allowlisted IPs and ranges, a disabled throttle, or no `block` shield never refuse', async () => {
    expect((await settings({ allowlist: ['127.0.0.5', '127.0.1.0/24'], stage: { 'pre-login': { max_attempts: 1, rate: 3_600_000 } } })).status).toBe(200);
    await failFrom('127.0.0.5', 2);
    expect((await login('127.0.0.5', email, PASSWORD)).status).toBe(200);
    await failFrom('127.0.1.7', 2);
    expect((await login('127.0.1.7', email, PASSWORD)).status).toBe(200);
    await failFrom('127.0.0.6', 1);
    expect((await login('127.0.0.6', email, PASSWORD)).status).toBe(429);
    expect((await settings({ shields: ['admin_notification'] })).status).toBe(200);
    expect((await login('127.0.0.6', email, PASSWORD)).status).toBe(200);
    expect((await settings({ shields: ['block'], enabled: false })).status).toBe(200);
    expect((await login('127.0.0.6', email, PASSWORD)).status).toBe(200);
    expect((await settings({ enabled: true })).status).toBe(200);
    expect((await login('127.0.0.6', email, PASSWORD)).status).toBe(429);
  });

  it('counts sign-ups per IP in the pre-user-registration stage', async () => {
    expect((await settings({ stage: { 'pre-user-registration': { max_attempts: 2, rate: 3_600_000 } } })).status).toBe(200);
    const signup = (from: string, i: number): Promise<Response> =>
      t.fetchFrom(from)(`${t.url}/dbconnections/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: app.clientId, connection: CONNECTION, email: `signup-${i}-${Date.now()}@example.test`, password: PASSWORD }),
      });
    expect((await signup('127.0.0.8', 1)).status).toBe(200);
    expect((await signup('127.0.0.8', 2)).status).toBe(200);
    const refused = await signup('127.0.0.8', 3);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'too_many_attempts', description: SUSPICIOUS_IP_MESSAGE, statusCode: 429 });
    expect((await signup('127.0.0.9', 4)).status).toBe(200);
  });

  it('the auth0 ManagementClient reads and updates the settings, checks and releases an IP', async () => {
    const client = t.client();
    expect((await client.attackProtection.suspiciousIpThrottling.update({ stage: { 'pre-login': { max_attempts: 1, rate: 3_600_000 } } })).stage?.['pre-login']).toEqual({ max_attempts: 1, rate: 3_600_000 });
    expect(await client.attackProtection.suspiciousIpThrottling.get()).toMatchObject({ enabled: true, shields: ['block'], stage: { 'pre-login': { max_attempts: 1 } } });
    await failFrom('127.0.0.10', 1);
    await expect(client.anomaly.blocks.checkIp('127.0.0.10')).resolves.toBeUndefined();
    await expect(client.anomaly.blocks.checkIp('127.0.0.11')).rejects.toMatchObject({ statusCode: 404 });
    await client.anomaly.blocks.unblockIp('127.0.0.10');
    await expect(client.anomaly.blocks.checkIp('127.0.0.10')).rejects.toMatchObject({ statusCode: 404 });
    expect((await login('127.0.0.10', email, PASSWORD)).status).toBe(200);
  });

  it('needs the attack-protection and anomaly-block scopes', async () => {
    const created = await t.client().clients.create({ name: 'No Scopes', app_type: 'non_interactive', grant_types: ['client_credentials'] });
    await t.client().clientGrants.create({ client_id: created.client_id ?? '', audience: t.audience, scope: ['read:users'] });
    const weak = await accessToken(t, created.client_id ?? '', created.client_secret ?? '');
    expect((await t.api('GET', '/attack-protection/suspicious-ip-throttling', weak)).status).toBe(403);
    expect((await t.api('PATCH', '/attack-protection/suspicious-ip-throttling', weak, { enabled: false })).status).toBe(403);
    expect((await t.api('DELETE', '/anomaly/blocks/ips/127.0.0.6', weak)).status).toBe(403);
    expect((await login('127.0.0.6', email, PASSWORD)).status).toBe(429);
  });
});
