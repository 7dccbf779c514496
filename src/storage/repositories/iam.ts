import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type {
  AttachedPolicyRef,
  IamRepository,
  IamStore,
  IamTag,
  ListWindow,
  ManagedPolicyRecord,
  OidcProviderRecord,
  PolicyVersionRecord,
  RolePolicyRecord,
  RoleRecord,
} from '../../core/iam/ports.js';
import type { Dialect, Storage } from '../database.js';
import type { Database, ManagedPoliciesTable, OidcProvidersTable, RolesTable } from '../schema.js';

const json = <T>(text: string): T => JSON.parse(text) as T;

const toProvider = (r: OidcProvidersTable): OidcProviderRecord => ({
  arn: r.arn,
  url: r.url,
  clientIds: json<string[]>(r.client_ids),
  thumbprints: json<string[]>(r.thumbprints),
  tags: json<IamTag[]>(r.tags),
  createdAt: r.created_at,
});

const toRole = (r: RolesTable): RoleRecord => ({
  roleId: r.role_id,
  roleName: r.role_name,
  path: r.path,
  arn: r.arn,
  assumeRolePolicy: r.assume_role_policy,
  ...(r.description === null ? {} : { description: r.description }),
  maxSessionDuration: r.max_session_duration,
  ...(r.permissions_boundary === null ? {} : { permissionsBoundary: r.permissions_boundary }),
  tags: json<IamTag[]>(r.tags),
  createdAt: r.created_at,
});

const roleRow = (r: RoleRecord): RolesTable => ({
  role_id: r.roleId,
  name_key: r.roleName.toLowerCase(),
  role_name: r.roleName,
  path: r.path,
  arn: r.arn,
  assume_role_policy: r.assumeRolePolicy,
  description: r.description ?? null,
  max_session_duration: r.maxSessionDuration,
  permissions_boundary: r.permissionsBoundary ?? null,
  tags: JSON.stringify(r.tags),
  created_at: r.createdAt,
});

