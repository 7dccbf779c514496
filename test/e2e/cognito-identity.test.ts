/**
 * Cognito Identity end to end: a live server in-process, driven only by the official clients —
 * @aws-sdk/client-cognito-identity, client-iam (OIDC provider and roles), client-sts and
 * credential-providers' fromCognitoIdentityPool — against a third-party test IdP.
 */
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  GetPrincipalTagAttributeMapCommand,
  ListIdentitiesCommand,
  ListIdentityPoolsCommand,
  ListTagsForResourceCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  TagResourceCommand,
  UnlinkDeveloperIdentityCommand,
  UnlinkIdentityCommand,
  UntagResourceCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/server.js';
import { ACCOUNT, awsClient, expectMessage, REGION, rejection, startAwsServer, type AwsError, type AwsTestServer } from '../support/aws-server.js';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.js';

const NOT_SUPPORTED = 'Token is not from a supported provider of this identity pool.';
const COULD_NOT_VERIFY = "Invalid login token. Couldn't verify signed token.";

/** Expects the SDK to surface `name` (HTTP 400 unless said otherwise), with `message` when given. */
async function fails(p: Promise<unknown>, name: string, message?: string | RegExp, status = 400): Promise<AwsError> {
  const e = await rejection(p, name);
  expect({ name: e.name, status: e.$metadata?.httpStatusCode }).toEqual({ name, status });
  expectMessage(e, message);
  return e;
}

