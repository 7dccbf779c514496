/** Who signed a request, as SigV4 verification resolves it. */
export type Principal = RootPrincipal | AssumedRolePrincipal;

export interface RootPrincipal {
  kind: 'root';
  accountId: string;
  accessKeyId: string;
  /** arn:aws:iam::<acct>:root */
  arn: string;
  userId: string;
}

/** Condition keys carried from the web-identity token into every later decision (aws-apis.md §5.4). */
export type SessionContext = Record<string, string | string[]>;

export interface AssumedRolePrincipal {
  kind: 'assumed-role';
  accountId: string;
  accessKeyId: string;
  /** arn:aws:sts::<acct>:assumed-role/<RoleName>/<SessionName> (no role path) */
  arn: string;
  /** <RoleId>:<SessionName> */
  userId: string;
  roleArn: string;
  roleId: string;
  roleName: string;
  sessionName: string;
  /** ms since epoch */
  expiresAt: number;
  /** lower-cased condition keys, e.g. `cognito-identity.amazonaws.com:sub` */
  context: SessionContext;
  /** inline session policy JSON, if the session was scoped down */
  sessionPolicy?: string;
  /** managed session policy ARNs */
  sessionPolicyArns?: string[];
}

export const rootArn = (accountId: string): string => `arn:aws:iam::${accountId}:root`;
