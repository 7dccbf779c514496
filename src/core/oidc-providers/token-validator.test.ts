import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, type HostileToken, type TestIdp } from '../../../test/support/oidc-idp.js';
import { ensureLocalTls, type LocalTls } from '../tls/local-ca.js';
import { sha1Thumbprint } from '../tls/thumbprint.js';
import type { TokenValidationError, TokenValidationReason } from './errors.js';
import { acceptedIssuers, issuerKeyOf } from './issuer.js';
import { JwksCache } from './jwks-cache.js';
import { createIdTokenValidator, type IdTokenValidator, type OidcProviderTrust } from './token-validator.js';

const refusal = async (p: Promise<unknown>): Promise<TokenValidationError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toHaveProperty('name', 'TokenValidationError');
    return e as TokenValidationError;
  }
  throw new Error('expected the token to be refused');
};

describe('validateIdToken against a third-party IdP over http on loopback', () => {
  let idp: TestIdp;
  let validate: IdTokenValidator;
  let provider: OidcProviderTrust;
  let now: number;

  beforeAll(async () => {
    now = Date.now();
    idp = await startTestIdp({ now: () => now });
    validate = createIdTokenValidator({ cache: new JwksCache() });
    provider = { issuerKey: idp.issuerKey, clientIds: ['other-app', idp.clientId], thumbprints: [] };
  });
  afterAll(() => idp.close());

  it('accepts RS256 and ES256 tokens and returns header and claims', async () => {
    const rs = await validate(await idp.mint({ email: 'a@example.com' }), provider, { now });
    expect(rs.header).toMatchObject({ alg: 'RS256', kid: 'rs-1' });
    expect(rs.claims).toMatchObject({ iss: idp.issuer, sub: 'user-123', aud: idp.clientId, email: 'a@example.com' });
    const es = await validate(await idp.mint({}, { key: idp.keys[1] }), provider, { now });
    expect(es.header).toMatchObject({ alg: 'ES256', kid: 'es-1' });
  });

  it('costs no fetch once the keys are cached', async () => {
    await validate(await idp.mint(), provider, { now });
    const before = { ...idp.fetches };
    for (let i = 0; i < 20; i++) await validate(await idp.mint(), provider, { now });
    expect(idp.fetches).toEqual(before);
  });

  it.each<[HostileToken, TokenValidationReason]>([
    ['garbage', 'malformed'],
    ['wrongIssuer', 'issuerMismatch'],
    ['algNone', 'unsupportedAlg'],
    ['hs256WithPublicKeyPem', 'unsupportedAlg'],
    ['hs256WithPublicKeyJwk', 'unsupportedAlg'],
    ['unknownKid', 'unknownKid'],
    ['foreignKeySameKid', 'badSignature'],
    ['missingAud', 'missingAud'],
    ['wrongAudience', 'audience'],
    ['azpMismatch', 'audience'],
    ['missingSub', 'malformed'],
    ['missingExp', 'malformed'],
    ['expired', 'expired'],
    ['notYetValid', 'notYetValid'],
    ['issuedInFuture', 'notYetValid'],
  ])('refuses a %s token as %s', async (kind, reason) => {
    const e = await refusal(validate(await idp.hostile(kind), provider, { now }));
    expect(e.reason).toBe(reason);
    expect(e.now).toBe(Math.floor(now / 1000));
  });

  it('names the missing claim and quotes the times', async () => {
    expect((await refusal(validate(await idp.hostile('missingExp'), provider, { now }))).claim).toBe('exp');
    expect((await refusal(validate(await idp.hostile('missingSub'), provider, { now }))).claim).toBe('sub');
    const expired = await refusal(validate(await idp.hostile('expired'), provider, { now }));
    expect(expired.exp).toBe(Math.floor(now / 1000) - 1200);
  });

  it('checks in AWS order: issuer before signature, signature before audience before expiry', async () => {
    const t = Math.floor(now / 1000);
    const old = { iat: t - 7200, exp: t - 3600 };
    expect((await refusal(validate(await idp.mint({ ...old, iss: 'https://x.example' }), provider, { now }))).reason).toBe(
      'issuerMismatch',
    );
    expect((await refusal(validate(await idp.hostile('foreignKeySameKid', { ...old, aud: 'nope' }), provider, { now }))).reason).toBe(
      'badSignature',
    );
    expect((await refusal(validate(await idp.mint({ ...old, aud: 'nope' }), provider, { now }))).reason).toBe('audience');
  });

  it('allows 300 s of clock skew by default, and a configured skew', async () => {
    const t = Math.floor(now / 1000);
    await expect(validate(await idp.mint({ exp: t - 299 }), provider, { now })).resolves.toBeDefined();
    expect((await refusal(validate(await idp.mint({ exp: t - 300 }), provider, { now }))).reason).toBe('expired');
    await expect(validate(await idp.mint({ nbf: t + 300 }), provider, { now })).resolves.toBeDefined();
    expect((await refusal(validate(await idp.mint({ exp: t - 1 }), provider, { now, skewSeconds: 0 }))).reason).toBe('expired');
  });

  it('takes azp over aud, and accepts an aud array naming a client', async () => {
    await expect(validate(await idp.mint({ aud: 'api', azp: idp.clientId }), provider, { now })).resolves.toBeDefined();
    await expect(validate(await idp.mint({ aud: ['api', idp.clientId] }), provider, { now })).resolves.toBeDefined();
    expect((await refusal(validate(await idp.mint({ aud: ['api', 'web'] }), provider, { now }))).reason).toBe('audience');
  });

  it('with requireAud false accepts a missing aud when azp is listed', async () => {
    const token = await idp.mint({ aud: undefined, azp: idp.clientId });
    const ok = await validate(token, provider, { now, requireAud: false });
    expect(ok.claims.aud).toEqual([]);
    expect((await refusal(validate(token, provider, { now }))).reason).toBe('missingAud');
    const neither = await idp.hostile('missingAud');
    expect((await refusal(validate(neither, provider, { now, requireAud: false }))).reason).toBe('missingAud');
  });

  it('restricts algorithms when asked (Cognito documents RSA only)', async () => {
    const es = await idp.mint({}, { key: idp.keys[1] });
    const e = await refusal(validate(es, provider, { now, algorithms: ['RS256', 'RS384', 'RS512'] }));
    expect(e.reason).toBe('unsupportedAlg');
  });

  it('pins the signature check to the header alg and the key type (alg confusion, crit)', async () => {
    // Same payload and signature under another header: the signature no longer matches.
    const relabel = (token: string, header: Record<string, unknown>): string =>
      [Buffer.from(JSON.stringify(header)).toString('base64url'), ...token.split('.').slice(1)].join('.');
    const rs = await idp.mint();
    const es = await idp.mint({}, { key: idp.keys[1] });
    const cases: [string, string][] = [
      [relabel(rs, { alg: 'RS512', kid: 'rs-1' }), 'badSignature'], // another hash, same RSA key
      [relabel(rs, { alg: 'ES256', kid: 'rs-1' }), 'badSignature'], // an RSA key never verifies ES*
      [relabel(es, { alg: 'RS256', kid: 'es-1' }), 'badSignature'], // an EC key never verifies RS*
      [relabel(es, { alg: 'ES384', kid: 'es-1' }), 'badSignature'], // nor another curve's ES*
      [relabel(rs, { alg: 'PS256', kid: 'rs-1' }), 'unsupportedAlg'],
      [relabel(rs, { alg: 'HS256', kid: 'rs-1' }), 'unsupportedAlg'],
      [relabel(rs, { alg: 'none', kid: 'rs-1' }), 'unsupportedAlg'],
      [`${rs.split('.').slice(0, 2).join('.')}.`, 'badSignature'], // signature stripped
    ];
    for (const [token, reason] of cases) expect((await refusal(validate(token, provider, { now }))).reason).toBe(reason);
    // A correctly signed token declaring a critical extension we do not implement is refused.
    const crit = await new CompactSign(Buffer.from(JSON.stringify({ iss: idp.issuer, sub: 'u', aud: idp.clientId, exp: Math.floor(now / 1000) + 60 })))
      .setProtectedHeader({ alg: 'RS256', kid: 'rs-1', crit: ['urn:example:x'], 'urn:example:x': 1 })
      .sign(idp.keys[0]!.privateKey, { crit: { 'urn:example:x': true } });
    const critRefusal = await refusal(validate(crit, provider, { now }));
    expect(critRefusal.reason).toBe('badSignature');
    expect(critRefusal.message).toMatch(/critical/);
  });

  it('refetches once for an unknown kid after rotation, rate-limited to once per 30 s', async () => {
    const idp2 = await startTestIdp({ now: () => now });
    const v = createIdTokenValidator();
    const p = { ...provider, issuerKey: idp2.issuerKey, clientIds: [idp2.clientId] };
    try {
      await v(await idp2.mint(), p, { now });
      expect(idp2.fetches.jwks).toBe(1);
      const rotated = await idp2.rotate('RS256');
      const fresh = await idp2.mint({}, { key: rotated });
      // Within 30 s of the last fetch the new kid is unknown, however often it is tried.
      for (let i = 0; i < 5; i++) expect((await refusal(v(fresh, p, { now: now + 1000 }))).reason).toBe('unknownKid');
      expect(idp2.fetches.jwks).toBe(1);
      const ok = await v(fresh, p, { now: now + 30_000 });
      expect(ok.header.kid).toBe(rotated.kid);
      expect(idp2.fetches.jwks).toBe(2);
      // Garbage kids right after cannot trigger more fetches.
      for (let i = 0; i < 5; i++) await refusal(v(await idp2.hostile('unknownKid'), p, { now: now + 31_000 }));
      expect(idp2.fetches.jwks).toBe(2);
    } finally {
      await idp2.close();
    }
  });

  it('uses the single fitting key when the token has no kid, and refuses when that is ambiguous', async () => {
    const idp3 = await startTestIdp({ now: () => now });
    const v = createIdTokenValidator();
    const p = { ...provider, issuerKey: idp3.issuerKey, clientIds: [idp3.clientId] };
    try {
      const ok = await v(await idp3.mint({}, { kid: null }), p, { now });
      expect(ok.header.kid).toBeUndefined();
      const second = await idp3.rotate('RS256');
      const ambiguous = await idp3.mint({}, { kid: null, key: second });
      // Past the JWKS's max-age, the keys are refetched and now hold two RSA keys.
      expect((await refusal(v(ambiguous, p, { now: now + 601_000 }))).reason).toBe('unknownKid');
      expect(idp3.fetches.jwks).toBe(2);
    } finally {
      await idp3.close();
    }
  });

  it('reports an IdP that fails as jwksUnavailable, flagging 5xx as unreachable', async () => {
    const idp4 = await startTestIdp({ now: () => now });
    const p = { ...provider, issuerKey: idp4.issuerKey, clientIds: [idp4.clientId] };
    try {
      idp4.fault = 'status500';
      const down = await refusal(createIdTokenValidator()(await idp4.mint(), p, { now }));
      expect(down).toMatchObject({ reason: 'jwksUnavailable', unreachable: true });
      idp4.fault = 'tooManyKeys';
      const broken = await refusal(createIdTokenValidator()(await idp4.mint(), p, { now }));
      expect(broken).toMatchObject({ reason: 'jwksUnavailable', unreachable: false });
    } finally {
      await idp4.close();
    }
  });

  it('accepts an Auth0-style issuer with a trailing slash for a key without one, and the reverse', async () => {
    const auth0 = await startTestIdp({ now: () => now, trailingSlash: true, path: '/t' });
    const v = createIdTokenValidator();
    try {
      expect(auth0.issuer.endsWith('/t/')).toBe(true);
      const token = await auth0.mint();
      await expect(v(token, { ...provider, issuerKey: auth0.issuerKey, clientIds: [auth0.clientId] }, { now })).resolves.toBeDefined();
      await expect(v(token, { ...provider, issuerKey: `${auth0.issuerKey}/`, clientIds: [auth0.clientId] }, { now })).resolves.toBeDefined();
      const plain = await auth0.mint({ iss: auth0.issuer.slice(0, -1) });
      await expect(v(plain, { ...provider, issuerKey: `${auth0.issuerKey}/`, clientIds: [auth0.clientId] }, { now })).resolves.toBeDefined();
    } finally {
      await auth0.close();
    }
  });
});

