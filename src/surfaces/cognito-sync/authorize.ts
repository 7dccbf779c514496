import type { Principal } from '../../core/credentials/principal.js';
import { AppError } from '../../core/errors.js';
import type { Authorizer } from '../../core/iam/ports.js';
import type { OperationContext } from '../../protocols/aws/operation.js';

/** Who may call an operation (aws-apis.md §7.1 "Caller" column). */
export type CallerKind = 'identity-or-dev' | 'dev-only' | 'identity-only';

/** The resource an operation acts on; `datasetName: null` is ListDatasets' `dataset/null` (§5.5). */
export interface SyncResource {
  poolId?: string;
  identityId?: string;
  datasetName?: string | null;
}

export interface AuthorizeDeps {
  authorizer: Authorizer;
  region: string;
  accountId: string;
}

const SUB = 'cognito-identity.amazonaws.com:sub';
const AUD = 'cognito-identity.amazonaws.com:aud';

/** ARNs of §7.3; ListIdentityPoolUsage (no pool) is authorized against `*`. */
export function syncResourceArn(deps: Pick<AuthorizeDeps, 'region' | 'accountId'>, r: SyncResource): string {
  if (r.poolId === undefined) return '*';
  let arn = `arn:aws:cognito-sync:${deps.region}:${deps.accountId}:identitypool/${r.poolId}`;
  if (r.identityId !== undefined) arn += `/identity/${r.identityId}`;
  if (r.datasetName !== undefined) arn += `/dataset/${r.datasetName ?? 'null'}`;
  return arn;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** The identity a principal holds Cognito credentials for, if it does. */
export function cognitoIdentityOf(p: Principal | undefined): { identityId: string; poolId: string | undefined } | undefined {
  if (p?.kind !== 'assumed-role') return undefined;
  const sub = first(p.context[SUB]);
  return sub ? { identityId: sub, poolId: first(p.context[AUD]) } : undefined;
}

/**
 * The isolation rule, then IAM (deny wins either way):
 * 1. Credentials obtained through Cognito reach only their own identity's data — path IdentityId
 *    must be the session's `:sub` and IdentityPoolId its `:aud` — whatever the role policy says
 *    (§7.3 "each identity has access only to its own data"). Otherwise AccessDeniedException with
 *    AWS's message (§5.5). They cannot call developer-only operations at all (NotAuthorized).
 * 2. Identity-only operations (push devices) refuse developer credentials (NotAuthorized).
 * 3. `cognito-sync:<Op>` on the resource ARN goes through the IAM policy engine (root: allowed).
 */
export async function authorizeSync(deps: AuthorizeDeps, ctx: OperationContext, op: string, kind: CallerKind, resource: SyncResource): Promise<{ cognito: boolean }> {
  const principal = ctx.principal;
  if (!principal) throw new AppError('MissingAuthenticationToken', 'Missing Authentication Token');
  const arn = syncResourceArn(deps, resource);
  const cognito = cognitoIdentityOf(principal);
  if (cognito) {
    if (kind === 'dev-only') {
      throw new AppError('NotAuthorized', `${op} can only be called with developer credentials, not with credentials from Cognito Identity`);
    }
    if (resource.identityId !== cognito.identityId || resource.poolId !== cognito.poolId) {
      throw new AppError('AccessDenied', `User: ${principal.arn} is not authorized to perform: cognito-sync:${op} on resource: ${arn}`);
    }
  } else if (kind === 'identity-only') {
    throw new AppError('NotAuthorized', `${op} can only be called with credentials from Cognito Identity`);
  }
  await deps.authorizer.authorize(principal, `cognito-sync:${op}`, arn, { sourceIp: ctx.sourceIp });
  return { cognito: cognito !== undefined };
}
