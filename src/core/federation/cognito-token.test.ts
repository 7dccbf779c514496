import { CompactSign, SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { Sealer } from '../keys/sealer.js';
import { SigningKeyRing } from '../keys/signing-key-ring.js';
import {
  CognitoTokenError,
  CognitoTokens,
  POOL_ARN_CLAIM,
  TAGS_CLAIM,
  attachCognitoTokens,
  cognitoWebIdentity,
  principalTagsOf,
  verifyCognitoToken,
} from './cognito-token.js';
import { UnrotatedSigningKeys } from '../../../test/support/memory-keys.js';

const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const ID = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

function setup() {
  const clock = new ManualClock(1_800_000_000_000);
  const ring = new SigningKeyRing(new UnrotatedSigningKeys(), new Sealer(Buffer.alloc(32, 3)), clock, { purpose: 'cognito-identity-token', alg: 'RS512', kid: (n) => `us-east-1-${n}` });
  const tokens = new CognitoTokens(ring, { baseUrl: () => 'http://localhost:8443', region: 'us-east-1', accountId: '123456789012', clock });
  return { clock, ring, tokens };
}

async function reason(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof CognitoTokenError ? e.reason : String(e)),
  );
}

describe('the OpenID token Cognito Identity issues (aws-apis.md §1.7)', () => {
  it('is RS512 with a region kid, aud = pool, sub = identity, amr array, pool ARN and tags claims', async () => {
    const { tokens } = setup();
    const { token, claims } = await tokens.issue({ poolId: POOL, identityId: ID, amr: ['authenticated', 'dev', `dev:${POOL}:u1`], principalTags: { team: 'red' }, lifetimeSeconds: 900 });
    expect(decodeProtectedHeader(token)).toEqual({ kid: 'us-east-1-1', typ: 'JWS', alg: 'RS512' });
    expect(claims).toMatchObject({ iss: 'http://localhost:8443/cognito-identity', aud: POOL, sub: ID, amr: ['authenticated', 'dev', `dev:${POOL}:u1`], iat: 1_800_000_000, exp: 1_800_000_900 });
    expect(claims[POOL_ARN_CLAIM]).toBe(`arn:aws:cognito-identity:us-east-1:123456789012:identitypool/${POOL}`);
    expect(claims[TAGS_CLAIM]).toEqual({ principal_tags: { team: ['red'] } });
    const verified = await tokens.verify(token);
    expect(verified).toEqual(claims);
    expect(principalTagsOf(verified)).toEqual({ team: 'red' });
    expect(cognitoWebIdentity(verified, principalTagsOf(verified))).toEqual({
      federatedPrincipal: 'cognito-identity.amazonaws.com',
      keyPrefix: 'cognito-identity.amazonaws.com',
      claims: { aud: POOL, sub: ID, amr: ['authenticated', 'dev', `dev:${POOL}:u1`] },
      provider: 'cognito-identity.amazonaws.com',
      audience: POOL,
      subject: ID,
      principalTags: { team: 'red' },
    });
  });

  it('expires at exp, reporting now and exp', async () => {
    const { tokens, clock } = setup();
    const { token } = await tokens.issue({ poolId: POOL, identityId: ID, amr: ['unauthenticated'], lifetimeSeconds: 600 });
    clock.advance(599_000);
    await expect(tokens.verify(token)).resolves.toBeDefined();
    clock.advance(1_000);
    const e = await tokens.verify(token).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CognitoTokenError);
    expect(e).toMatchObject({ reason: 'expired', now: 1_800_000_600, exp: 1_800_000_600, message: 'Token expired: 1800000600 >= 1800000600' });
  });

  it('refuses tampering, other keys, alg none, HS512 with the public key, unknown kids, other issuers and garbage', async () => {
    const { tokens, ring } = setup();
    const { token } = await tokens.issue({ poolId: POOL, identityId: ID, amr: ['unauthenticated'], lifetimeSeconds: 600 });
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'us-east-1:other' })).toString('base64url');
    expect(await reason(tokens.verify(`${h}.${forged}.${s}`))).toBe('signature');
    const other = await generateKeyPair('RS512');
    const payload = Buffer.from(p, 'base64url');
    expect(await reason(tokens.verify(await new CompactSign(payload).setProtectedHeader({ alg: 'RS512', kid: 'us-east-1-1' }).sign(other.privateKey)))).toBe('signature');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'us-east-1-1' })).toString('base64url')}.${p}.`;
    expect(await reason(tokens.verify(none))).toBe('signature');
    const publicJwk = (await ring.verificationKeys())[0]!;
    const hmac = await new CompactSign(payload).setProtectedHeader({ alg: 'HS512', kid: 'us-east-1-1' }).sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await reason(tokens.verify(hmac))).toBe('signature');
    const key = await ring.current();
    expect(await reason(tokens.verify(await new CompactSign(payload).setProtectedHeader({ alg: 'RS512', kid: 'us-east-1-9' }).sign(key.privateKey)))).toBe('signature');
    const foreign = await new SignJWT({ aud: POOL, sub: ID, amr: ['authenticated'] })
      .setProtectedHeader({ alg: 'RS512', kid: key.kid })
      .setIssuer('https://cognito-identity.amazonaws.com')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key.privateKey);
    expect(await reason(tokens.verify(foreign))).toBe('issuer');
    expect(await reason(tokens.verify('garbage'))).toBe('malformed');
    expect(await reason(tokens.verify(await new CompactSign(new TextEncoder().encode('[]')).setProtectedHeader({ alg: 'RS512', kid: key.kid }).sign(key.privateKey)))).toBe('claims');
  });

  it('serves discovery and a JWKS of public keys only', async () => {
    const { tokens } = setup();
    expect(tokens.discovery()).toMatchObject({
      issuer: 'http://localhost:8443/cognito-identity',
      jwks_uri: 'http://localhost:8443/cognito-identity/.well-known/jwks_uri',
      id_token_signing_alg_values_supported: ['RS512'],
    });
    const { keys } = await tokens.jwks();
    expect(keys.map((k) => k.kid)).toEqual(['us-east-1-1', 'us-east-1-2']);
    expect(keys.every((k) => !('d' in k))).toBe(true);
  });

  it('verifyCognitoToken finds the service attached to the running app', async () => {
    const { tokens } = setup();
    const host = { storage: {} };
    await expect(verifyCognitoToken(host, 'x')).rejects.toBeInstanceOf(CognitoTokenError);
    attachCognitoTokens(host, tokens);
    const { token } = await tokens.issue({ poolId: POOL, identityId: ID, amr: ['unauthenticated'], lifetimeSeconds: 600 });
    expect((await verifyCognitoToken({ ...host, other: 1 } as { storage: object }, token)).sub).toBe(ID);
  });
});
