/**
 * `cognate serve` as a process: flags and env vars, generated root credentials, /health,
 * SIGTERM drain, `--tls auto` with its local CA, `cognate thumbprint`, several workers,
 * and kernel-level bad input (oversized or unparsable bodies, unknown operations) answered
 * in each protocol's own error shape.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListRolesCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/server.js';

const MAIN = join(import.meta.dirname, '../../dist/main.js');
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cognate-proc-'));
  dirs.push(d);
  return d;
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  exit: Promise<number | null>;
}

async function serve(args: string[], env: Record<string, string> = {}, healthUrl?: string, ca?: string): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (healthUrl) await waitHealthy(healthUrl, child, ca);
  return { child, stdout: () => out, exit };
}

async function getStatus(url: string, ca?: string): Promise<number> {
  if (!url.startsWith('https:')) return (await fetch(url)).status;
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitHealthy(url: string, child: ChildProcessWithoutNullStreams, ca?: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await getStatus(url, ca)) === 200) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not healthy in 30 s');
}

describe('cognate serve', () => {
  it('takes flags and COGNATE_* env vars, generates root credentials once (0600), and drains on SIGTERM', async () => {
    const data = tempDir();
    const port = await freePort();
    const first = await serve(['--data', data, '--log-level', 'warn'], { COGNATE_PORT: String(port) }, `http://127.0.0.1:${port}/health`);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const file = join(data, 'root-credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'master.key')).mode & 0o777).toBe(0o600);
    const root = JSON.parse(readFileSync(file, 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    expect(root.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.stdout()).toContain(root.accessKeyId);

    // The generated credentials sign real SDK calls (the SDK decorates the object it is given: pass a copy).
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { ...root } });
    expect((await iam.send(new ListRolesCommand({}))).Roles).toEqual([]);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    // Second start on the same data dir: same credentials, not printed again.
    const second = await serve(['--data', data, '--port', String(port), '--log-level', 'warn'], {}, `http://127.0.0.1:${port}/health`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(root);
    expect(second.stdout()).not.toContain(root.secretAccessKey);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('uses root credentials from the environment and never writes or prints them', async () => {
    const data = tempDir();
    const port = await freePort();
    const creds = { COGNATE_ROOT_ACCESS_KEY_ID: 'AKIAENVROOT000000001', COGNATE_ROOT_SECRET_ACCESS_KEY: 'environment-secret-environment-secret-00' };
    const s = await serve(['--data', data, '--port', String(port), '--log-level', 'info'], creds, `http://127.0.0.1:${port}/health`);
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: creds.COGNATE_ROOT_ACCESS_KEY_ID, secretAccessKey: creds.COGNATE_ROOT_SECRET_ACCESS_KEY } });
    await iam.send(new ListRolesCommand({}));
    expect(() => statSync(join(data, 'root-credentials.json'))).toThrow();
    s.child.kill('SIGTERM');
    await s.exit;
    expect(s.stdout()).not.toContain(creds.COGNATE_ROOT_SECRET_ACCESS_KEY);
  });

  it('refuses bad configuration with a message and exit code 1', async () => {
    const s = await serve(['--account-id', '12', '--data', tempDir()]);
    expect(await s.exit).toBe(1);
    expect(s.stdout()).toContain('--account-id must be 12 digits');
  });

  it('serves HTTPS with --tls auto and its local CA; `cognate thumbprint` prints the CA thumbprint', async () => {
    const data = tempDir();
    const port = await freePort();
    const caPath = join(data, 'tls', 'ca.pem');
    const s = await serve(['--data', data, '--port', String(port), '--tls', 'auto', '--log-level', 'warn'], {});
    // The CA exists once the server is up; wait for it, then for health over https with it.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        statSync(caPath);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const ca = readFileSync(caPath, 'utf8');
    await waitHealthy(`https://localhost:${port}/health`, s.child, ca);
    await expect(getStatus(`https://localhost:${port}/health`)).rejects.toThrow(); // not trusted without the CA

    const expected = createHash('sha1').update(new X509Certificate(ca).raw).digest('hex');
    const out = await new Promise<string>((resolve, reject) => {
      const t = spawn(process.execPath, [MAIN, 'thumbprint', `https://localhost:${port}/`]);
      let text = '';
      t.stdout.on('data', (d: Buffer) => (text += d.toString()));
      t.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`thumbprint exited ${code}`))));
    });
    expect(out.trim()).toBe(expected);
    expect(out.trim()).toMatch(/^[0-9a-f]{40}$/);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('runs several workers on one port sharing one SQLite database', async () => {
    const data = tempDir();
    const port = await freePort();
    const s = await serve(['--data', data, '--port', String(port), '--workers', '2', '--log-level', 'warn'], {}, `http://127.0.0.1:${port}/health`);
    const root = JSON.parse(readFileSync(join(data, 'root-credentials.json'), 'utf8')) as { accessKeyId: string; secretAccessKey: string };
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: root });
    const results = await Promise.all(Array.from({ length: 20 }, () => iam.send(new ListRolesCommand({}))));
    expect(results.every((r) => Array.isArray(r.Roles))).toBe(true);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });
});

describe('kernel-level bad input', () => {
  it('answers oversized, unparsable and unknown requests in each protocol’s error shape, never 500', async () => {
    const data = tempDir();
    const port = await freePort();
    const s = await serve(['--data', data, '--port', String(port), '--body-limit', '4096', '--log-level', 'warn'], {}, `http://127.0.0.1:${port}/health`);
    const base = `http://127.0.0.1:${port}`;
    const big = 'x'.repeat(10_000);

    const json = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, body: big });
    expect(json.status).toBe(413);
    expect(json.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException:');
    expect(((await json.json()) as { __type: string }).__type).toBe('RequestEntityTooLargeException');

    const query = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `Action=ListRoles&Version=2010-05-08&X=${big}` });
    expect(query.status).toBe(413);
    expect(await query.text()).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>RequestEntityTooLarge<\/Code>/);

    const rest = await fetch(`${base}/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/d`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(rest.status).toBe(413);
    expect(rest.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException:');

    const garbage = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, body: '{not json' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { __type: string }).__type).toBe('SerializationException');

    const unknown = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.NoSuchThing' }, body: '{}' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');

    const action = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=NoSuchThing&Version=2010-05-08' });
    expect(action.status).toBe(400);
    expect(await action.text()).toContain('<Code>InvalidAction</Code>');

    const preflight = await fetch(base, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-amz-target');
    expect(preflight.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');

    s.child.kill('SIGTERM');
    await s.exit;
    expect(s.stdout()).not.toMatch(/"level":50/); // no internal errors were logged
  });
});
