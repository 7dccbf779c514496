/// <reference path="../../../test/support/context.d.ts" />
import { describe, expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { ManualClock } from '../../core/clock.js';
import { OidcProviderService } from '../../core/iam/oidc-provider-service.js';
import { ParsedPolicyCache } from '../../core/iam/policy-cache.js';
import { ManagedPolicyService } from '../../core/iam/policy-service.js';
import type { RoleRecord } from '../../core/iam/ports.js';
import { RolePolicyService } from '../../core/iam/role-policy-service.js';
import { RoleService, type IamServiceOptions } from '../../core/iam/role-service.js';
import { KyselyIamRepository } from './iam.js';

const ACCOUNT = '123456789012';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
const allow = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const role = (name: string, path = '/'): RoleRecord => ({
  roleId: `AROA${name.toUpperCase().padEnd(17, 'X')}`,
  roleName: name,
  path,
  arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
  assumeRolePolicy: trust,
  maxSessionDuration: 3600,
  tags: [{ Key: 'k', Value: 'v' }],
  createdAt: 1,
});

const services = (repo: KyselyIamRepository) => {
  const options: IamServiceOptions = { accountId: ACCOUNT, clock: new ManualClock(1_700_000_000_000), parsed: new ParsedPolicyCache() };
  return {
    roles: new RoleService(repo, options),
    rolePolicies: new RolePolicyService(repo, options),
    policies: new ManagedPolicyService(repo, options),
    providers: new OidcProviderService(repo, { accountId: ACCOUNT, clock: options.clock }),
  };
};

forEachDialect('IAM repository', (storage, env) => {
  it('stores OIDC providers by ARN and url, refusing a second one for a url', async () => {
    const repo = new KyselyIamRepository(storage());
    const p = { arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/a.example.com`, url: 'a.example.com', clientIds: ['x'], thumbprints: [], tags: [], createdAt: 5 };
    expect(await repo.insertProvider(p)).toBe(true);
    expect(await repo.insertProvider({ ...p, arn: `${p.arn}-other` })).toBe(false);
    await repo.updateProvider({ ...p, clientIds: ['x', 'y'] });
    expect(await repo.providerByUrl('a.example.com')).toEqual({ ...p, clientIds: ['x', 'y'] });
    expect(await repo.providerByUrl('A.example.com')).toBeUndefined();
    expect(await repo.deleteProvider(p.arn)).toBe(true);
    expect(await repo.deleteProvider(p.arn)).toBe(false);
  });

  it('keeps role names unique regardless of case and pages by name, paths matched literally', async () => {
    const repo = new KyselyIamRepository(storage());
    expect(await repo.insertRole(role('Alpha', '/p_1%/'))).toBe(true);
    expect(await repo.insertRole({ ...role('ALPHA'), roleId: 'AROAOTHER' })).toBe(false);
    await repo.insertRole(role('beta', '/p_1%/'));
    await repo.insertRole(role('Gamma', '/px1x/'));
    expect((await repo.roleByName('alpha'))?.tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect((await repo.listRoles({ limit: 10, pathPrefix: '/p_1%/' })).map((r) => r.roleName)).toEqual(['Alpha', 'beta']);
    expect((await repo.listRoles({ limit: 10, after: 'alpha' })).map((r) => r.roleName)).toEqual(['beta', 'Gamma']);
    expect(await repo.countRoles()).toBe(3);
  });

  it('keeps managed policy names unique regardless of case in the database', async () => {
    const repo = new KyselyIamRepository(storage());
    const policy = { arn: `arn:aws:iam::${ACCOUNT}:policy/Dup`, policyId: 'ANPA1', policyName: 'Dup', path: '/', defaultVersionId: 'v1', nextVersion: 2, tags: [], createdAt: 1, updatedAt: 1 };
    const v1 = { policyArn: policy.arn, versionId: 'v1', document: allow, createdAt: 1 };
    expect(await repo.insertPolicy(policy, v1)).toBe(true);
    const other = { ...policy, arn: `arn:aws:iam::${ACCOUNT}:policy/x/dup`, policyId: 'ANPA2', policyName: 'dup' };
    expect(await repo.insertPolicy(other, { ...v1, policyArn: other.arn })).toBe(false);
    expect(await repo.policyVersions(other.arn)).toEqual([]);
  });

  // PostgreSQL: two pools on one database. SQLite: better-sqlite3 blocks its process while it
  // waits for a lock, so one process holds one handle (kysely queues its transactions); worker
  // processes are kept apart by BEGIN IMMEDIATE.
  const secondHandle = async () => (env.dialect === 'postgres' ? env.database().open() : storage());

  describe('under concurrent writers', () => {
    it('attaches at most 10 policies to a role', async () => {
      const second = await secondHandle();
      const [a, b] = [services(new KyselyIamRepository(storage())), services(new KyselyIamRepository(second))];
      await a.roles.create({ roleName: 'Busy', assumeRolePolicy: trust });
      const arns: string[] = [];
      for (let i = 0; i < 16; i++) arns.push((await a.policies.create({ policyName: `Busy${i}`, document: allow })).arn);
      const results = await Promise.allSettled(arns.map((arn, i) => (i % 2 ? a : b).rolePolicies.attach('Busy', arn)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'LimitExceeded', message: 'Cannot exceed quota for PoliciesPerRole: 10' });
      expect((await a.rolePolicies.listAttached('Busy', {})).items).toHaveLength(10);
    });

    it('creates a role name once and loses no client id', async () => {
      const second = await secondHandle();
      const [a, b] = [services(new KyselyIamRepository(storage())), services(new KyselyIamRepository(second))];
      const created = await Promise.allSettled([a, b, a, b].map((s) => s.roles.create({ roleName: 'Racy', assumeRolePolicy: trust })));
      expect(created.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const p = await a.providers.create({ url: 'https://racy.example.com', thumbprints: [] });
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).providers.addClientId(p.arn, `client-${i}`)));
      expect((await b.providers.get(p.arn)).clientIds).toHaveLength(12);
    });
  });
});
