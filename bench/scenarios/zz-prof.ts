// temporary profiling driver (not committed)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { seedTenant, AUDIENCE, PASSWORD, REALM, tokenRequest } from './auth0-setup.js';
import { load } from '../load.js';
import { freePort } from '../server.js';
const kind = process.argv[2] ?? 'cc';
const data = mkdtempSync('/tmp/cognate-prof-data-');
const key = randomBytes(32);
const port = await freePort();
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/cognate-prof', 'dist/main.js', 'serve', '--port', String(port), '--data', data, '--workers', '1', '--log-level', 'warn'], { stdio: 'inherit', env: { ...process.env, COGNATE_MASTER_KEY: key.toString('base64'), COGNATE_MANAGEMENT_CLIENT_ID: 'm', COGNATE_MANAGEMENT_CLIENT_SECRET: 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm' } });
const url = `http://127.0.0.1:${port}`;
for (;;) { try { if ((await fetch(`${url}/health`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
const b = await seedTenant(data, key, url);
let body: () => string;
if (kind === 'cc') { const s = new URLSearchParams({ grant_type: 'client_credentials', client_id: b.clientId, client_secret: b.clientSecret, audience: AUDIENCE }).toString(); body = () => s; }
else if (kind === 'rt') {
  const tokens: string[] = [];
  for (let i = 0; i < 16; i++) tokens.push(String((await tokenRequest(url, { grant_type: 'http://auth0.com/oauth/grant-type/password-realm', client_id: b.clientId, client_secret: b.clientSecret, username: b.users[i]!, password: PASSWORD, realm: REALM, scope: 'openid profile email offline_access' }))['refresh_token']));
  let n = 0; body = () => new URLSearchParams({ grant_type: 'refresh_token', client_id: b.clientId, client_secret: b.clientSecret, refresh_token: tokens[n++ % tokens.length]! }).toString();
} else { let n = 0; body = () => new URLSearchParams({ grant_type: 'http://auth0.com/oauth/grant-type/password-realm', client_id: b.clientId, client_secret: b.clientSecret, username: b.users[n++ % b.users.length]!, password: PASSWORD, realm: REALM, scope: 'openid profile email' }).toString(); }
const statuses: Record<string, number> = {};
const r = await load({ url, duration: 10, requests: [{ method: 'POST', path: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, setupRequest: (req: object) => ({ ...req, body: body() }), onResponse: (st: number) => { statuses[st] = (statuses[st] ?? 0) + 1; } }] });
console.log(kind, r, statuses);
const exited = new Promise((res) => child.once('exit', res));
child.kill('SIGTERM'); await exited;
