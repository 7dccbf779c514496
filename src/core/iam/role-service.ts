/**
 * Roles (aws-apis.md §4.2): names unique regardless of case, at most 1000 per account, trust
 * policies parsed as `trust` and at most 2048 characters without whitespace (§4.2 quotas).
 */
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { roleId } from '../ids.js';
import { policySize } from '../policy/index.js';
import { roleArn } from './arns.js';
import { boundaryNotFound, IamMessages } from './messages.js';
import type { ParsedPolicyCache } from './policy-cache.js';
import type { IamRepository, IamStore, IamTag, RoleRecord } from './ports.js';
import { checkTags } from './tags.js';
import { decodeMarker, encodeMarker, type Page } from './paging.js';

export const MAX_ROLES = 1000;
export const MAX_TRUST_POLICY_SIZE = 2048;
export const DEFAULT_MAX_SESSION_DURATION = 3600;

export interface IamServiceOptions {
  accountId: string;
  clock: Clock;
  parsed: ParsedPolicyCache;
  /** Called after any change that alters what a role's sessions may do. */
  onChange?: () => void;
}

export interface CreateRoleInput {
  roleName: string;
  path?: string;
  assumeRolePolicy: string;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: IamTag[];
}

/** Reads a role for change, holding its lock (taken by name, before the read) until the transaction ends. */
export async function lockedRole(tx: IamStore, roleName: string): Promise<RoleRecord> {
  await tx.lock(`iam:role:${roleName.toLowerCase()}`);
  const role = await tx.roleByName(roleName);
  if (!role) throw new AppError('NotFound', IamMessages.roleNotFound(roleName));
  return role;
}

export class RoleService {
  constructor(
    private readonly repo: IamRepository,
    private readonly options: IamServiceOptions,
  ) {}

  /** Validates a trust policy: MalformedPolicyDocument, then the ACLSizePerRole quota. */
  private checkTrust(document: string): void {
    this.options.parsed.parse(document, 'trust');
    if (policySize(document) > MAX_TRUST_POLICY_SIZE) {
      throw new AppError('LimitExceeded', IamMessages.quota('ACLSizePerRole', MAX_TRUST_POLICY_SIZE));
    }
  }

  async create(input: CreateRoleInput): Promise<RoleRecord> {
    this.checkTrust(input.assumeRolePolicy);
    const tags = checkTags(input.tags ?? []);
    const path = input.path ?? '/';
    const role: RoleRecord = {
      roleId: roleId(),
      roleName: input.roleName,
      path,
      arn: roleArn(this.options.accountId, path, input.roleName),
      assumeRolePolicy: input.assumeRolePolicy,
      ...(input.description === undefined ? {} : { description: input.description }),
      maxSessionDuration: input.maxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
      ...(input.permissionsBoundary === undefined ? {} : { permissionsBoundary: input.permissionsBoundary }),
      tags,
      createdAt: this.options.clock.now(),
    };
    const exists = () => new AppError('AlreadyExists', IamMessages.roleExists(input.roleName));
    await this.repo.transaction(async (tx) => {
      await tx.lock('iam:roles');
      if (await tx.roleByName(input.roleName)) throw exists();
      if (role.permissionsBoundary !== undefined && !(await tx.policyByArn(role.permissionsBoundary))) {
        throw new AppError('NotFound', boundaryNotFound(role.permissionsBoundary));
      }
      if ((await tx.countRoles()) >= MAX_ROLES) throw new AppError('LimitExceeded', IamMessages.quota('RolesPerAccount', MAX_ROLES));
      if (!(await tx.insertRole(role))) throw exists();
    });
    return role;
  }

  async get(roleName: string): Promise<RoleRecord> {
    const role = await this.repo.roleByName(roleName);
    if (!role) throw new AppError('NotFound', IamMessages.roleNotFound(roleName));
    return role;
  }

  /** Roles by name (case-insensitive order), `maxItems` (default 100) at a time. */
  async list(options: { pathPrefix?: string; marker?: string; maxItems?: number }): Promise<Page<RoleRecord>> {
    const limit = options.maxItems ?? 100;
    const rows = await this.repo.listRoles({
      limit: limit + 1,
      ...(options.pathPrefix === undefined ? {} : { pathPrefix: options.pathPrefix }),
      ...(options.marker === undefined ? {} : { after: decodeMarker(options.marker) }),
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, marker: encodeMarker(last.roleName.toLowerCase()) } : { items };
  }

  /** DeleteConflict while inline or attached policies remain [M]. */
  async delete(roleName: string): Promise<void> {
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      if ((await tx.rolePolicies(role.roleId)).length > 0) throw new AppError('DeleteConflict', IamMessages.deleteRoleWithInline);
      if ((await tx.attachedPolicies(role.roleId)).length > 0) throw new AppError('DeleteConflict', IamMessages.deleteRoleWithAttached);
      await tx.deleteRole(role.roleId);
    });
    this.options.onChange?.();
  }

  async updateAssumeRolePolicy(roleName: string, document: string): Promise<void> {
    this.checkTrust(document);
    await this.repo.transaction(async (tx) => {
      const role = await lockedRole(tx, roleName);
      await tx.updateRole({ ...role, assumeRolePolicy: document });
    });
  }
}
