import type { AppContext } from '../../app/context.js';
import type { IamServices } from '../../app/iam-wiring.js';
import { roleArn } from '../../core/iam/arns.js';
import type { OperationContext } from '../../protocols/aws/operation.js';

/** What every IAM operation is built from. */
export interface IamDeps {
  services: IamServices;
  accountId: string;
  /** `ctx.authorizer.authorize(principal, 'iam:<action>', resource)` — every IAM operation calls it first. */
  authorize(c: OperationContext, action: string, resource: string): Promise<void>;
  /** The ARN a role name is authorized against: the role's own (with its path), else `role/<name>`. */
  roleResource(roleName: string): Promise<string>;
}

export function iamDeps(ctx: AppContext, services: IamServices): IamDeps {
  const accountId = ctx.config.accountId;
  return {
    services,
    accountId,
    authorize: (c, action, resource) => ctx.authorizer.authorize(c.principal, `iam:${action}`, resource, { sourceIp: c.sourceIp }),
    roleResource: async (roleName) => (await services.repository.roleByName(roleName))?.arn ?? roleArn(accountId, '/', roleName),
  };
}
