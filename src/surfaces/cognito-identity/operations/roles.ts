import { AppError, notAuthorized } from '../../../core/errors.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import { fromRoles, toRoles, type RoleMappingShape } from '../shapes.js';
import { authorize } from './authorize.js';

/** SetIdentityPoolRoles (needs iam:PassRole on each role, §1.8) and GetIdentityPoolRoles. */
export function roleOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    SetIdentityPoolRoles: operation<{ IdentityPoolId: string; Roles: Record<string, string>; RoleMappings?: Record<string, RoleMappingShape> }, undefined>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'SetIdentityPoolRoles', input.IdentityPoolId);
        const roles = toRoles(input.Roles, input.RoleMappings);
        const arns = new Set([...Object.values(roles.roles), ...Object.values(roles.roleMappings).flatMap((m) => (m.rules ?? []).map((r) => r.roleArn))]);
        for (const arn of arns) {
          await s.ctx.authorizer.authorize(op.principal, 'iam:PassRole', arn, { sourceIp: op.sourceIp }).catch((e: unknown) => {
            if (e instanceof AppError && e.code === 'AccessDenied') throw notAuthorized(`Access to Role '${arn}' is forbidden.`);
            throw e;
          });
        }
        await s.pools.setRoles(input.IdentityPoolId, roles);
        return undefined;
      },
    }),
    GetIdentityPoolRoles: operation<{ IdentityPoolId: string }, { IdentityPoolId: string } & ReturnType<typeof fromRoles>>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'GetIdentityPoolRoles', input.IdentityPoolId);
        const pool = await s.pools.get(input.IdentityPoolId);
        return { IdentityPoolId: pool.id, ...fromRoles(pool.roles) };
      },
    }),
  };
}
