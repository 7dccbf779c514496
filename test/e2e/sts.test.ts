/// <reference path="../support/context.d.ts" />
/**
 * STS end to end: AssumeRoleWithWebIdentity with tokens of a third-party test IdP (and of this
 * server's own Cognito Identity), GetCallerIdentity with the credentials it returns, and those
 * credentials authorizing IAM calls — driven only by `@aws-sdk/client-sts` and `@aws-sdk/client-iam`.
 */
import { join } from 'node:path';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, DeleteOpenIDConnectProviderCommand, GetRoleCommand, IAMClient, ListRolesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient, type AssumeRoleWithWebIdentityCommandInput, type Credentials } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/server.js';
import { cognitoTokensOf } from '../../src/core/federation/cognito-token.js';
import { ensureLocalTls } from '../../src/core/tls/local-ca.js';
import { startTestIdp, type HostileToken, type TestIdp } from '../support/oidc-idp.js';
import { ACCOUNT, awsClient, fails, startAwsServer, type AwsTestServer } from '../support/aws-server.js';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const temporary = (c: Credentials): Required<Keys> => ({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
const trustFor = (federated: string, conditions: Record<string, Record<string, unknown>> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: federated }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: conditions }] });
const allow = (action: string, resource: string, condition?: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) }] });