const toPolicy = (r: ManagedPoliciesTable): ManagedPolicyRecord => ({
  arn: r.arn,
  policyId: r.policy_id,
  policyName: r.policy_name,
  path: r.path,
  ...(r.description === null ? {} : { description: r.description }),
  defaultVersionId: r.default_version_id,
  nextVersion: r.next_version,
  tags: json<IamTag[]>(r.tags),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const policyRow = (p: ManagedPolicyRecord): ManagedPoliciesTable => ({
  arn: p.arn,
  policy_id: p.policyId,
  policy_name: p.policyName,
  path: p.path,
  description: p.description ?? null,
  default_version_id: p.defaultVersionId,
  next_version: p.nextVersion,
  tags: JSON.stringify(p.tags),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

const toVersion = (r: { policy_arn: string; version_id: string; document: string; created_at: number }): PolicyVersionRecord => ({
  policyArn: r.policy_arn,
  versionId: r.version_id,
  document: r.document,
  createdAt: r.created_at,
});

/** A signed 64-bit advisory-lock key derived from a name. */
const lockKey = (name: string): string => createHash('sha256').update(name).digest().readBigInt64BE(0).toString();

const inserted = (r: { numInsertedOrUpdatedRows?: bigint } | undefined): boolean => (r?.numInsertedOrUpdatedRows ?? 0n) > 0n;

/** Roles sort (and page) by lower-cased name; policies likewise. */
const policyNameKey = sql<string>`lower(policy_name)`;

class KyselyIamStore implements IamStore {
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly inTransaction: boolean,
  ) {}

  async lock(key: string): Promise<void> {
    // SQLite transactions start with BEGIN IMMEDIATE: the database write lock is already held.
    if (!this.inTransaction || this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(${lockKey(key)}::bigint)`.execute(this.db);
  }

  async providerByArn(arn: string) {
    const r = await this.db.selectFrom('oidc_providers').selectAll().where('arn', '=', arn).executeTakeFirst();
    return r && toProvider(r);
  }
  async providerByUrl(url: string) {
    const r = await this.db.selectFrom('oidc_providers').selectAll().where('url', '=', url).executeTakeFirst();
    return r && toProvider(r);
  }
  async listProviders() {
    return (await this.db.selectFrom('oidc_providers').selectAll().orderBy('arn').execute()).map(toProvider);
  }
  async insertProvider(p: OidcProviderRecord) {
    const r = await this.db
      .insertInto('oidc_providers')
      .values({ arn: p.arn, url: p.url, client_ids: JSON.stringify(p.clientIds), thumbprints: JSON.stringify(p.thumbprints), tags: JSON.stringify(p.tags), created_at: p.createdAt })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return inserted(r);
  }
  async updateProvider(p: OidcProviderRecord) {
    await this.db
      .updateTable('oidc_providers')
      .set({ client_ids: JSON.stringify(p.clientIds), thumbprints: JSON.stringify(p.thumbprints), tags: JSON.stringify(p.tags) })
      .where('arn', '=', p.arn)
      .execute();
  }
  async deleteProvider(arn: string) {
    const r = await this.db.deleteFrom('oidc_providers').where('arn', '=', arn).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async roleByName(name: string) {
    const r = await this.db.selectFrom('roles').selectAll().where('name_key', '=', name.toLowerCase()).executeTakeFirst();
    return r && toRole(r);
  }
  async roleById(roleId: string) {
    const r = await this.db.selectFrom('roles').selectAll().where('role_id', '=', roleId).executeTakeFirst();
    return r && toRole(r);
  }
  async listRoles(w: ListWindow & { pathPrefix?: string }) {
    let q = this.db.selectFrom('roles').selectAll().orderBy('name_key').limit(w.limit);
    if (w.after !== undefined) q = q.where('name_key', '>', w.after);
    // substr, not LIKE: paths may contain % and _.
    if (w.pathPrefix) q = q.where(sql<string>`substr(path, 1, ${w.pathPrefix.length})`, '=', w.pathPrefix);
    return (await q.execute()).map(toRole);
  }
  async countRoles() {
    const r = await this.db.selectFrom('roles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async insertRole(r: RoleRecord) {
    return inserted(await this.db.insertInto('roles').values(roleRow(r)).onConflict((oc) => oc.doNothing()).executeTakeFirst());
  }
  async updateRole(r: RoleRecord) {
    const { role_id: _id, ...rest } = roleRow(r);
    await this.db.updateTable('roles').set(rest).where('role_id', '=', r.roleId).execute();
  }
  async deleteRole(roleId: string) {
    await this.db.deleteFrom('roles').where('role_id', '=', roleId).execute();
  }

  async rolePolicies(roleId: string): Promise<RolePolicyRecord[]> {
    const rows = await this.db.selectFrom('role_policies').select(['policy_name', 'document']).where('role_id', '=', roleId).orderBy('policy_name').execute();
    return rows.map((r) => ({ policyName: r.policy_name, document: r.document }));
  }
  async putRolePolicy(roleId: string, p: RolePolicyRecord) {
    await this.db
      .insertInto('role_policies')
      .values({ role_id: roleId, policy_name: p.policyName, document: p.document })
      .onConflict((oc) => oc.columns(['role_id', 'policy_name']).doUpdateSet({ document: p.document }))
      .execute();
  }
  async deleteRolePolicy(roleId: string, policyName: string) {
    const r = await this.db.deleteFrom('role_policies').where('role_id', '=', roleId).where('policy_name', '=', policyName).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async attachedPolicies(roleId: string): Promise<AttachedPolicyRef[]> {
    const rows = await this.db
      .selectFrom('role_attached_policies as a')
      .leftJoin('managed_policies as p', 'p.arn', 'a.policy_arn')
      .select(['a.policy_arn', 'p.policy_name'])
      .where('a.role_id', '=', roleId)
      .orderBy('a.policy_arn')
      .execute();
    return rows.map((r) => ({ policyArn: r.policy_arn, policyName: r.policy_name ?? r.policy_arn.slice(r.policy_arn.lastIndexOf('/') + 1) }));
  }
  async attach(roleId: string, policyArn: string) {
    await this.db.insertInto('role_attached_policies').values({ role_id: roleId, policy_arn: policyArn }).onConflict((oc) => oc.doNothing()).execute();
  }
  async detach(roleId: string, policyArn: string) {
    const r = await this.db.deleteFrom('role_attached_policies').where('role_id', '=', roleId).where('policy_arn', '=', policyArn).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }
  async attachmentCount(policyArn: string) {
    const r = await this.db
      .selectFrom('role_attached_policies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('policy_arn', '=', policyArn)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async policyByArn(arn: string) {
    const r = await this.db.selectFrom('managed_policies').selectAll().where('arn', '=', arn).executeTakeFirst();
    return r && toPolicy(r);
  }
  async policyByName(name: string) {
    const r = await this.db.selectFrom('managed_policies').selectAll().where(policyNameKey, '=', name.toLowerCase()).executeTakeFirst();
    return r && toPolicy(r);
  }
  async listPolicies(w: ListWindow & { pathPrefix?: string; onlyAttached?: boolean }) {
    let q = this.db.selectFrom('managed_policies').selectAll().orderBy(policyNameKey).limit(w.limit);
    if (w.after !== undefined) q = q.where(policyNameKey, '>', w.after);
    if (w.pathPrefix) q = q.where(sql<string>`substr(path, 1, ${w.pathPrefix.length})`, '=', w.pathPrefix);
    if (w.onlyAttached) {
      q = q.where((eb) => eb.exists(eb.selectFrom('role_attached_policies as a').select('a.role_id').whereRef('a.policy_arn', '=', 'managed_policies.arn')));
    }
    return (await q.execute()).map(toPolicy);
  }
  async countPolicies() {
    const r = await this.db.selectFrom('managed_policies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async insertPolicy(p: ManagedPolicyRecord, first: PolicyVersionRecord) {
    const ok = inserted(await this.db.insertInto('managed_policies').values(policyRow(p)).onConflict((oc) => oc.doNothing()).executeTakeFirst());
    if (ok) await this.insertPolicyVersion(first);
    return ok;
  }
  async updatePolicy(p: ManagedPolicyRecord) {
    const { arn: _arn, ...rest } = policyRow(p);
    await this.db.updateTable('managed_policies').set(rest).where('arn', '=', p.arn).execute();
  }
  async deletePolicy(arn: string) {
    await this.db.deleteFrom('policy_versions').where('policy_arn', '=', arn).execute();
    await this.db.deleteFrom('managed_policies').where('arn', '=', arn).execute();
  }
  async policyVersion(arn: string, versionId: string) {
    const r = await this.db.selectFrom('policy_versions').selectAll().where('policy_arn', '=', arn).where('version_id', '=', versionId).executeTakeFirst();
    return r && toVersion(r);
  }
  async policyVersions(arn: string) {
    return (await this.db.selectFrom('policy_versions').selectAll().where('policy_arn', '=', arn).orderBy('created_at').orderBy('version_id').execute()).map(toVersion);
  }
  async insertPolicyVersion(v: PolicyVersionRecord) {
    await this.db.insertInto('policy_versions').values({ policy_arn: v.policyArn, version_id: v.versionId, document: v.document, created_at: v.createdAt }).execute();
  }
  async deletePolicyVersion(arn: string, versionId: string) {
    await this.db.deleteFrom('policy_versions').where('policy_arn', '=', arn).where('version_id', '=', versionId).execute();
  }
}

/** The IAM registry on SQLite or PostgreSQL. */
export class KyselyIamRepository extends KyselyIamStore implements IamRepository {
  constructor(private readonly storage: Storage) {
    super(storage.db, storage.dialect, false);
  }

  transaction<T>(fn: (tx: IamStore) => Promise<T>): Promise<T> {
    return this.storage.transaction((trx) => fn(new KyselyIamStore(trx, this.storage.dialect, true)));
  }
}
