/// <reference path="../support/context.d.ts" />
/**
 * IAM end to end: the real server in-process, driven only by `@aws-sdk/client-iam` (and raw
 * `fetch` for requests the SDK cannot make), on embedded SQLite and on PostgreSQL.
 */
import {
  AddClientIDToOpenIDConnectProviderCommand,
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProviderTagsCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagOpenIDConnectProviderCommand,
  UntagOpenIDConnectProviderCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app/server.js';
import { ACCOUNT, awsClient, fails, startAwsServer, type AwsTestServer } from '../support/aws-server.js';

const TP1 = 'AB'.repeat(20);
const TP2 = '0123456789abcdef0123456789abcdef01234567';

const trust = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', ...extra }],
  });
const allow = (action: string, resource = '*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

const iamClient = (server: RunningServer, credentials: object = server.context.root) => awsClient(IAMClient, server, credentials);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`IAM [${dialect}]`, () => {
    let live: AwsTestServer | undefined;
    let server: RunningServer;
    let iam: IAMClient;

    beforeAll(async () => {
      live = await startAwsServer(dialect);
      server = live.server;
      iam = iamClient(server);
    });

    afterAll(async () => {
      iam?.destroy();
      await live?.close();
    });

    describe('OpenID Connect providers', () => {
      it('runs the whole lifecycle', async () => {
        const created = await iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: 'https://idp.example.com/realms/dev',
            ClientIDList: ['app-1', 'app-1', 'app-2'],
            ThumbprintList: [TP1],
            Tags: [{ Key: 'env', Value: 'test' }],
          }),
        );
        const arn = created.OpenIDConnectProviderArn!;
        expect(arn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/idp.example.com/realms/dev`);
        expect(created.Tags).toEqual([{ Key: 'env', Value: 'test' }]);

        const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        expect(got.Url).toBe('idp.example.com/realms/dev');
        expect(got.ClientIDList).toEqual(['app-1', 'app-2']);
        expect(got.ThumbprintList).toEqual([TP1.toLowerCase()]);
        expect(got.CreateDate).toBeInstanceOf(Date);
        expect(Math.abs(got.CreateDate!.getTime() - Date.now())).toBeLessThan(60_000);

        const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
        expect(listed.OpenIDConnectProviderList?.map((p) => p.Arn)).toContain(arn);

        await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app-3' }));
        await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app-3' }));
        await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'app-1' }));
        await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'never-there' }));
        await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [TP2] }));
        const updated = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        expect(updated.ClientIDList).toEqual(['app-2', 'app-3']);
        expect(updated.ThumbprintList).toEqual([TP2]);

        await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, Tags: [{ Key: 'ENV', Value: 'prod' }, { Key: 'team', Value: 'id' }] }));
        await iam.send(new UntagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, TagKeys: ['Team'] }));
        const tags = await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }));
        expect(tags.Tags).toEqual([{ Key: 'ENV', Value: 'prod' }]);
        expect(tags.IsTruncated).toBe(false);

        await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        await fails(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })), 'NoSuchEntityException', 404, `OpenIDConnect Provider not found for arn ${arn}`);
        // Documented as idempotent.
        await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
        await fails(iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'x' })), 'NoSuchEntityException', 404);
      });

      it('keeps URLs as given: a trailing slash is another provider; ports and loopback http are accepted', async () => {
        const a = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://slash.example.com', ThumbprintList: [] }));
        const b = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://slash.example.com/', ThumbprintList: [] }));
        expect(a.OpenIDConnectProviderArn).not.toBe(b.OpenIDConnectProviderArn);
        const port = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://port.example.com:8443/auth', ThumbprintList: [] }));
        expect(port.OpenIDConnectProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/port.example.com:8443/auth`);
        for (const Url of ['http://localhost:9999/dev', 'http://127.0.0.2:9999', 'http://[::1]:9999']) {
          const local = await iam.send(new CreateOpenIDConnectProviderCommand({ Url }));
          const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: local.OpenIDConnectProviderArn! }));
          expect(got.Url).toBe(Url.slice('http://'.length));
          expect(got.ThumbprintList).toEqual([]);
        }
        await fails(
          iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://slash.example.com', ThumbprintList: [] })),
          'EntityAlreadyExistsException',
          409,
          'Provider with url https://slash.example.com already exists.',
        );
      });

      it('refuses bad input with IAM codes and messages', async () => {
        const create = (Url: string, rest: Partial<{ ClientIDList: string[]; ThumbprintList: string[]; Tags: { Key: string; Value: string }[] }> = {}) =>
          iam.send(new CreateOpenIDConnectProviderCommand({ Url, ThumbprintList: [TP1], ...rest }));
        await fails(create('http://idp.example.com'), 'InvalidInputException', 400, 'Invalid Open ID Connect Provider URL. The URL must begin with https://.');
        await fails(create('idp.example.com'), 'ValidationError', 400, 'Invalid Open ID Connect Provider URL');
        await fails(create('https://'), 'ValidationError', 400, 'Invalid Open ID Connect Provider URL');
        for (const url of ['https://idp.example.com?x=1', 'https://idp.example.com/#f', 'https://u:p@idp.example.com', 'https://exa_mple.com']) {
          await fails(create(url), 'InvalidInputException', 400, 'Invalid Open ID Connect Provider URL.');
        }
        await fails(create('https://a.example.com', { ThumbprintList: [TP1, TP1, TP1, TP1, TP1, TP1] }), 'InvalidInputException', 400, 'Thumbprint list must contain fewer than 5 entries.');
        await fails(create('https://a.example.com', { ThumbprintList: ['z'.repeat(40)] }), 'InvalidInputException', 400);
        await fails(create('https://a.example.com', { ThumbprintList: ['a'.repeat(39)] }), 'ValidationError', 400, /^1 validation error detected: Value 'a{39}' at 'thumbprintList.1.member' failed to satisfy constraint: Member must have length greater than or equal to 40$/);
        const ids = Array.from({ length: 101 }, (_, i) => `client-${i}`);
        await fails(create('https://a.example.com', { ClientIDList: ids }), 'LimitExceededException', 409, 'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100');
        await fails(
          create('https://a.example.com', { Tags: [{ Key: 'k', Value: '1' }, { Key: 'K', Value: '2' }] }),
          'InvalidInputException',
          400,
          'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
        );
        // Without ThumbprintList IAM fetches the thumbprint itself; an unreachable IdP fails the call.
        await fails(iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://127.0.0.1:1/idp' })), 'OpenIdIdpCommunicationErrorException', 400);
      });

      it('allows 100 providers per account', async () => {
        const existing = (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? [];
        const made: string[] = [];
        for (let i = existing.length; i < 100; i++) {
          made.push((await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://q${i}.example.com`, ThumbprintList: [] }))).OpenIDConnectProviderArn!);
        }
        await fails(
          iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://one-too-many.example.com', ThumbprintList: [] })),
          'LimitExceededException',
          409,
          'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100',
        );
        for (const arn of made) await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      });
    });

    describe('roles', () => {
      it('creates, reads (documents URL-encoded), lists, updates and deletes roles', async () => {
        const doc = trust({ Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:pool' } } });
        const created = await iam.send(
          new CreateRoleCommand({ RoleName: 'App-Auth', Path: '/app/', AssumeRolePolicyDocument: doc, Description: 'signed-in users', MaxSessionDuration: 7200, Tags: [{ Key: 'team', Value: 'id' }] }),
        );
        const role = created.Role!;
        expect(role.Arn).toBe(`arn:aws:iam::${ACCOUNT}:role/app/App-Auth`);
        expect(role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
        expect(role.Path).toBe('/app/');
        expect(role.AssumeRolePolicyDocument).toBe(encodeURIComponent(doc));
        expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(doc);
        expect(role.CreateDate).toBeInstanceOf(Date);

        const got = (await iam.send(new GetRoleCommand({ RoleName: 'app-auth' }))).Role!;
        expect(got.RoleName).toBe('App-Auth');
        expect(got.RoleId).toBe(role.RoleId);
        expect(got.MaxSessionDuration).toBe(7200);
        expect(got.Description).toBe('signed-in users');
        expect(got.Tags).toEqual([{ Key: 'team', Value: 'id' }]);
        expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toBe(doc);

        await fails(iam.send(new CreateRoleCommand({ RoleName: 'APP-AUTH', AssumeRolePolicyDocument: doc })), 'EntityAlreadyExistsException', 409, 'Role with name APP-AUTH already exists.');

        const newDoc = trust();
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'App-Auth', PolicyDocument: newDoc }));
        expect(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'App-Auth' }))).Role!.AssumeRolePolicyDocument!)).toBe(newDoc);

        await iam.send(new DeleteRoleCommand({ RoleName: 'App-Auth' }));
        await fails(iam.send(new GetRoleCommand({ RoleName: 'App-Auth' })), 'NoSuchEntityException', 404, 'The role with name App-Auth cannot be found.');
        await fails(iam.send(new DeleteRoleCommand({ RoleName: 'App-Auth' })), 'NoSuchEntityException', 404, 'The role with name App-Auth cannot be found.');
      });

      it('pages ListRoles by PathPrefix, Marker and MaxItems', async () => {
        for (const name of ['Page-C', 'page-a', 'Page-B']) await iam.send(new CreateRoleCommand({ RoleName: name, Path: '/paging/', AssumeRolePolicyDocument: trust() }));
        const first = await iam.send(new ListRolesCommand({ PathPrefix: '/paging/', MaxItems: 2 }));
        expect(first.Roles?.map((r) => r.RoleName)).toEqual(['page-a', 'Page-B']);
        expect(first.IsTruncated).toBe(true);
        expect(first.Roles?.[0]?.Tags).toBeUndefined();
        const second = await iam.send(new ListRolesCommand({ PathPrefix: '/paging/', MaxItems: 2, Marker: first.Marker! }));
        expect(second.Roles?.map((r) => r.RoleName)).toEqual(['Page-C']);
        expect(second.IsTruncated).toBe(false);
        expect(second.Marker).toBeUndefined();
        expect((await iam.send(new ListRolesCommand({ PathPrefix: '/nothing/' }))).Roles).toEqual([]);
      });

      it('validates trust policies', async () => {
        const create = (RoleName: string, AssumeRolePolicyDocument: string) => iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument }));
        await fails(create('Bad1', trust({ Resource: '*' })), 'MalformedPolicyDocumentException', 400, 'Has prohibited field Resource');
        await fails(create('Bad2', '{"Version":'), 'MalformedPolicyDocumentException', 400, 'This policy contains invalid Json');
        await fails(create('Bad3', allow('s3:GetObject')), 'MalformedPolicyDocumentException', 400);
        const values = Array.from({ length: 120 }, (_, i) => `us-east-1:00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
        await fails(create('Bad4', trust({ Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': values } } })), 'LimitExceededException', 409, 'Cannot exceed quota for ACLSizePerRole: 2048');
        // Whitespace does not count toward the size.
        const padded = trust().replace(/,/g, `,${' '.repeat(800)}\n`);
        expect(padded.length).toBeGreaterThan(2048);
        await create('Padded', padded);
        await fails(create('bad name!', trust()), 'ValidationError', 400, /^1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
        await fails(iam.send(new CreateRoleCommand({ RoleName: 'Long', AssumeRolePolicyDocument: trust(), MaxSessionDuration: 60 })), 'ValidationError', 400);
        await iam.send(new DeleteRoleCommand({ RoleName: 'Padded' }));
      });
    });

    describe('role policies', () => {
      it('puts, gets (URL-encoded), lists and deletes inline policies, and keeps DeleteRole honest', async () => {
        await iam.send(new CreateRoleCommand({ RoleName: 'Inline', AssumeRolePolicyDocument: trust() }));
        const doc = allow('cognito-sync:*', 'arn:aws:cognito-sync:us-east-1:123456789012:identitypool/${cognito-identity.amazonaws.com:aud}/*');
        await iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'sync', PolicyDocument: doc }));
        await iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName: 'another', PolicyDocument: allow('s3:*') }));
        const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'sync' }));
        expect(got.PolicyDocument).toBe(encodeURIComponent(doc));
        expect(decodeURIComponent(got.PolicyDocument!)).toBe(doc);
        expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'Inline' }))).PolicyNames).toEqual(['another', 'sync']);

        await fails(iam.send(new GetRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'nope' })), 'NoSuchEntityException', 404, 'The role policy with name nope cannot be found.');
        await fails(iam.send(new PutRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'p', PolicyDocument: doc })), 'NoSuchEntityException', 404, 'The role with name Ghost cannot be found.');
        await fails(
          iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }) })),
          'MalformedPolicyDocumentException',
          400,
          'Policy document should not specify a principal.',
        );
        const big = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 6 }, (_, i) => ({ Sid: `S${i}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(1700)}${i}` })) });
        await fails(iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'big', PolicyDocument: big })), 'LimitExceededException', 409, 'Maximum policy size of 10240 bytes exceeded for role Inline');

        await fails(iam.send(new DeleteRoleCommand({ RoleName: 'Inline' })), 'DeleteConflictException', 409, 'Cannot delete entity, must delete policies first.');
        await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'sync' }));
        await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'another' }));
        await fails(iam.send(new DeleteRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'another' })), 'NoSuchEntityException', 404, 'The role policy with name another cannot be found.');
        await iam.send(new DeleteRoleCommand({ RoleName: 'Inline' }));
      });

      it('manages policies and versions, and attaches up to 10 per role', async () => {
        const doc = allow('cognito-sync:ListRecords');
        const created = (await iam.send(new CreatePolicyCommand({ PolicyName: 'SyncRead', Path: '/sync/', PolicyDocument: doc, Description: 'read' }))).Policy!;
        const arn = `arn:aws:iam::${ACCOUNT}:policy/sync/SyncRead`;
        expect(created).toMatchObject({ PolicyName: 'SyncRead', Arn: arn, Path: '/sync/', DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
        expect(created.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
        await fails(iam.send(new CreatePolicyCommand({ PolicyName: 'syncread', PolicyDocument: doc })), 'EntityAlreadyExistsException', 409, 'A policy called syncread already exists. Duplicate names are not allowed.');
        await fails(
          iam.send(new CreatePolicyCommand({ PolicyName: 'Old', PolicyDocument: JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) })),
          'MalformedPolicyDocumentException',
          400,
          'Policy document must be version 2012-10-17 or greater.',
        );
        const huge = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'x'.repeat(6200)}` }] });
        await fails(iam.send(new CreatePolicyCommand({ PolicyName: 'Huge', PolicyDocument: huge })), 'LimitExceededException', 409, 'Cannot exceed quota for PolicySize: 6144');

        const v1 = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion!;
        expect(v1).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true, Document: encodeURIComponent(doc) });
        await fails(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })), 'NoSuchEntityException', 404, `Policy ${arn} version v9 does not exist or is not attachable.`);
        for (let i = 2; i <= 5; i++) {
          const v = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: allow(`cognito-sync:Op${i}`), SetAsDefault: i === 3 }));
          expect(v.PolicyVersion?.VersionId).toBe(`v${i}`);
        }
        await fails(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc })), 'LimitExceededException', 409, /^A managed policy can have up to 5 versions/);
        expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v3');
        await fails(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })), 'DeleteConflictException', 409, 'Cannot delete the default version of a policy.');
        await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
        for (const v of ['v2', 'v3', 'v4', 'v5']) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v }));
        expect((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions?.map((v) => v.VersionId)).toEqual(['v1']);

        await iam.send(new CreateRoleCommand({ RoleName: 'Attached', AssumeRolePolicyDocument: trust() }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: arn }));
        await iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: arn }));
        expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
        expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Attached' }))).AttachedPolicies).toEqual([{ PolicyName: 'SyncRead', PolicyArn: arn }]);
        expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Attached', PathPrefix: '/other/' }))).AttachedPolicies).toEqual([]);
        expect((await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))).Policies?.map((p) => p.Arn)).toEqual([arn]);
        expect((await iam.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies).toEqual([]);

        const missing = `arn:aws:iam::${ACCOUNT}:policy/Missing`;
        await fails(iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: missing })), 'NoSuchEntityException', 404, `Policy ${missing} does not exist or is not attachable.`);
        await fails(iam.send(new DetachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: missing })), 'NoSuchEntityException', 404, `Policy ${missing} was not found.`);
        for (let i = 0; i < 9; i++) {
          const p = await iam.send(new CreatePolicyCommand({ PolicyName: `Extra${i}`, PolicyDocument: doc }));
          await iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: p.Policy!.Arn! }));
        }
        const eleventh = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Eleventh', PolicyDocument: doc }))).Policy!.Arn!;
        await fails(iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: eleventh })), 'LimitExceededException', 409, 'Cannot exceed quota for PoliciesPerRole: 10');

        await fails(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), 'DeleteConflictException', 409, 'Cannot delete a policy attached to entities.');
        await fails(iam.send(new DeleteRoleCommand({ RoleName: 'Attached' })), 'DeleteConflictException', 409, 'Cannot delete entity, must detach all policies first.');
        const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Attached' }))).AttachedPolicies ?? [];
        expect(attached).toHaveLength(10);
        for (const a of attached) await iam.send(new DetachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: a.PolicyArn! }));
        await iam.send(new DeleteRoleCommand({ RoleName: 'Attached' }));
        await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
        await fails(iam.send(new GetPolicyCommand({ PolicyArn: arn })), 'NoSuchEntityException', 404, `Policy ${arn} does not exist or is not attachable.`);
      });
    });

    describe('policy simulation', () => {
      const policy = JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'Read', Effect: 'Allow', Action: 'cognito-sync:ListRecords', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } },
            { Sid: 'NoDelete', Effect: 'Deny', Action: 'cognito-sync:DeleteDataset', Resource: '*' },
          ],
        },
        null,
        2,
      );

      it('decides SimulateCustomPolicy requests like the evaluator', async () => {
        const out = await iam.send(
          new SimulateCustomPolicyCommand({
            PolicyInputList: [policy],
            ActionNames: ['cognito-sync:ListRecords', 'cognito-sync:DeleteDataset', 'cognito-sync:UpdateRecords'],
            ContextEntries: [{ ContextKeyName: 'aws:PrincipalTag/team', ContextKeyValues: ['blue'], ContextKeyType: 'string' }],
          }),
        );
        const [read, del, update] = out.EvaluationResults!;
        expect(read).toMatchObject({ EvalActionName: 'cognito-sync:ListRecords', EvalResourceName: '*', EvalDecision: 'allowed' });
        expect(read?.MatchedStatements).toEqual([{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none', StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 14, Column: 6 } }]);
        expect(del?.EvalDecision).toBe('explicitDeny');
        expect(update?.EvalDecision).toBe('implicitDeny');
        expect(update?.MatchedStatements).toEqual([]);

        const missing = await iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: [policy], ActionNames: ['cognito-sync:ListRecords'], ResourceArns: ['arn:aws:cognito-sync:us-east-1:123456789012:identitypool/p'] }));
        expect(missing.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:principaltag/team'] });
        expect(missing.EvaluationResults?.[0]?.ResourceSpecificResults?.[0]?.EvalResourceDecision).toBe('implicitDeny');

        await fails(iam.send(new SimulateCustomPolicyCommand({ PolicyInputList: ['{"Version":"2012-10-17"'], ActionNames: ['s3:GetObject'] })), 'InvalidInputException', 400, /^PolicyInputList\.1: /);
      });

      it('simulates a role\'s own policies with SimulatePrincipalPolicy', async () => {
        const role = (await iam.send(new CreateRoleCommand({ RoleName: 'Simulated', AssumeRolePolicyDocument: trust() }))).Role!;
        await iam.send(new PutRolePolicyCommand({ RoleName: 'Simulated', PolicyName: 'inline', PolicyDocument: allow('cognito-sync:ListDatasets') }));
        const out = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: role.Arn!, ActionNames: ['cognito-sync:ListDatasets', 'cognito-sync:ListRecords'] }));
        expect(out.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny']);
        expect(out.EvaluationResults?.[0]?.MatchedStatements?.[0]).toMatchObject({ SourcePolicyId: 'inline', SourcePolicyType: 'role' });
        await fails(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/Nobody`, ActionNames: ['s3:GetObject'] })), 'NoSuchEntityException', 404);
        await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Simulated', PolicyName: 'inline' }));
        await iam.send(new DeleteRoleCommand({ RoleName: 'Simulated' }));
      });
    });

    describe('request authentication', () => {
      it('rejects a wrong secret, an unknown key, unsigned and malformed requests', async () => {
        const wrong = iamClient(server, { accessKeyId: server.context.root.accessKeyId, secretAccessKey: 'not-the-secret-0000000000000000000000000' });
        await fails(wrong.send(new ListRolesCommand({})), 'SignatureDoesNotMatch', 403, /^The request signature we calculated does not match the signature you provided/);
        const unknown = iamClient(server, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) });
        await fails(unknown.send(new ListRolesCommand({})), 'InvalidClientTokenId', 403, 'The security token included in the request is invalid');
        wrong.destroy();
        unknown.destroy();

        const body = 'Action=ListRoles&Version=2010-05-08';
        const headers = { 'content-type': 'application/x-www-form-urlencoded' };
        const unsigned = await fetch(server.url, { method: 'POST', headers, body });
        expect(unsigned.status).toBe(403);
        const text = await unsigned.text();
        expect(text).toContain('<Code>MissingAuthenticationToken</Code>');
        expect(text).toContain('<Message>Request is missing Authentication Token</Message>');
        const malformed = await fetch(server.url, { method: 'POST', headers: { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=nonsense' }, body });
        expect(malformed.status).toBe(400);
        expect(await malformed.text()).toContain('<Code>IncompleteSignature</Code>');
      });
    });
  });
}
