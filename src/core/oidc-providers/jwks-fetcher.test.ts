import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type TestIdp } from '../../../test/support/oidc-idp.js';
import { createRootCa, issueServerCertificate } from '../tls/certificates.js';
import { ensureLocalTls, type LocalTls } from '../tls/local-ca.js';
import { sha1Thumbprint } from '../tls/thumbprint.js';
import { discoveryUrl, fetchJwks, parseMaxAge } from './jwks-fetcher.js';
import { getJson, type TransportPolicy } from './transport.js';

const caThumbprint = (pem: string): string => sha1Thumbprint(new X509Certificate(pem).raw);

describe('fetchJwks over plain http on loopback', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ path: '/tenant' });
  });
  afterEach(() => {
    idp.fault = undefined;
  });
  afterAll(() => idp.close());
  const policy: TransportPolicy = { thumbprints: [] };

  it('follows discovery to the JWKS and reports its max-age', async () => {
    const fetched = await fetchJwks(idp.issuer, policy);
    expect(fetched.jwksUri).toBe(idp.jwksUri);
    expect(fetched.keys).toHaveLength(2);
    expect(fetched.maxAgeSeconds).toBe(600);
  });

  it.each([
    ['status500', 'unreachable'],
    ['status404', 'invalid'],
    ['notJson', 'invalid'],
    ['noJwksUri', 'invalid'],
    ['tooManyKeys', 'invalid'],
    ['oversize', 'invalid'],
    ['plainHttpJwksUri', 'untrusted'],
  ] as const)('classifies the fault %s as %s', async (fault, kind) => {
    idp.fault = fault;
    await expect(fetchJwks(idp.issuer, policy)).rejects.toMatchObject({ name: 'TransportError', kind });
  });

  it('gives up after the timeout', async () => {
    idp.fault = 'hang';
    const started = Date.now();
    await expect(fetchJwks(idp.issuer, { ...policy, timeoutMs: 200 })).rejects.toMatchObject({ kind: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a closed port as unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise((r) => probe.close(r));
    await expect(fetchJwks(`http://127.0.0.1:${port}`, policy)).rejects.toMatchObject({ kind: 'unreachable' });
  });

  it('refuses plain http to a host that is not loopback, without connecting', async () => {
    await expect(getJson(new URL('http://idp.example.com/jwks'), policy)).rejects.toMatchObject({ kind: 'untrusted' });
    await expect(getJson(new URL('ftp://127.0.0.1/jwks'), policy)).rejects.toMatchObject({ kind: 'untrusted' });
  });

  it('builds the discovery URL without a double slash', () => {
    expect(discoveryUrl('https://tenant.auth0.com/').href).toBe('https://tenant.auth0.com/.well-known/openid-configuration');
    expect(discoveryUrl('https://h/p').href).toBe('https://h/p/.well-known/openid-configuration');
  });

  it('parses Cache-Control', () => {
    expect(parseMaxAge(undefined)).toBeUndefined();
    expect(parseMaxAge('public, max-age=3600, must-revalidate')).toBe(3600);
    expect(parseMaxAge('no-store')).toBe(0);
    expect(parseMaxAge('private')).toBeUndefined();
  });
});

describe('fetchJwks over https', () => {
  let dir: string;
  let local: LocalTls;
  let idp: TestIdp;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cognate-jwks-'));
    local = await ensureLocalTls(join(dir, 'tls'));
    idp = await startTestIdp({ tls: local });
  });
  afterAll(async () => {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('trusts a private CA through its thumbprint, in either case', async () => {
    const tp = caThumbprint(local.caPem);
    expect((await fetchJwks(idp.issuer, { thumbprints: [tp] })).keys).toHaveLength(2);
    expect((await fetchJwks(idp.issuer, { thumbprints: ['0'.repeat(40), tp.toUpperCase()] })).keys).toHaveLength(2);
    expect(idp.issuer).toMatch(/^https:\/\/localhost:\d+$/);
  });

  it('refuses a private CA without a matching thumbprint, before reading any body', async () => {
    const before = idp.fetches.jwks;
    await expect(fetchJwks(idp.issuer, { thumbprints: [] })).rejects.toMatchObject({ kind: 'untrusted' });
    await expect(fetchJwks(idp.issuer, { thumbprints: ['a'.repeat(40)] })).rejects.toMatchObject({
      kind: 'untrusted',
      message: expect.stringMatching(/not configured/),
    });
    expect(idp.fetches.jwks).toBe(before); // discovery was refused, so the JWKS was never asked for
  });

  it('checks the host name when trusting by thumbprint, unless told not to (as AWS)', async () => {
    const ca = await createRootCa({ commonName: 'Other CA', validityDays: 2 });
    const leaf = await issueServerCertificate(ca, { commonName: 'idp.internal', hosts: ['idp.internal'], validityDays: 2 });
    const other = await startTestIdp({ tls: { keyPem: leaf.keyPem, certChainPem: leaf.certPem + ca.certPem } });
    try {
      const thumbprints = [caThumbprint(ca.certPem)];
      await expect(fetchJwks(other.issuer, { thumbprints })).rejects.toMatchObject({
        kind: 'untrusted',
        message: expect.stringMatching(/localhost/),
      });
      const fetched = await fetchJwks(other.issuer, { thumbprints, checkHostnameWhenPinned: false });
      expect(fetched.keys).toHaveLength(2);
    } finally {
      await other.close();
    }
  });
});
