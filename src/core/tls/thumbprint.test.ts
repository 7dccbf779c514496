import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRootCa,
  issueIntermediateCa,
  issueServerCertificate,
  privateKeyToPem,
  type IssuedCertificate,
} from './certificates.js';
import { checkPinnedChain } from './pinning.js';
import { isolatedTrustAnchor, presentedChain } from './presented-chain.js';
import { normalizeThumbprint, sha1Thumbprint, thumbprintOf, tlsTarget } from './thumbprint.js';
import { x509 } from './x509.js';

const sha1OfPem = (pem: string): string => sha1Thumbprint(new X509Certificate(pem).raw);

const listen = async (key: string, cert: string): Promise<{ server: Server; port: number }> => {
  const server = createServer({ key, cert }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
};

const chainOf = async (port: number): Promise<DetailedPeerCertificate[]> => {
  const ca = await isolatedTrustAnchor();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: [ca], rejectUnauthorized: false }, () => {
      resolve(presentedChain(socket));
      socket.end();
    });
    socket.on('error', reject);
  });
};

describe('thumbprints', () => {
  let root: IssuedCertificate;
  let intermediate: IssuedCertificate;
  let leafViaIntermediate: IssuedCertificate;
  let leafViaRoot: IssuedCertificate;
  let threeLevel: { server: Server; port: number };
  let twoLevel: { server: Server; port: number };

  beforeAll(async () => {
    root = await createRootCa({ commonName: 'Test Root', validityDays: 30 });
    intermediate = await issueIntermediateCa(root, { commonName: 'Test Intermediate', validityDays: 30, pathLength: 0 });
    leafViaIntermediate = await issueServerCertificate(intermediate, {
      commonName: 'localhost',
      hosts: ['localhost', '127.0.0.1'],
      validityDays: 30,
    });
    leafViaRoot = await issueServerCertificate(root, { commonName: 'localhost', hosts: ['localhost'], validityDays: 30 });
    threeLevel = await listen(leafViaIntermediate.keyPem, leafViaIntermediate.certPem + intermediate.certPem);
    twoLevel = await listen(leafViaRoot.keyPem, leafViaRoot.certPem + root.certPem);
  });
  afterAll(async () => {
    await Promise.all([threeLevel, twoLevel].map(({ server }) => new Promise((r) => server.close(r))));
  });

  it('is the SHA-1 of the top intermediate when the server presents leaf + intermediate', async () => {
    const tp = await thumbprintOf(`https://localhost:${threeLevel.port}/some/path`);
    expect(tp).toBe(sha1OfPem(intermediate.certPem));
    expect(tp).toMatch(/^[0-9a-f]{40}$/);
    expect(tp).toBe(new X509Certificate(intermediate.certPem).fingerprint.replace(/:/g, '').toLowerCase());
  });

  it('is the SHA-1 of the CA when the server presents leaf + CA, also when connecting by IP', async () => {
    expect(await thumbprintOf(`https://localhost:${twoLevel.port}`)).toBe(sha1OfPem(root.certPem));
    expect(await thumbprintOf(`https://127.0.0.1:${twoLevel.port}`)).toBe(sha1OfPem(root.certPem));
  });

  it('does not let the trust store complete the chain (root in NODE_EXTRA_CA_CERTS of a child process)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cognate-tp-'));
    try {
      const rootFile = join(dir, 'root.pem');
      await writeFile(rootFile, root.certPem);
      const module = fileURLToPath(new URL('./thumbprint.ts', import.meta.url));
      const script = `import { thumbprintOf } from ${JSON.stringify(module)};
        process.stdout.write(await thumbprintOf('https://localhost:${threeLevel.port}'));`;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', '--input-type=module', '-e', script],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: rootFile }, cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        ),
      );
      expect(out).toBe(sha1OfPem(intermediate.certPem));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects when nothing listens', async () => {
    const { server, port } = await listen(leafViaRoot.keyPem, leafViaRoot.certPem);
    await new Promise((r) => server.close(r));
    await expect(thumbprintOf(`https://127.0.0.1:${port}`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('parses targets and normalizes configured thumbprints', () => {
    expect(tlsTarget('https://[::1]:8443/x')).toEqual({ host: '::1', port: 8443, servername: undefined });
    expect(tlsTarget('example.com/path')).toEqual({ host: 'example.com', port: 443, servername: 'example.com' });
    expect(normalizeThumbprint('AB:CD ef')).toBe('abcdef');
  });

  describe('checkPinnedChain', () => {
    const now = Date.now();

    it('accepts a chain whose last certificate is pinned, in any case', async () => {
      const chain = await chainOf(threeLevel.port);
      expect(chain.map((c) => c.subject.CN)).toEqual(['localhost', 'Test Intermediate']);
      const pin = sha1OfPem(intermediate.certPem).toUpperCase();
      expect(checkPinnedChain(chain, [pin], { now, hostname: 'localhost' })).toMatchObject({ ok: true });
    });

    it('refuses an unpinned chain, a hostname mismatch and an expired certificate', async () => {
      const chain = await chainOf(threeLevel.port);
      const pin = sha1OfPem(intermediate.certPem);
      expect(checkPinnedChain(chain, [sha1OfPem(root.certPem)], { now })).toMatchObject({ ok: false });
      expect(checkPinnedChain(chain, [pin], { now, hostname: 'example.com' })).toMatchObject({ ok: false });
      expect(checkPinnedChain(chain, [pin], { now: now + 60 * 86_400_000 })).toMatchObject({ ok: false });
    });

    it('refuses a pinned CA certificate presented after a leaf it did not sign', async () => {
      // A leaf naming the real intermediate as issuer (no AKI, so node links it by name) but
      // signed by some other key.
      const keys = await globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ]);
      const forged = await x509.X509CertificateGenerator.create({
        subject: 'CN=localhost',
        issuer: intermediate.cert.subjectName,
        publicKey: keys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 86_400_000),
      });
      const impostorLeaf = { certPem: `${forged.toString('pem')}\n`, keyPem: await privateKeyToPem(keys.privateKey) };
      // The impostor leaf names the real intermediate as issuer but is signed by another key.
      const { server, port } = await listen(impostorLeaf.keyPem, impostorLeaf.certPem + intermediate.certPem);
      try {
        const chain = await chainOf(port);
        expect(sha1Thumbprint(chain.at(-1)?.raw ?? Buffer.alloc(0))).toBe(sha1OfPem(intermediate.certPem));
        const result = checkPinnedChain(chain, [sha1OfPem(intermediate.certPem)], { now });
        expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/not signed/) });
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  });
});