describe('issuers', () => {
  it('accept http only for loopback hosts', () => {
    expect(acceptedIssuers('idp.example.com/x')).toEqual(['https://idp.example.com/x', 'https://idp.example.com/x/']);
    expect(acceptedIssuers('127.0.0.1:8080')).toContain('http://127.0.0.1:8080');
    expect(acceptedIssuers('[::1]:8080')).toContain('http://[::1]:8080/');
    expect(acceptedIssuers('localhost')).toContain('http://localhost');
    expect(acceptedIssuers('')).toEqual([]);
  });

  it('issuerKeyOf strips the scheme and one trailing slash', () => {
    expect(issuerKeyOf('https://tenant.auth0.com/')).toBe('tenant.auth0.com');
    expect(issuerKeyOf('https://token.actions.githubusercontent.com')).toBe('token.actions.githubusercontent.com');
    expect(issuerKeyOf('http://127.0.0.1:9000/realms/x')).toBe('127.0.0.1:9000/realms/x');
    expect(issuerKeyOf('accounts.google.com')).toBe('accounts.google.com');
  });
});

describe('validateIdToken against a third-party IdP over https', () => {
  let dir: string;
  let local: LocalTls;
  let idp: TestIdp;
  let thumbprint: string;
  const now = Date.now();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cognate-oidc-'));
    local = await ensureLocalTls(join(dir, 'tls'));
    idp = await startTestIdp({ tls: local, path: '/realm' });
    thumbprint = sha1Thumbprint(new X509Certificate(local.caPem).raw);
  });
  afterAll(async () => {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts tokens when the provider pins the CA thumbprint', async () => {
    const provider = { issuerKey: idp.issuerKey, clientIds: [idp.clientId], thumbprints: [thumbprint.toUpperCase()] };
    expect(idp.issuer).toMatch(/^https:\/\/localhost:\d+\/realm$/);
    const ok = await createIdTokenValidator()(await idp.mint(), provider, { now });
    expect(ok.claims.iss).toBe(idp.issuer);
  });

  it('refuses them as untrustedTransport without a matching thumbprint', async () => {
    for (const thumbprints of [[], ['f'.repeat(40)]]) {
      const provider = { issuerKey: idp.issuerKey, clientIds: [idp.clientId], thumbprints };
      const e = await refusal(createIdTokenValidator()(await idp.mint(), provider, { now }));
      expect(e.reason).toBe('untrustedTransport');
    }
  });

  it('trusts the system store (NODE_EXTRA_CA_CERTS) without any thumbprint', async () => {
    const module = fileURLToPath(new URL('./token-validator.ts', import.meta.url));
    const provider = { issuerKey: idp.issuerKey, clientIds: [idp.clientId], thumbprints: [] };
    const script = `import { createIdTokenValidator } from ${JSON.stringify(module)};
      const r = await createIdTokenValidator()(process.env.TOKEN, ${JSON.stringify(provider)}, { now: Date.now() });
      process.stdout.write(r.claims.sub);`;
    const token = await idp.mint();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          env: { ...process.env, NODE_EXTRA_CA_CERTS: local.caPath, TOKEN: token },
          cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(out).toBe('user-123');
  });
});
