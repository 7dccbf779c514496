import type { Principal } from '../credentials/principal.js';
import type { RequestContext } from '../policy/index.js';

/**
 * The global condition keys of a signed request (IAM User Guide, "AWS global condition
 * context keys"; aws-apis.md §5.4), lower-cased, plus the web-identity keys the session
 * carries (`cognito-identity.amazonaws.com:sub`, `aws:federatedprovider`, …). The fixed
 * `aws:` keys win over anything the session or caller supplies.
 */
export function requestContext(principal: Principal, now: number, sourceIp: string | undefined, extra: RequestContext = {}): RequestContext {
  const base: RequestContext = principal.kind === 'assumed-role' ? { ...principal.context } : {};
  return {
    ...base,
    ...extra,
    'aws:userid': principal.userId,
    // For a role session, aws:PrincipalArn is the role's ARN, not the session's.
    'aws:principalarn': principal.kind === 'assumed-role' ? principal.roleArn : principal.arn,
    'aws:principaltype': principal.kind === 'assumed-role' ? 'AssumedRole' : 'Account',
    'aws:principalaccount': principal.accountId,
    'aws:currenttime': new Date(now).toISOString(),
    'aws:epochtime': String(Math.floor(now / 1000)),
    ...(sourceIp === undefined ? {} : { 'aws:sourceip': sourceIp }),
  };
}
