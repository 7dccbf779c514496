/**
 * sts:AssumeRoleWithWebIdentity after the token has been verified (aws-apis.md §3.1, §3.5,
 * §5.1 step 5): the role's trust policy decides, against the token's claims exposed as
 * `<provider>:<claim>` condition keys; then the duration and session policies are checked and
 * a sealed session is issued that carries those keys into every later decision (§5.4).
 */
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { assumedRoleArn, roleNameFromArn } from '../iam/arns.js';
import type { ParsedPolicyCache } from '../iam/policy-cache.js';
import type { IamStore } from '../iam/ports.js';
import { evaluateTrust, type RequestContext } from '../policy/index.js';
import type { SessionContext } from './principal.js';
import type { AssumedRole, AssumeRoleWithWebIdentityRequest, RoleAssumer, WebIdentity } from './ports.js';
import type { SessionGrant, TemporaryCredentials } from './sessions.js';

export const DEFAULT_SESSION_DURATION = 3600;
/** Inline and managed session policies together, as plaintext (aws-apis.md §8.4). */
export const MAX_SESSION_POLICY_PLAINTEXT = 2048;
export const MAX_SESSION_POLICY_ARNS = 10;

export const AssumeRoleMessages = {
  denied: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
  duration: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
  packed: (percent: number) => `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
  tooManyArns: `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_POLICY_ARNS}`,
  /** [I] */
  noSuchPolicy: (arn: string) => `Policy ${arn} does not exist or is not attachable.`,
} as const;

export interface WebIdentityRoleAssumerOptions {
  accountId: string;
  clock: Clock;
  store: Pick<IamStore, 'roleByName' | 'policyByArn'>;
  sessions: { issue(grant: SessionGrant): Promise<TemporaryCredentials> };
  parsed: ParsedPolicyCache;
}

/** The token's claims as lower-cased `<keyPrefix>:<claim>` keys, plus `aws:FederatedProvider`. */
export function webIdentityKeys(w: WebIdentity): SessionContext {
  const prefix = w.keyPrefix.toLowerCase();
  const out: SessionContext = { 'aws:federatedprovider': w.federatedPrincipal };
  for (const [claim, value] of Object.entries(w.claims)) out[`${prefix}:${claim.toLowerCase()}`] = value;
  return out;
}

export class WebIdentityRoleAssumer implements RoleAssumer {
  constructor(private readonly options: WebIdentityRoleAssumerOptions) {}

  async assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest): Promise<AssumedRole> {
    const { accountId, clock, store, parsed } = this.options;
    const denied = () => new AppError('AccessDenied', AssumeRoleMessages.denied);
    const w = request.webIdentity;
    // A missing role and a trust policy that does not match look the same to the caller.
    const roleName = roleNameFromArn(request.roleArn, accountId);
    const role = roleName === undefined ? undefined : await store.roleByName(roleName);
    if (!role) throw denied();

    const now = clock.now();
    const identityKeys = webIdentityKeys(w);
    const tags = Object.entries(w.principalTags ?? {});
    const context: RequestContext = {
      ...identityKeys,
      'aws:sourceip': request.sourceIp,
      'aws:currenttime': new Date(now).toISOString(),
      'aws:epochtime': String(Math.floor(now / 1000)),
      ...Object.fromEntries(tags.map(([k, v]) => [`aws:requesttag/${k.toLowerCase()}`, v])),
      ...(tags.length > 0 ? { 'aws:tagkeys': tags.map(([k]) => k) } : {}),
    };
    const trust = parsed.parse(role.assumeRolePolicy, 'trust');
    // Session tags need sts:TagSession as well (aws-apis.md §3.5).
    const actions = ['sts:AssumeRoleWithWebIdentity', ...(tags.length > 0 ? ['sts:TagSession'] : [])];
    for (const action of actions) {
      const r = evaluateTrust(trust, { action, resource: role.arn, context, principal: { type: 'Federated', id: w.federatedPrincipal } });
      if (r.decision !== 'allowed') throw denied();
    }

    const duration = request.durationSeconds ?? DEFAULT_SESSION_DURATION;
    if (duration > role.maxSessionDuration) throw new AppError('ValidationError', AssumeRoleMessages.duration);

    const arns = request.policyArns ?? [];
    if (arns.length > MAX_SESSION_POLICY_ARNS) throw new AppError('ValidationError', AssumeRoleMessages.tooManyArns);
    const tagText = tags.reduce((n, [k, v]) => n + k.length + v.length, 0);
    const plaintext = (request.policy?.length ?? 0) + arns.reduce((n, a) => n + a.length, 0);
    const packedPolicySize = Math.ceil((100 * (plaintext + tagText)) / MAX_SESSION_POLICY_PLAINTEXT);
    if (plaintext > MAX_SESSION_POLICY_PLAINTEXT) throw new AppError('PackedPolicyTooLarge', AssumeRoleMessages.packed(packedPolicySize));
    if (request.policy !== undefined) parsed.parse(request.policy, 'session');
    for (const arn of arns) {
      if (!(await store.policyByArn(arn))) throw new AppError('MalformedPolicyDocument', AssumeRoleMessages.noSuchPolicy(arn));
    }

    const sessionContext: SessionContext = {
      ...identityKeys,
      ...Object.fromEntries(tags.map(([k, v]) => [`aws:principaltag/${k.toLowerCase()}`, v])),
    };
    const credentials = await this.options.sessions.issue({
      accountId,
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      sessionName: request.roleSessionName,
      durationSeconds: duration,
      context: sessionContext,
      ...(request.policy !== undefined ? { sessionPolicy: request.policy } : {}),
      ...(arns.length > 0 ? { sessionPolicyArns: arns } : {}),
    });
    return {
      credentials,
      assumedRoleId: `${role.roleId}:${request.roleSessionName}`,
      arn: assumedRoleArn(accountId, role.roleName, request.roleSessionName),
      ...(plaintext + tagText > 0 ? { packedPolicySize } : {}),
    };
  }
}
