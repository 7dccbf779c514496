/**
 * Customer managed policies (aws-apis.md §4.2): names unique regardless of case, at most 1500
 * per account, documents of at most 6144 characters (whitespace not counted) in language
 * version 2012-10-17, at most 5 stored versions `v1`, `v2`, … (ids never reused).
 */
import { AppError } from '../errors.js';
import { policyId } from '../ids.js';
import { policySize } from '../policy/index.js';
import { policyArn } from './arns.js';
import { IamMessages } from './messages.js';
import { decodeMarker, encodeMarker, pageOf, type Page } from './paging.js';
import type { IamRepository, IamStore, IamTag, ManagedPolicyRecord, PolicyVersionRecord } from './ports.js';
import type { IamServiceOptions } from './role-service.js';
import { checkTags } from './tags.js';

export const MAX_MANAGED_POLICIES = 1500;
export const MAX_MANAGED_POLICY_SIZE = 6144;
export const MAX_POLICY_VERSIONS = 5;

export interface ManagedPolicyView {
  policy: ManagedPolicyRecord;
  attachmentCount: number;
}

const versionNumber = (v: PolicyVersionRecord): number => Number(v.versionId.slice(1));

export class ManagedPolicyService {
  constructor(
    private readonly repo: IamRepository,
    private readonly options: IamServiceOptions,
  ) {}

  private checkDocument(document: string): void {
    this.options.parsed.parse(document, 'identity', { requireCurrentVersion: true });
    if (policySize(document) > MAX_MANAGED_POLICY_SIZE) {
      throw new AppError('LimitExceeded', IamMessages.quota('PolicySize', MAX_MANAGED_POLICY_SIZE));
    }
  }

  private async locked(tx: IamStore, arn: string): Promise<ManagedPolicyRecord> {
    await tx.lock(`iam:policy:${arn}`);
    const policy = await tx.policyByArn(arn);
    if (!policy) throw new AppError('NotFound', IamMessages.policyNotFound(arn));
    return policy;
  }

  async create(input: { policyName: string; path?: string; document: string; description?: string; tags?: IamTag[] }): Promise<ManagedPolicyRecord> {
    this.checkDocument(input.document);
    const tags = checkTags(input.tags ?? []);
    const path = input.path ?? '/';
    const now = this.options.clock.now();
    const policy: ManagedPolicyRecord = {
      arn: policyArn(this.options.accountId, path, input.policyName),
      policyId: policyId(),
      policyName: input.policyName,
      path,
      ...(input.description === undefined ? {} : { description: input.description }),
      defaultVersionId: 'v1',
      nextVersion: 2,
      tags,
      createdAt: now,
      updatedAt: now,
    };
    const exists = () => new AppError('AlreadyExists', IamMessages.policyExists(input.policyName));
    await this.repo.transaction(async (tx) => {
      await tx.lock('iam:policies');
      if (await tx.policyByName(input.policyName)) throw exists();
      if ((await tx.countPolicies()) >= MAX_MANAGED_POLICIES) {
        throw new AppError('LimitExceeded', IamMessages.quota('PoliciesPerAccount', MAX_MANAGED_POLICIES));
      }
      const first = { policyArn: policy.arn, versionId: 'v1', document: input.document, createdAt: now };
      if (!(await tx.insertPolicy(policy, first))) throw exists();
    });
    return policy;
  }

  async get(arn: string): Promise<ManagedPolicyView> {
    const policy = await this.repo.policyByArn(arn);
    if (!policy) throw new AppError('NotFound', IamMessages.policyNotFound(arn));
    return { policy, attachmentCount: await this.repo.attachmentCount(arn) };
  }

