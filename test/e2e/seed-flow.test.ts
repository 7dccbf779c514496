/**
 * The seed topic end to end ("Integrate with Amazon Cognito", auth0-api.md §9): a user signs up
 * at Cognate's IdP and signs in with password-realm; an IAM OIDC provider (Url = https://domain,
 * audience = the application's client id, thumbprint from `cognate thumbprint`) and an identity
 * pool trust it; Cognito Identity turns the RS256 ID token into credentials STS accepts. An HS256
 * ID token is refused with the seed's troubleshooting message, and RS256 works again afterwards.
 *
 * The server fetches its own issuer's discovery and JWKS over https. The local CA is not in the
 * system store, so that fetch is trusted through the provider's thumbprint (the CA certificate,
 * the last one the server presents).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, GetOpenIDConnectProviderCommand, IAMClient, UpdateOpenIDConnectProviderThumbprintCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchApplication } from '../support/auth0-apps.js';
import { startAuth0TestServer, type Auth0TestServer } from '../support/auth0-server.js';

const REGION = 'us-east-1';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const CONNECTION = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-9';
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

let t: Auth0TestServer;
let app: { clientId: string; clientSecret: string | null };
let aws: { endpoint: string; region: string; maxAttempts: number; requestHandler: { httpsAgent: Agent } };
let providerKey = '';
let poolId = '';
let authRoleName = '';
const email = `seed.${Date.now()}@example.test`;

const trustPolicy = (pool: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': pool }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
      },
    ],
  });

/** password-realm sign-in; returns the ID token. */
async function signIn(): Promise<string> {
  const res = await t.fetch(`${t.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: REALM_GRANT, client_id: app.clientId, client_secret: app.clientSecret, username: email, password: PASSWORD, realm: CONNECTION, scope: 'openid profile email' }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { id_token?: string };
  expect(body.id_token).toBeTruthy();
  return body.id_token ?? '';
}

/** The application's ID-token algorithm (no Management API yet: the stored application is edited). */
const setIdTokenAlg = (alg: 'RS256' | 'HS256'): Promise<void> =>
  patchApplication(t.server, app.clientId, (body) => {
    body.jwt_configuration = { ...body.jwt_configuration, alg };
  });

/** GetId + GetCredentialsForIdentity with the ID token, then STS GetCallerIdentity with the credentials. */
async function exchange(idToken: string): Promise<{ identityId: string; arn: string }> {
  const identity = new CognitoIdentityClient(aws);
  const logins = { [providerKey]: idToken };
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: logins }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
  expect(Credentials?.AccessKeyId).toMatch(/^ASIA/);
  const credentials = { accessKeyId: Credentials?.AccessKeyId ?? '', secretAccessKey: Credentials?.SecretKey ?? '', sessionToken: Credentials?.SessionToken ?? '' };
  const caller = await new STSClient({ ...aws, credentials }).send(new GetCallerIdentityCommand({}));
  return { identityId: IdentityId ?? '', arn: caller.Arn ?? '' };
}

beforeAll(async () => {
  t = await startAuth0TestServer();
  const ca = await readFile(join(t.dataDir, 'tls', 'ca.pem'), 'utf8');
  aws = { endpoint: t.url, region: REGION, maxAttempts: 1, requestHandler: { httpsAgent: new Agent({ ca }) } };
  app = await t.createApp({ app_type: 'regular_web', grant_types: ['authorization_code', 'refresh_token', REALM_GRANT], callbacks: ['https://app.example.test/cb'] });
});

afterAll(async () => t?.close());

describe('seed flow: Cognate IdP → IAM OIDC provider → Cognito Identity → STS', () => {
  it('signs up at /dbconnections/signup and signs in for an RS256 ID token', async () => {
    const res = await t.signUp(app.clientId, email, PASSWORD);
    expect(res.status).toBe(200);
    const idToken = await signIn();
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(decodeJwt(idToken)).toMatchObject({ iss: t.issuer, aud: app.clientId, sub: expect.stringMatching(/^auth0\|/) });
  });

  it('registers the issuer as an IAM OIDC provider with the thumbprint from `cognate thumbprint`, and a pool trusting it', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'thumbprint', t.issuer], { timeout: 20_000 });
    const thumbprint = stdout.trim();
    expect(thumbprint).toMatch(/^[0-9a-f]{40}$/);
    const iam = new IAMClient({ ...aws, credentials: t.server.context.root });
    // §9: the provider Url is the issuer exactly as the seed registers it, Auth0's trailing slash
    // included; IAM keeps it verbatim (`localhost:<port>/`) and Cognito still answers to the
    // Logins key `localhost:<port>`, as with Auth0 and AWS.
    const domain = new URL(t.url).host;
    // First with a wrong thumbprint: the local CA is in no system store, so only the pin can make
    // the server's fetch of its own discovery document and JWKS trusted.
    const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://${domain}/`, ClientIDList: [app.clientId], ThumbprintList: ['0'.repeat(40)] }));
    providerKey = domain;

    const identity = new CognitoIdentityClient({ ...aws, credentials: t.server.context.root });
    const pool = await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'seed flow', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [OpenIDConnectProviderArn ?? ''] }));
    poolId = pool.IdentityPoolId ?? '';
    authRoleName = `CognateSeedAuth-${randomUUID().slice(0, 8)}`;
    const role = await iam.send(new CreateRoleCommand({ RoleName: authRoleName, AssumeRolePolicyDocument: trustPolicy(poolId) }));
    await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: role.Role?.Arn ?? '' } }));

    const untrusted = await new CognitoIdentityClient(aws).send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerKey]: await signIn() } })).then(
      () => undefined,
      (e: unknown) => e as { name: string },
    );
    expect(untrusted?.name).toBe('NotAuthorizedException');
    await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn, ThumbprintList: [thumbprint] }));
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    expect(provider.Url).toBe(`${domain}/`);
    expect(provider.ThumbprintList).toEqual([thumbprint]);
    // Cognito Identity reads providers through a short cache (IAM changes propagate, as on AWS).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await new CognitoIdentityClient(aws).send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerKey]: await signIn() } })).then(
        () => true,
        () => false,
      );
      if (ok) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  it('GetId and GetCredentialsForIdentity accept the ID token; STS knows the credentials', async () => {
    const first = await exchange(await signIn());
    expect(first.identityId).toMatch(/^us-east-1:/);
    expect(first.arn).toMatch(new RegExp(`:assumed-role/${authRoleName}/CognitoIdentityCredentials$`));
    // The same user maps to the same identity; fromCognitoIdentityPool drives the same two calls.
    const credentials = fromCognitoIdentityPool({ clientConfig: aws, identityPoolId: poolId, logins: { [providerKey]: await signIn() } });
    expect((await credentials()).identityId).toBe(first.identityId);
    const caller = await new STSClient({ ...aws, credentials }).send(new GetCallerIdentityCommand({}));
    expect(caller.Arn).toBe(first.arn);
  });

  it('an HS256 ID token is "Invalid login token. Couldn\'t verify signed token."; back on RS256 it works again', async () => {
    await setIdTokenAlg('HS256');
    const hs = await signIn();
    expect(decodeProtectedHeader(hs).alg).toBe('HS256');
    const identity = new CognitoIdentityClient(aws);
    const refused = await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [providerKey]: hs } })).then(
      () => undefined,
      (e: unknown) => e as { name: string; message: string },
    );
    expect(refused).toMatchObject({ name: 'NotAuthorizedException', message: "Invalid login token. Couldn't verify signed token." });

    await setIdTokenAlg('RS256');
    const rs = await signIn();
    expect(decodeProtectedHeader(rs).alg).toBe('RS256');
    expect((await exchange(rs)).arn).toMatch(/:assumed-role\//);
  });
});
