import type { RequestContextValues } from '../iam/ports.js';
import type { TemporaryCredentials } from './sessions.js';

/**
 * A verified web identity presented to sts:AssumeRoleWithWebIdentity — by STS itself
 * (an OIDC provider's ID token, or a Cognito-issued OpenID token) or by Cognito Identity's
 * enhanced flow (its own token, without the JWT round trip).
 */
export interface WebIdentity {
  /** The federated principal trust policies name: `cognito-identity.amazonaws.com` or an OIDC provider ARN. */
  federatedPrincipal: string;
  /** Condition-key prefix: `cognito-identity.amazonaws.com` or the provider's url (host[/path]). */
  keyPrefix: string;
  /** Claims exposed as `<keyPrefix>:<claim>` condition keys: aud, sub, amr (multi-valued), azp, … */
  claims: RequestContextValues;
  /** Response `<Provider>`: token iss without scheme (Cognito: cognito-identity.amazonaws.com). */
  provider: string;
  /** Response `<Audience>` */
  audience: string;
  /** Response `<SubjectFromWebIdentityToken>` */
  subject: string;
  /** Principal tags from the token (`https://aws.amazon.com/tags`), if any. */
  principalTags?: Record<string, string>;
}

export interface AssumeRoleWithWebIdentityRequest {
  roleArn: string;
  roleSessionName: string;
  /** Defaults to 3600; must be 900…role MaxSessionDuration. */
  durationSeconds?: number;
  webIdentity: WebIdentity;
  /** Inline session policy JSON. */
  policy?: string;
  policyArns?: string[];
  sourceIp: string;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  /** <RoleId>:<SessionName> */
  assumedRoleId: string;
  /** arn:aws:sts::<acct>:assumed-role/<RoleName>/<SessionName> */
  arn: string;
  packedPolicySize?: number;
}

export interface RoleAssumer {
  /**
   * Evaluates the role's trust policy against the web identity and issues temporary
   * credentials. Throws AppError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity')
   * when the role is missing or its trust policy does not allow the identity; ValidationError for a bad
   * duration; MalformedPolicyDocument / PackedPolicyTooLarge for bad session policies.
   */
  assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest): Promise<AssumedRole>;
}