describe('STS', () => {
  let live: AwsTestServer | undefined;
  let dir: string;
  let server: RunningServer;
  let iam: IAMClient;
  let sts: STSClient;
  let idp: TestIdp;
  let providerArn: string;
  let roleArn: string;
  let roleId: string;

  const clients: { destroy(): void }[] = [];
  const stsAs = (credentials?: Keys) => {
    const c = awsClient(STSClient, server, credentials);
    clients.push(c);
    return c;
  };
  const iamAs = (credentials: Keys) => {
    const c = awsClient(IAMClient, server, credentials);
    clients.push(c);
    return c;
  };
  const assume = (token: string, more: Partial<AssumeRoleWithWebIdentityCommandInput> = {}) =>
    sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'web-session', WebIdentityToken: token, ...more }));

  beforeAll(async () => {
    live = await startAwsServer('sqlite');
    dir = live.dataDir;
    server = live.server;
    iam = awsClient(IAMClient, server, server.context.root);
    sts = stsAs();
    idp = await startTestIdp();
    providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.clientId] }))).OpenIDConnectProviderArn!;
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: 'WebUser',
        Path: '/federated/',
        MaxSessionDuration: 7200,
        AssumeRolePolicyDocument: trustFor(providerArn, { StringEquals: { [`${idp.issuerKey}:aud`]: idp.clientId }, StringLike: { [`${idp.issuerKey}:sub`]: 'user-*' } }),
      }),
    );
    roleArn = role.Role!.Arn!;
    roleId = role.Role!.RoleId!;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'WebUser', PolicyName: 'read-self', PolicyDocument: allow('iam:GetRole', roleArn) }));
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    iam?.destroy();
    await idp?.close();
    await live?.close();
  });

  it('trades a third-party ID token for credentials that identify the session', async () => {
    const out = await assume(await idp.mint({ sub: 'user-123' }));
    const c = out.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretAccessKey).toHaveLength(40);
    expect(c.SessionToken!.length).toBeGreaterThan(100);
    expect(Math.abs(c.Expiration!.getTime() - (Date.now() + 3600_000))).toBeLessThan(60_000);
    expect(out.SubjectFromWebIdentityToken).toBe('user-123');
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${roleId}:web-session`, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/WebUser/web-session` });
    expect(out.Provider).toBe(idp.issuerKey);
    expect(out.Audience).toBe(idp.clientId);
    expect(out.PackedPolicySize).toBeUndefined();

    const me = await stsAs(temporary(c)).send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/WebUser/web-session`, UserId: `${roleId}:web-session` });
    const root = await stsAs(server.context.root).send(new GetCallerIdentityCommand({}));
    expect(root).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT });
  });

  it("authorizes the session's IAM calls with the role's policies", async () => {
    const creds = temporary((await assume(await idp.mint())).Credentials!);
    const asSession = iamAs(creds);
    expect((await asSession.send(new GetRoleCommand({ RoleName: 'WebUser' }))).Role?.Arn).toBe(roleArn);
    await fails(
      asSession.send(new ListRolesCommand({})),
      'AccessDenied',
      403,
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/WebUser/web-session is not authorized to perform: iam:ListRoles on resource: *`,
    );
    // A session policy narrows the role: here to nothing that GetRole on this role matches.
    const scoped = await assume(await idp.mint(), { Policy: allow('iam:GetRole', `arn:aws:iam::${ACCOUNT}:role/Other`) });
    expect(scoped.PackedPolicySize).toBeGreaterThan(0);
    await fails(iamAs(temporary(scoped.Credentials!)).send(new GetRoleCommand({ RoleName: 'WebUser' })), 'AccessDenied', 403);
  });

  it('refuses tampered and unknown credentials', async () => {
    const c = temporary((await assume(await idp.mint())).Credentials!);
    const flipped = c.sessionToken.slice(0, -5) + (c.sessionToken.slice(-5, -4) === 'A' ? 'B' : 'A') + c.sessionToken.slice(-4);
    await fails(stsAs({ ...c, sessionToken: flipped }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403, 'The security token included in the request is invalid');
    const other = temporary((await assume(await idp.mint())).Credentials!);
    await fails(stsAs({ ...c, sessionToken: other.sessionToken }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    await fails(stsAs({ ...c, secretAccessKey: other.secretAccessKey }).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);
  });

  it('refuses hostile tokens with the codes and texts STS uses', async () => {
    await fails(assume(await idp.hostile('expired')), 'ExpiredTokenException', 400, /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/);
    await fails(assume(await idp.hostile('wrongAudience')), 'InvalidIdentityTokenException', 400, 'Incorrect token audience');
    await fails(assume(await idp.hostile('wrongIssuer')), 'InvalidIdentityTokenException', 400, 'No OpenIDConnect provider found in your account for https://attacker.example');
    await fails(assume(await idp.hostile('garbage')), 'InvalidIdentityTokenException', 400, 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
    const forged: HostileToken[] = ['algNone', 'hs256WithPublicKeyPem', 'hs256WithPublicKeyJwk', 'foreignKeySameKid', 'unknownKid'];
    for (const kind of forged) await fails(assume(await idp.hostile(kind)), 'InvalidIdentityTokenException', 400);
    for (const kind of ['missingAud', 'azpMismatch'] as const) await fails(assume(await idp.hostile(kind)), 'InvalidIdentityTokenException', 400, 'Incorrect token audience');
    for (const kind of ['notYetValid', 'missingExp', 'missingSub'] as const) await fails(assume(await idp.hostile(kind)), 'InvalidIdentityTokenException', 400);
  });

  it('reports an unreachable IdP, and a deleted provider', async () => {
    const down = await startTestIdp({ path: '/down' });
    try {
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: down.issuer, ClientIDList: [down.clientId] }))).OpenIDConnectProviderArn!;
      await iam.send(new CreateRoleCommand({ RoleName: 'DownIdp', AssumeRolePolicyDocument: trustFor(arn) }));
      down.fault = 'status500';
      const token = await down.mint();
      await fails(assume(token, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/DownIdp` }), 'IDPCommunicationErrorException', 400);
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      await fails(assume(token, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/DownIdp` }), 'InvalidIdentityTokenException', 400, `No OpenIDConnect provider found in your account for ${down.issuer}`);
    } finally {
      await down.close();
    }
  });

  it('applies trust-policy conditions on <provider>:aud and :sub', async () => {
    const denied = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
    await fails(assume(await idp.mint({ sub: 'admin' })), 'AccessDenied', 403, denied);
    await iam.send(new CreateRoleCommand({ RoleName: 'OtherAudience', AssumeRolePolicyDocument: trustFor(providerArn, { StringEquals: { [`${idp.issuerKey}:aud`]: 'another-app' } }) }));
    await fails(assume(await idp.mint(), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/OtherAudience` }), 'AccessDenied', 403, denied);
    await fails(assume(await idp.mint(), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/NoSuchRole` }), 'AccessDenied', 403, denied);
    // The role path does not matter to the match.
    expect((await assume(await idp.mint(), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/WebUser` })).AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/WebUser/web-session`);
  });

  it('checks DurationSeconds and session policies', async () => {
    const short = await assume(await idp.mint(), { DurationSeconds: 900 });
    expect(Math.abs(short.Credentials!.Expiration!.getTime() - (Date.now() + 900_000))).toBeLessThan(60_000);
    await assume(await idp.mint(), { DurationSeconds: 7200 });
    await fails(assume(await idp.mint(), { DurationSeconds: 7201 }), 'ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    await fails(assume(await idp.mint(), { DurationSeconds: 60 }), 'ValidationError', 400, /^1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint/);
    await fails(assume(await idp.mint(), { Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}' }), 'MalformedPolicyDocumentException', 400);
    const arns = Array.from({ length: 10 }, (_, i) => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/${'p'.repeat(150)}${i}` }));
    await fails(assume(await idp.mint(), { Policy: allow('s3:GetObject', `arn:aws:s3:::${'b'.repeat(1000)}`), PolicyArns: arns }), 'PackedPolicyTooLargeException', 400);
  });

  it("accepts this server's own Cognito tokens as cognito-identity.amazonaws.com", async () => {
    const tokens = cognitoTokensOf(server.context)!;
    const pool = 'us-east-1:11111111-2222-3333-4444-555555555555';
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'CognitoAuth',
        AssumeRolePolicyDocument: trustFor('cognito-identity.amazonaws.com', {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': pool },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        }),
      }),
    );
    const cognitoRole = `arn:aws:iam::${ACCOUNT}:role/CognitoAuth`;
    await iam.send(new PutRolePolicyCommand({ RoleName: 'CognitoAuth', PolicyName: 'p', PolicyDocument: allow('iam:GetRole', cognitoRole, { StringEquals: { 'cognito-identity.amazonaws.com:aud': pool } }) }));
    const { token } = await tokens.issue({ poolId: pool, identityId: 'us-east-1:identity-1', amr: ['authenticated', 'accounts.google.com'], lifetimeSeconds: 600 });
    const out = await assume(token, { RoleArn: cognitoRole, RoleSessionName: 'CognitoIdentityCredentials' });
    expect(out).toMatchObject({ Provider: 'cognito-identity.amazonaws.com', Audience: pool, SubjectFromWebIdentityToken: 'us-east-1:identity-1' });
    // The pool id travelled in the session token into the later IAM decision.
    await iamAs(temporary(out.Credentials!)).send(new GetRoleCommand({ RoleName: 'CognitoAuth' }));

    const guest = await tokens.issue({ poolId: pool, identityId: 'us-east-1:identity-2', amr: ['unauthenticated'], lifetimeSeconds: 600 });
    await fails(assume(guest.token, { RoleArn: cognitoRole }), 'AccessDenied', 403);
    const expired = await tokens.issue({ poolId: pool, identityId: 'us-east-1:identity-1', amr: ['authenticated'], lifetimeSeconds: -60 });
    await fails(assume(expired.token, { RoleArn: cognitoRole }), 'ExpiredTokenException', 400, /^Token expired: /);
    const [h, p] = token.split('.');
    await fails(assume(`${h}.${p}.${'A'.repeat(86)}`, { RoleArn: cognitoRole }), 'InvalidIdentityTokenException', 400);
  });

  it('trusts an https IdP with a private CA through the thumbprint IAM recorded', async () => {
    const tls = await ensureLocalTls(join(dir, 'idp-tls'));
    const secure = await startTestIdp({ tls, path: '/realms/secure' });
    try {
      // No ThumbprintList: IAM records the presented CA's thumbprint itself.
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: secure.issuer, ClientIDList: [secure.clientId] }))).OpenIDConnectProviderArn!;
      await iam.send(new CreateRoleCommand({ RoleName: 'SecureIdp', AssumeRolePolicyDocument: trustFor(arn, { StringEquals: { [`${secure.issuerKey}:sub`]: 'user-123' } }) }));
      const out = await assume(await secure.mint(), { RoleArn: `arn:aws:iam::${ACCOUNT}:role/SecureIdp` });
      expect(out.Provider).toBe(secure.issuerKey);
    } finally {
      await secure.close();
    }
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`STS credentials across a restart [${dialect}]`, () => {
    it('keep working on a new server over the same data', async () => {
      const live = await startAwsServer(dialect);
      const idp = await startTestIdp();
      try {
        const iam = awsClient(IAMClient, live.server, live.server.context.root);
        const providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.clientId] }))).OpenIDConnectProviderArn!;
        await iam.send(new CreateRoleCommand({ RoleName: 'Durable', AssumeRolePolicyDocument: trustFor(providerArn) }));
        iam.destroy();
        const sts = awsClient(STSClient, live.server);
        const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/Durable`, RoleSessionName: 'durable', WebIdentityToken: await idp.mint() }));
        sts.destroy();

        const server = await live.restart();
        const again = awsClient(STSClient, server, temporary(out.Credentials!));
        expect((await again.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Durable/durable`);
        again.destroy();
      } finally {
        await live.close();
        await idp.close();
      }
    });
  });
}