const trust = (poolId: string, amr: 'authenticated' | 'unauthenticated') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr } },
      },
    ],
  });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`Cognito Identity [${dialect}]`, () => {
    let live: AwsTestServer | undefined;
    let server: RunningServer;
    let idp: TestIdp;
    let providerArn: string;
    let identity: CognitoIdentityClient;
    let iam: IAMClient;
    let sts: STSClient;

    const client = <T,>(C: new (c: object) => T, credentials?: object): T => awsClient(C, server, credentials);
    const role = async (name: string, policy: string) => (await iam.send(new CreateRoleCommand({ RoleName: `${name}-${randomUUID().slice(0, 8)}`, AssumeRolePolicyDocument: policy }))).Role!;
    const logins = async (sub: string, claims: Record<string, unknown> = {}) => ({ [idp.issuerKey]: await idp.mint({ sub, ...claims }) });

    /** A pool trusting the test IdP, with guest and authenticated roles whose trust policies name it. */
    async function pool(extra: Record<string, unknown> = {}) {
      const created = await identity.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: `e2e ${dialect}`, AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: [providerArn], DeveloperProviderName: 'login.example', ...extra }),
      );
      const poolId = created.IdentityPoolId!;
      const auth = await role('Auth', trust(poolId, 'authenticated'));
      const guest = await role('Guest', trust(poolId, 'unauthenticated'));
      await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: auth.Arn!, unauthenticated: guest.Arn! } }));
      return { poolId, auth, guest };
    }

    /** The caller identity of credentials from `fromCognitoIdentityPool`, as STS reports it. */
    async function whoAmI(poolId: string, l?: Record<string, string>) {
      const credentials = fromCognitoIdentityPool({ clientConfig: { endpoint: server.url, region: REGION, maxAttempts: 1 }, identityPoolId: poolId, ...(l ? { logins: l } : {}) });
      const resolved = await credentials();
      return { resolved, caller: await client(STSClient, credentials).send(new GetCallerIdentityCommand({})) };
    }

    beforeAll(async () => {
      live = await startAwsServer(dialect);
      server = live.server;
      idp = await startTestIdp();
      identity = client(CognitoIdentityClient, server.context.root);
      iam = client(IAMClient, server.context.root);
      sts = client(STSClient);
      const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.clientId], ThumbprintList: [] }));
      providerArn = provider.OpenIDConnectProviderArn!;
    });

    afterAll(async () => {
      await idp?.close();
      await live?.close();
    });

    it('pools: create, describe, PUT update, list pages, tags, delete, and their errors', async () => {
      const created = await identity.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'crud pool', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true, OpenIdConnectProviderARNs: [providerArn], IdentityPoolTags: { env: 'test' } }),
      );
      const id = created.IdentityPoolId!;
      expect(id).toMatch(/^us-east-1:[0-9a-f]{8}-[0-9a-f-]{27}$/);
      const described = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
      expect(described).toMatchObject({ IdentityPoolId: id, IdentityPoolName: 'crud pool', AllowUnauthenticatedIdentities: false, AllowClassicFlow: true, OpenIdConnectProviderARNs: [providerArn] });
      await identity.send(new UpdateIdentityPoolCommand({ IdentityPoolId: id, IdentityPoolName: 'renamed', AllowUnauthenticatedIdentities: true }));
      const updated = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id }));
      expect(updated.IdentityPoolName).toBe('renamed');
      expect(updated.AllowClassicFlow).toBeUndefined();
      expect(updated.OpenIdConnectProviderARNs).toBeUndefined();
      const arn = `arn:aws:cognito-identity:${REGION}:${ACCOUNT}:identitypool/${id}`;
      await identity.send(new TagResourceCommand({ ResourceArn: arn, Tags: { team: 'blue' } }));
      await identity.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['env'] }));
      expect((await identity.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual({ team: 'blue' });
      const second = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'second', AllowUnauthenticatedIdentities: false }))).IdentityPoolId!;
      const seen: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await identity.send(new ListIdentityPoolsCommand({ MaxResults: 1, NextToken }));
        expect(page.IdentityPools!.length).toBeLessThanOrEqual(1);
        seen.push(...page.IdentityPools!.map((p) => p.IdentityPoolId!));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(seen).toEqual(expect.arrayContaining([id, second]));
      await identity.send(new DeleteIdentityPoolCommand({ IdentityPoolId: id }));
      await fails(identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: id })), 'ResourceNotFoundException', `IdentityPool '${id}' not found.`);
      await fails(identity.send(new DeleteIdentityPoolCommand({ IdentityPoolId: id })), 'ResourceNotFoundException');
      await fails(
        identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'bad', AllowUnauthenticatedIdentities: true, OpenIdConnectProviderARNs: [`arn:aws:iam::${ACCOUNT}:oidc-provider/nowhere.example`] })),
        'InvalidParameterException',
      );
      await fails(identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'bad/name', AllowUnauthenticatedIdentities: true })), 'ValidationException', /^1 validation error detected: Value 'bad\/name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    });

    it('guests: fromCognitoIdentityPool credentials that STS accepts; refused where the pool allows none', async () => {
      const { poolId, guest } = await pool();
      const { resolved, caller } = await whoAmI(poolId);
      expect(resolved.identityId).toMatch(/^us-east-1:/);
      expect(resolved.expiration!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
      expect(caller.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${guest.RoleName}/CognitoIdentityCredentials`);
      expect(caller.UserId).toBe(`${guest.RoleId}:CognitoIdentityCredentials`);
      const closed = (await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'closed', AllowUnauthenticatedIdentities: false }))).IdentityPoolId!;
      await fails(identity.send(new GetIdCommand({ IdentityPoolId: closed })), 'NotAuthorizedException', 'Unauthenticated access is not supported for this identity pool.');
      await fails(identity.send(new GetIdCommand({ IdentityPoolId: closed, Logins: await logins('x') })), 'NotAuthorizedException', `Identity pool - ${closed} does not have identity providers configured.`);
    });

    it('authenticated: one identity per user, enhanced-flow credentials, and the JWKS fetched once', async () => {
      const { poolId, auth } = await pool();
      const alice = (await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('alice') }))).IdentityId!;
      expect((await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('alice') }))).IdentityId).toBe(alice);
      expect((await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('bob') }))).IdentityId).not.toBe(alice);
      const fetched = idp.fetches.jwks;
      for (let i = 0; i < 5; i++) {
        const { resolved, caller } = await whoAmI(poolId, await logins('alice'));
        expect(resolved.identityId).toBe(alice);
        expect(caller.UserId).toBe(`${auth.RoleId}:CognitoIdentityCredentials`);
      }
      expect(idp.fetches.jwks).toBe(fetched);
      const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: alice, Logins: await logins('alice') }));
      expect(got.Credentials).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/), SecretKey: expect.any(String), SessionToken: expect.any(String) });
      expect(got.Credentials!.Expiration).toBeInstanceOf(Date);
      await fails(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: alice })), 'NotAuthorizedException', `Access to Identity '${alice}' is forbidden.`);
      await fails(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: alice, Logins: await logins('mallory') })), 'NotAuthorizedException', /^Logins don't match/);
      const unknown = `${REGION}:${randomUUID()}`;
      await fails(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: unknown })), 'NotAuthorizedException', `Identity '${unknown}' not found.`);
      const described = await identity.send(new DescribeIdentityCommand({ IdentityId: alice }));
      expect(described).toMatchObject({ IdentityId: alice, Logins: [idp.issuerKey] });
      expect(described.CreationDate).toBeInstanceOf(Date);
      const listed = await identity.send(new ListIdentitiesCommand({ IdentityPoolId: poolId, MaxResults: 60 }));
      expect(listed.Identities!.map((i) => i.IdentityId)).toContain(alice);
      await identity.send(new UnlinkIdentityCommand({ IdentityId: alice, Logins: await logins('alice'), LoginsToRemove: [idp.issuerKey] }));
      expect((await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('alice') }))).IdentityId).not.toBe(alice);
      expect((await identity.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [alice] }))).UnprocessedIdentityIds).toEqual([]);
    });

    it('classic flow: GetOpenIdToken, verifiable by discovery, accepted by STS; refused when disabled', async () => {
      const { poolId, auth } = await pool();
      const id = (await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('carol') }))).IdentityId!;
      const { Token, IdentityId } = await identity.send(new GetOpenIdTokenCommand({ IdentityId: id, Logins: await logins('carol') }));
      expect(IdentityId).toBe(id);
      const discovery = (await (await fetch(`${server.url}/cognito-identity/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
      expect(discovery.issuer).toBe(`${server.url}/cognito-identity`);
      const jwksResponse = await fetch(discovery.jwks_uri);
      expect(jwksResponse.headers.get('access-control-allow-origin')).toBe('*');
      expect(jwksResponse.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const { payload, protectedHeader } = await jwtVerify(Token!, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: discovery.issuer, audience: poolId });
      expect(protectedHeader).toMatchObject({ alg: 'RS512', kid: `${REGION}-1` });
      expect(payload).toMatchObject({ sub: id, amr: ['authenticated', idp.issuerKey, `${providerArn}:OIDC:carol`] });
      expect(payload.exp! - payload.iat!).toBe(600);
      const assumed = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: auth.Arn!, RoleSessionName: 'web-identity', WebIdentityToken: Token! }));
      expect(assumed.SubjectFromWebIdentityToken).toBe(id);
      const creds = assumed.Credentials!;
      const caller = await client(STSClient, { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! }).send(new GetCallerIdentityCommand({}));
      expect(caller.UserId).toBe(`${auth.RoleId}:web-identity`);
      const strict = await pool({ AllowClassicFlow: false });
      const guest = (await identity.send(new GetIdCommand({ IdentityPoolId: strict.poolId }))).IdentityId!;
      await fails(identity.send(new GetOpenIdTokenCommand({ IdentityId: guest })), 'InvalidParameterException', 'Basic (classic) flow is not enabled, please use enhanced flow.');
    });

    it('developer identities: token, credentials with it, lookup, merge and unlink', async () => {
      const { poolId, auth } = await pool();
      const d1 = await identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.example': 'user-1' }, TokenDuration: 1200 }));
      const d2 = await identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.example': 'user-2' } }));
      expect(d1.IdentityId).not.toBe(d2.IdentityId);
      const cognitoLogin = { 'cognito-identity.amazonaws.com': d1.Token! };
      const got = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: d1.IdentityId!, Logins: cognitoLogin }));
      const caller = await client(STSClient, { accessKeyId: got.Credentials!.AccessKeyId!, secretAccessKey: got.Credentials!.SecretKey!, sessionToken: got.Credentials!.SessionToken! }).send(new GetCallerIdentityCommand({}));
      expect(caller.UserId).toBe(`${auth.RoleId}:CognitoIdentityCredentials`);
      await fails(identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: cognitoLogin })), 'NotAuthorizedException', "Invalid login token. Can't pass in a Cognito token.");
      await fails(identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { 'login.example': 'user-1' } })), 'NotAuthorizedException', NOT_SUPPORTED);
      await fails(
        identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: d2.IdentityId!, Logins: { 'login.example': 'user-1' } })),
        'DeveloperUserAlreadyRegisteredException',
      );
      const lookup = await identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, DeveloperUserIdentifier: 'user-1' }));
      expect(lookup).toMatchObject({ IdentityId: d1.IdentityId, DeveloperUserIdentifierList: ['user-1'] });
      await fails(identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: d2.IdentityId!, DeveloperUserIdentifier: 'user-1' })), 'ResourceConflictException');
      const merged = await identity.send(new MergeDeveloperIdentitiesCommand({ IdentityPoolId: poolId, SourceUserIdentifier: 'user-2', DestinationUserIdentifier: 'user-1', DeveloperProviderName: 'login.example' }));
      expect(merged.IdentityId).toBe(d1.IdentityId);
      const both = await identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: poolId, IdentityId: d1.IdentityId! }));
      expect(both.DeveloperUserIdentifierList!.sort()).toEqual(['user-1', 'user-2']);
      await identity.send(new UnlinkDeveloperIdentityCommand({ IdentityId: d1.IdentityId!, IdentityPoolId: poolId, DeveloperProviderName: 'login.example', DeveloperUserIdentifier: 'user-2' }));
      const again = await identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: poolId, Logins: { 'login.example': 'user-2' } }));
      expect(again.IdentityId).not.toBe(d1.IdentityId);
    });

    it('role mappings: Rules choose another role; Deny refuses', async () => {
      const { poolId, auth } = await pool();
      const admin = await role('Admin', trust(poolId, 'authenticated'));
      await identity.send(
        new SetIdentityPoolRolesCommand({
          IdentityPoolId: poolId,
          Roles: { authenticated: auth.Arn! },
          RoleMappings: {
            [idp.issuerKey]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'groups', MatchType: 'Contains', Value: 'admin', RoleARN: admin.Arn! }] } },
          },
        }),
      );
      const roles = await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
      expect(roles.RoleMappings![idp.issuerKey]!.Type).toBe('Rules');
      await identity.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: idp.issuerKey, UseDefaults: true }));
      expect(await identity.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: idp.issuerKey }))).toMatchObject({ UseDefaults: true });
      const { caller } = await whoAmI(poolId, await logins('dana', { groups: ['staff', 'admins'] }));
      expect(caller.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${admin.RoleName}/CognitoIdentityCredentials`);
      await fails(whoAmI(poolId, await logins('erin', { groups: ['staff'] })), 'NotAuthorizedException', 'The ambiguous role mapping rules denied this request.');
    });

    it('mapped principal tags are session tags: a trust policy without sts:TagSession then refuses', async () => {
      const { poolId } = await pool();
      const noTags = await role('NoTags', trust(poolId, 'authenticated').replace(',"sts:TagSession"', ''));
      await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: noTags.Arn! } }));
      expect((await whoAmI(poolId, await logins('gail'))).caller.UserId).toBe(`${noTags.RoleId}:CognitoIdentityCredentials`);
      await identity.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: idp.issuerKey, PrincipalTags: { user: 'sub' } }));
      await fails(whoAmI(poolId, await logins('gail')), 'InvalidIdentityPoolConfigurationException');
    });

    it('a trust policy naming another pool is an invalid pool configuration', async () => {
      const { poolId, auth } = await pool();
      const other = await role('Other', trust(`${REGION}:${randomUUID()}`, 'authenticated'));
      await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: other.Arn!, unauthenticated: auth.Arn! } }));
      const id = (await identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: await logins('frank') }))).IdentityId!;
      await fails(
        identity.send(new GetCredentialsForIdentityCommand({ IdentityId: id, Logins: await logins('frank') })),
        'InvalidIdentityPoolConfigurationException',
        'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
      );
      const guest = (await identity.send(new GetIdCommand({ IdentityPoolId: poolId }))).IdentityId!;
      await fails(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: guest })), 'InvalidIdentityPoolConfigurationException');
    });

    it('hostile tokens are refused with Cognito’s messages', async () => {
      const { poolId } = await pool();
      const getId = (token: string, key = idp.issuerKey) => identity.send(new GetIdCommand({ IdentityPoolId: poolId, Logins: { [key]: token } }));
      const expired = await idp.hostile('expired');
      const exp = JSON.parse(Buffer.from(expired.split('.')[1]!, 'base64url').toString()).exp as number;
      await fails(getId(expired), 'NotAuthorizedException', new RegExp(`^Invalid login token\\. Token expired: \\d+ >= ${exp}$`));
      await fails(getId(await idp.hostile('wrongAudience')), 'NotAuthorizedException', NOT_SUPPORTED);
      await fails(getId(await idp.hostile('wrongIssuer')), 'NotAuthorizedException', "Invalid login token. Issuer doesn't match providerName");
      await fails(getId(await idp.mint({ sub: 'x' }), 'accounts.example.com'), 'NotAuthorizedException', NOT_SUPPORTED);
      for (const kind of ['foreignKeySameKid', 'algNone', 'hs256WithPublicKeyJwk', 'hs256WithPublicKeyPem', 'unknownKid'] as const) {
        await fails(getId(await idp.hostile(kind)), 'NotAuthorizedException', COULD_NOT_VERIFY);
      }
      await fails(getId(await idp.hostile('garbage')), 'NotAuthorizedException', /^Invalid login token\./);
      await fails(getId(await idp.hostile('missingAud')), 'NotAuthorizedException', 'Invalid login token. Missing a required claim: aud');
    });

    it('bad input never yields a 500', async () => {
      await fails(identity.send(new ListIdentityPoolsCommand({ MaxResults: 0 })), 'ValidationException', "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
      await fails(identity.send(new GetIdCommand({ IdentityPoolId: `${REGION}:${randomUUID()}` })), 'ResourceNotFoundException', /^IdentityPool '.*' not found\.$/);
      const raw = (target: string, body: string) =>
        fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${target}` }, body });
      const check = async (r: Response, type: string, status: number) => {
        expect(r.status).toBe(status);
        expect(((await r.json()) as { __type: string }).__type).toBe(type);
      };
      await check(await raw('NoSuchOperation', '{}'), 'UnknownOperationException', 400);
      for (const inherited of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) await check(await raw(inherited, '{}'), 'UnknownOperationException', 400);
      await check(await raw('GetId', '{"IdentityPoolId":'), 'SerializationException', 400);
      await check(await raw('GetId', '{"IdentityPoolId":42}'), 'SerializationException', 400);
      await check(await raw('CreateIdentityPool', '{"IdentityPoolName":"x","AllowUnauthenticatedIdentities":true}'), 'MissingAuthenticationTokenException', 403);
      const huge = await raw('GetId', JSON.stringify({ IdentityPoolId: 'x', Logins: { a: 'b'.repeat(3 * 1024 * 1024) } }));
      expect(huge.status).toBeGreaterThanOrEqual(400);
      expect(huge.status).toBeLessThan(500);
    });
  });
}
