/**
 * IAM and STS ARNs (IAM User Guide, "IAM identifiers"). IAM is global: no region field.
 * Paths are `/` or `/…/` and sit between the resource type and the name.
 */

export const oidcProviderArn = (accountId: string, url: string): string => `arn:aws:iam::${accountId}:oidc-provider/${url}`;
export const roleArn = (accountId: string, path: string, name: string): string => `arn:aws:iam::${accountId}:role${path}${name}`;
export const policyArn = (accountId: string, path: string, name: string): string => `arn:aws:iam::${accountId}:policy${path}${name}`;
/** The assumed-role session ARN leaves out the role path (aws-apis.md §3.1). */
export const assumedRoleArn = (accountId: string, roleName: string, sessionName: string): string =>
  `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;

export interface ParsedIamArn {
  partition: string;
  accountId: string;
  /** `role`, `policy`, `oidc-provider`, … */
  type: string;
  /** Everything after `<type>`: `/path/name` for roles and policies, `/url` for providers. */
  rest: string;
  /** The last `/`-segment: the role or policy name. */
  name: string;
}

/** Splits `arn:<partition>:iam::<account>:<type>/<rest>`; undefined for anything else. */
export function parseIamArn(arn: string): ParsedIamArn | undefined {
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}|aws):([a-z-]+)(\/.*)$/.exec(arn);
  if (!m) return undefined;
  const rest = m[4]!;
  return { partition: m[1]!, accountId: m[2]!, type: m[3]!, rest, name: rest.slice(rest.lastIndexOf('/') + 1) };
}

/** A role ARN of this account: the role name (its path is irrelevant to the match). */
export function roleNameFromArn(arn: string, accountId: string): string | undefined {
  const p = parseIamArn(arn);
  return p && p.type === 'role' && p.accountId === accountId && p.name !== '' ? p.name : undefined;
}
