/**
 * IAM's own error texts, word for word where they have been seen from the real service
 * (CLI/SDK output quoted in public issue threads; aws-apis.md §4) and marked [I] where the
 * text is our inference. Kept in one place so tests and services agree.
 */
export const IamMessages = {
  roleNotFound: (name: string) => `The role with name ${name} cannot be found.`,
  roleExists: (name: string) => `Role with name ${name} already exists.`,
  rolePolicyNotFound: (name: string) => `The role policy with name ${name} cannot be found.`,
  deleteRoleWithInline: 'Cannot delete entity, must delete policies first.',
  deleteRoleWithAttached: 'Cannot delete entity, must detach all policies first.',
  providerNotFound: (arn: string) => `OpenIDConnect Provider not found for arn ${arn}`,
  providerExists: (url: string) => `Provider with url ${url} already exists.`,
  policyNotFound: (arn: string) => `Policy ${arn} does not exist or is not attachable.`,
  policyVersionNotFound: (arn: string, v: string) => `Policy ${arn} version ${v} does not exist or is not attachable.`,
  policyNotAttached: (arn: string) => `Policy ${arn} was not found.`,
  policyExists: (name: string) => `A policy called ${name} already exists. Duplicate names are not allowed.`,
  policyVersionsLimit: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
  deleteAttachedPolicy: 'Cannot delete a policy attached to entities.',
  deletePolicyWithVersions:
    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
  deleteDefaultVersion: 'Cannot delete the default version of a policy.',
  /** `Cannot exceed quota for <Name>: <limit>` — the form of every IAM count and size quota. */
  quota: (name: string, limit: number) => `Cannot exceed quota for ${name}: ${limit}`,
  inlinePolicySize: (roleName: string) => `Maximum policy size of 10240 bytes exceeded for role ${roleName}`,
  invalidProviderUrl: 'Invalid Open ID Connect Provider URL',
  invalidProviderUrlDot: 'Invalid Open ID Connect Provider URL.',
  providerUrlScheme: 'Invalid Open ID Connect Provider URL. The URL must begin with https://.',
  thumbprintCount: 'Thumbprint list must contain fewer than 5 entries.',
  /** [I] AWS itself only checks the length (40); Cognate pins by thumbprint, so it must be hex. */
  thumbprintHex: 'Thumbprint must be exactly 40 hexadecimal characters.',
  duplicateTagKeys: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
  /** [I] */
  tooManyTags: 'The number of tags has reached the maximum limit.',
  /** [I] IAM fetches the thumbprint itself when ThumbprintList is omitted. */
  thumbprintFetch: (url: string) => `Could not retrieve the server certificate thumbprint of ${url}`,
} as const;

/** [I] as AWS words it for PutRolePermissionsBoundary. */
export const boundaryNotFound = (arn: string): string => `Scope ARN: ${arn} does not exist or is not attachable.`;
