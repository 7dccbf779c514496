/** IAM role operations (aws-apis.md §4.2). */
import { roleArn } from '../../../core/iam/arns.js';
import type { IamTag } from '../../../core/iam/ports.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { IamDeps } from '../deps.js';
import { paging, roleShape } from '../shapes.js';

interface CreateRoleInput {
  Path?: string;
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: IamTag[];
}

export function roleOperations(d: IamDeps): Record<string, AnyOperation> {
  const roles = d.services.roles;
  return {
    CreateRole: operation({
      auth: 'sigv4',
      async handle(input: CreateRoleInput, c) {
        await d.authorize(c, 'CreateRole', roleArn(d.accountId, input.Path ?? '/', input.RoleName));
        const role = await roles.create({
          roleName: input.RoleName,
          assumeRolePolicy: input.AssumeRolePolicyDocument,
          ...(input.Path !== undefined ? { path: input.Path } : {}),
          ...(input.Description !== undefined ? { description: input.Description } : {}),
          ...(input.MaxSessionDuration !== undefined ? { maxSessionDuration: input.MaxSessionDuration } : {}),
          ...(input.PermissionsBoundary !== undefined ? { permissionsBoundary: input.PermissionsBoundary } : {}),
          ...(input.Tags !== undefined ? { tags: input.Tags } : {}),
        });
        const { RoleLastUsed: _unused, ...shape } = roleShape(role, 'full');
        return { Role: shape };
      },
    }),
    GetRole: operation({
      auth: 'sigv4',
      async handle(input: { RoleName: string }, c) {
        await d.authorize(c, 'GetRole', await d.roleResource(input.RoleName));
        return { Role: roleShape(await roles.get(input.RoleName), 'full') };
      },
    }),
    ListRoles: operation({
      auth: 'sigv4',
      async handle(input: { PathPrefix?: string; Marker?: string; MaxItems?: number }, c) {
        await d.authorize(c, 'ListRoles', '*');
        const page = await roles.list({
          ...(input.PathPrefix !== undefined ? { pathPrefix: input.PathPrefix } : {}),
          ...(input.Marker !== undefined ? { marker: input.Marker } : {}),
          ...(input.MaxItems !== undefined ? { maxItems: input.MaxItems } : {}),
        });
        return { Roles: page.items.map((r) => roleShape(r, 'list')), ...paging(page) };
      },
    }),
    DeleteRole: operation({
      auth: 'sigv4',
      async handle(input: { RoleName: string }, c) {
        await d.authorize(c, 'DeleteRole', await d.roleResource(input.RoleName));
        await roles.delete(input.RoleName);
        return undefined;
      },
    }),
    UpdateAssumeRolePolicy: operation({
      auth: 'sigv4',
      async handle(input: { RoleName: string; PolicyDocument: string }, c) {
        await d.authorize(c, 'UpdateAssumeRolePolicy', await d.roleResource(input.RoleName));
        await roles.updateAssumeRolePolicy(input.RoleName, input.PolicyDocument);
        return undefined;
      },
    }),
  };
}
