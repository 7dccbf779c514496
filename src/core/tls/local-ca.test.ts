import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ensureLocalTls, type LocalTls } from './local-ca.js';
import { x509 } from './x509.js';

const request = (url: string, ca?: string): Promise<string> =>
  new Promise((resolve, reject) => {
    get(url, { ...(ca === undefined ? {} : { ca }), agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });

describe('ensureLocalTls', () => {
  let dir: string;
  let tls: LocalTls;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'cognate-ca-')), 'tls');
    tls = await ensureLocalTls(dir);
    server = createServer({ key: tls.keyPem, cert: tls.certChainPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('serves https that a client trusting only ca.pem accepts for localhost and 127.0.0.1', async () => {
    expect(await request(`https://localhost:${port}/`, tls.caPem)).toBe('ok');
    expect(await request(`https://127.0.0.1:${port}/`, tls.caPem)).toBe('ok');
  });

  it('is rejected by a client that does not trust the CA', async () => {
    await expect(request(`https://localhost:${port}/`)).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER/),
    });
  });

  it('writes the files with the stated modes', async () => {
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'server-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(tls.caPath, 'utf8')).toBe(tls.caPem);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(tls.certChainPem);
  });

  it('issues a CA and a server certificate with the stated properties', () => {
    const ca = new X509Certificate(tls.caPem);
    const leaf = new X509Certificate(tls.certChainPem);
    expect(ca.ca).toBe(true);
    const usage = new x509.X509Certificate(tls.caPem).getExtension(x509.KeyUsagesExtension);
    expect((usage?.usages ?? 0) & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(usage?.critical).toBe(true);
    expect(Date.parse(ca.validTo) - Date.parse(ca.validFrom)).toBeGreaterThanOrEqual(3650 * 86_400_000);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)).toBeLessThanOrEqual(825 * 86_400_000);
    expect(tls.certChainPem.endsWith(tls.caPem.trim() + '\n')).toBe(true);
  });

  it('reuses the files on later calls', async () => {
    const again = await ensureLocalTls(dir);
    expect(new X509Certificate(again.caPem).fingerprint256).toBe(new X509Certificate(tls.caPem).fingerprint256);
    expect(again.keyPem).toBe(tls.keyPem);
    expect(again.certChainPem).toBe(tls.certChainPem);
  });

  it('shares one creation between concurrent calls', async () => {
    const fresh = join(dir, '..', 'concurrent');
    const [a, b] = await Promise.all([ensureLocalTls(fresh), ensureLocalTls(fresh)]);
    expect(a.caPem).toBe(b.caPem);
  });

  it('re-issues only the server certificate when it nears expiry or is damaged, keeping the CA', async () => {
    const other = join(dir, '..', 'renew');
    const first = await ensureLocalTls(other);
    const later = new ManualClock(Date.now() + 800 * 86_400_000);
    const renewed = await ensureLocalTls(other, { clock: later });
    expect(renewed.caPem).toBe(first.caPem);
    expect(renewed.certChainPem).not.toBe(first.certChainPem);

    await writeFile(join(other, 'server.pem'), 'garbage');
    const repaired = await ensureLocalTls(other);
    expect(repaired.caPem).toBe(first.caPem);
    expect(new X509Certificate(repaired.certChainPem).checkIssued(new X509Certificate(first.caPem))).toBe(true);
  });
});