  async list(options: { scope?: string; onlyAttached?: boolean; pathPrefix?: string; marker?: string; maxItems?: number }): Promise<Page<ManagedPolicyView>> {
    // Cognate has no AWS managed policies: scope AWS lists nothing.
    if (options.scope === 'AWS') return { items: [] };
    const limit = options.maxItems ?? 100;
    const rows = await this.repo.listPolicies({
      limit: limit + 1,
      ...(options.pathPrefix === undefined ? {} : { pathPrefix: options.pathPrefix }),
      ...(options.onlyAttached ? { onlyAttached: true } : {}),
      ...(options.marker === undefined ? {} : { after: decodeMarker(options.marker) }),
    });
    const page = rows.slice(0, limit);
    const items = await Promise.all(page.map(async (policy) => ({ policy, attachmentCount: await this.repo.attachmentCount(policy.arn) })));
    const last = page[page.length - 1];
    return rows.length > limit && last ? { items, marker: encodeMarker(last.policyName.toLowerCase()) } : { items };
  }

  async getVersion(arn: string, versionId: string): Promise<{ version: PolicyVersionRecord; isDefault: boolean }> {
    const policy = await this.repo.policyByArn(arn);
    const version = policy && (await this.repo.policyVersion(arn, versionId));
    if (!policy || !version) throw new AppError('NotFound', IamMessages.policyVersionNotFound(arn, versionId));
    return { version, isDefault: policy.defaultVersionId === versionId };
  }

  async listVersions(arn: string, marker?: string, maxItems?: number): Promise<Page<{ version: PolicyVersionRecord; isDefault: boolean }>> {
    const policy = await this.repo.policyByArn(arn);
    if (!policy) throw new AppError('NotFound', IamMessages.policyNotFound(arn));
    const versions = (await this.repo.policyVersions(arn)).sort((a, b) => versionNumber(b) - versionNumber(a));
    return pageOf(versions.map((version) => ({ version, isDefault: version.versionId === policy.defaultVersionId })), marker, maxItems);
  }

  async createVersion(arn: string, document: string, setAsDefault: boolean): Promise<{ version: PolicyVersionRecord; isDefault: boolean }> {
    this.checkDocument(document);
    const version = await this.repo.transaction(async (tx) => {
      const policy = await this.locked(tx, arn);
      if ((await tx.policyVersions(arn)).length >= MAX_POLICY_VERSIONS) throw new AppError('LimitExceeded', IamMessages.policyVersionsLimit);
      const now = this.options.clock.now();
      const v: PolicyVersionRecord = { policyArn: arn, versionId: `v${policy.nextVersion}`, document, createdAt: now };
      await tx.insertPolicyVersion(v);
      await tx.updatePolicy({ ...policy, nextVersion: policy.nextVersion + 1, updatedAt: now, ...(setAsDefault ? { defaultVersionId: v.versionId } : {}) });
      return v;
    });
    if (setAsDefault) this.options.onChange?.();
    return { version, isDefault: setAsDefault };
  }

  async setDefaultVersion(arn: string, versionId: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const policy = await this.locked(tx, arn);
      if (!(await tx.policyVersion(arn, versionId))) throw new AppError('NotFound', IamMessages.policyVersionNotFound(arn, versionId));
      await tx.updatePolicy({ ...policy, defaultVersionId: versionId, updatedAt: this.options.clock.now() });
    });
    this.options.onChange?.();
  }

  async deleteVersion(arn: string, versionId: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const policy = await this.locked(tx, arn);
      if (!(await tx.policyVersion(arn, versionId))) throw new AppError('NotFound', IamMessages.policyVersionNotFound(arn, versionId));
      if (policy.defaultVersionId === versionId) throw new AppError('DeleteConflict', IamMessages.deleteDefaultVersion);
      await tx.deletePolicyVersion(arn, versionId);
    });
  }

  /** DeleteConflict while attached or while non-default versions remain [M]. */
  async delete(arn: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      await this.locked(tx, arn);
      if ((await tx.attachmentCount(arn)) > 0) throw new AppError('DeleteConflict', IamMessages.deleteAttachedPolicy);
      if ((await tx.policyVersions(arn)).length > 1) throw new AppError('DeleteConflict', IamMessages.deletePolicyWithVersions);
      await tx.deletePolicy(arn);
    });
    this.options.onChange?.();
  }
}
