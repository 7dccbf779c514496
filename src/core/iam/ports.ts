import type { Principal } from '../credentials/principal.js';

/** Condition-key values as the policy engine receives them (keys lower-case). */
export type RequestContextValues = Record<string, string | string[]>;

/** An IAM OpenID Connect provider (aws-apis.md §4.1). */
export interface OidcProviderRecord {
  arn: string;
  /** host[:port][/path] — the Url without its scheme, as GetOpenIDConnectProvider returns it */
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: { Key: string; Value: string }[];
  createdAt: number;
}

/** What Cognito Identity and STS need of the OIDC provider registry. */
export interface OidcProviderLookup {
  byArn(arn: string): Promise<OidcProviderRecord | undefined>;
  /** Exact, case-sensitive url match (no scheme), as AWS does not normalise. */
  byUrl(url: string): Promise<OidcProviderRecord | undefined>;
}

/** Decides every request made with credentials, through the IAM policy engine. */
export interface Authorizer {
  /**
   * Root is allowed everything. An assumed-role session is allowed what its role's inline and
   * attached policies allow, intersected with its session policies; an explicit Deny wins.
   * Throws AppError('AccessDenied', 'User: <arn> is not authorized to perform: <action> on resource: <resource>').
   */
  authorize(principal: Principal | undefined, action: string, resource: string, extra?: { sourceIp?: string; context?: RequestContextValues }): Promise<void>;
}
