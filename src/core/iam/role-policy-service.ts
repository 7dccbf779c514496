/**
 * A role's inline policies (PutRolePolicy: created or replaced; at most 10 240 characters in
 * all, whitespace not counted) and its attached managed policies (at most 10) — aws-apis.md §4.2.
 */
import { AppError } from '../errors.js';
import { policySize } from '../policy/index.js';
import { parseIamArn } from './arns.js';
import { IamMessages } from './messages.js';
import { pageOf, type Page } from './paging.js';
import type { AttachedPolicyRef, IamRepository } from './ports.js';
import { lockedRole, type IamServiceOptions } from './role-service.js';

export const MAX_INLINE_POLICY_SIZE = 10_240;
export const MAX_ATTACHED_POLICIES = 10;

export class RolePolicyService {
  constructor(
    private readonly repo: IamRepository,
    private readonly options: IamServiceOptions,
  ) {}

  private changed(): void {
    this.options.onChange?.();
  }

  async put(roleName: string, policyName: string, document: string): Promise<void> {
    this.options.parsed.parse(document, 'identity');
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      const others = (await tx.rolePolicies(role.roleId)).filter((p) => p.policyName !== policyName);
      const total = others.reduce((n, p) => n + policySize(p.document), policySize(document));
      if (total > MAX_INLINE_POLICY_SIZE) throw new AppError('LimitExceeded', IamMessages.inlinePolicySize(role.roleName));
      await tx.putRolePolicy(role.roleId, { policyName, document });
    });
    this.changed();
  }

  async get(roleName: string, policyName: string): Promise<{ roleName: string; policyName: string; document: string }> {
    const role = await this.repo.roleByName(roleName);
    if (!role) throw new AppError('NotFound', IamMessages.roleNotFound(roleName));
    const policy = (await this.repo.rolePolicies(role.roleId)).find((p) => p.policyName === policyName);
    if (!policy) throw new AppError('NotFound', IamMessages.rolePolicyNotFound(policyName));
    return { roleName: role.roleName, policyName: policy.policyName, document: policy.document };
  }

  async list(roleName: string, marker?: string, maxItems?: number): Promise<Page<string>> {
    const role = await this.repo.roleByName(roleName);
    if (!role) throw new AppError('NotFound', IamMessages.roleNotFound(roleName));
    return pageOf((await this.repo.rolePolicies(role.roleId)).map((p) => p.policyName), marker, maxItems);
  }

  async delete(roleName: string, policyName: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      if (!(await tx.deleteRolePolicy(role.roleId, policyName))) throw new AppError('NotFound', IamMessages.rolePolicyNotFound(policyName));
    });
    this.changed();
  }

  /** Idempotent for a policy already attached; LimitExceeded past 10 (AWS and customer managed both count). */
  async attach(roleName: string, policyArn: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      await tx.lock(`iam:policy:${policyArn}`);
      if (!(await tx.policyByArn(policyArn))) throw new AppError('NotFound', IamMessages.policyNotFound(policyArn));
      const attached = await tx.attachedPolicies(role.roleId);
      if (attached.some((a) => a.policyArn === policyArn)) return;
      if (attached.length >= MAX_ATTACHED_POLICIES) {
        throw new AppError('LimitExceeded', IamMessages.quota('PoliciesPerRole', MAX_ATTACHED_POLICIES));
      }
      await tx.attach(role.roleId, policyArn);
    });
    this.changed();
  }

  async detach(roleName: string, policyArn: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      if (!(await tx.detach(role.roleId, policyArn))) throw new AppError('NotFound', IamMessages.policyNotAttached(policyArn));
    });
    this.changed();
  }

  async listAttached(roleName: string, options: { pathPrefix?: string; marker?: string; maxItems?: number }): Promise<Page<AttachedPolicyRef>> {
    const role = await this.repo.roleByName(roleName);
    if (!role) throw new AppError('NotFound', IamMessages.roleNotFound(roleName));
    const prefix = options.pathPrefix ?? '/';
    const all = (await this.repo.attachedPolicies(role.roleId)).filter((a) => {
      const rest = parseIamArn(a.policyArn)?.rest ?? '/';
      return rest.slice(0, rest.lastIndexOf('/') + 1).startsWith(prefix);
    });
    return pageOf(all, options.marker, options.maxItems);
  }
}
