import { AppError } from '../../../core/errors.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';

/**
 * sts:GetCallerIdentity (aws-apis.md §3.2): needs no permission and an explicit Deny does not
 * block it. Root: `arn:aws:iam::<acct>:root`, UserId the account; a role session: its session
 * ARN and `<RoleId>:<SessionName>`.
 */
export function getCallerIdentity(): AnyOperation {
  return operation({
    auth: 'sigv4',
    async handle(_input: Record<string, never>, c) {
      const p = c.principal;
      if (!p) throw new AppError('MissingAuthenticationToken', 'Request is missing Authentication Token');
      return { UserId: p.userId, Account: p.accountId, Arn: p.arn };
    },
  });
}
