import type { OperationContext } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';

/** IAM authorization of a developer (SigV4) operation on a pool ARN, or on `identitypool/*` before a pool exists. */
export function authorize(s: CognitoIdentityServices, op: OperationContext, action: string, poolId: string): Promise<void> {
  return s.ctx.authorizer.authorize(op.principal, `cognito-identity:${action}`, s.pools.arn(poolId), { sourceIp: op.sourceIp });
}
