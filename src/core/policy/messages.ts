import { AppError } from '../errors.js';

/**
 * The `MalformedPolicyDocument` messages IAM returns, word for word where they have been
 * observed from the real service (CLI output, CloudTrail `errorMessage`), and marked [I]
 * where the text is our inference. The trust-policy ones are those of the shared AWS API
 * reference, §4.2 (aws-apis.md), as the CLI prints them.
 */
export const PolicyMessages = {
  /** Structural problems: wrong types, unknown elements, unknown condition operators, bad Version. */
  syntax: 'Syntax errors in policy.',
  /** Unparseable JSON in a role trust policy (CreateRole / UpdateAssumeRolePolicy). */
  invalidJson: 'This policy contains invalid Json',
  /** CreatePolicy / CreatePolicyVersion only: managed policies need the current language version. */
  version: 'Policy document must be version 2012-10-17 or greater.',
  /** Effect in the wrong case, or a Date condition value that is neither ISO-8601 nor epoch seconds. */
  legacyParsing: 'The policy failed legacy parsing',
  sidFormat:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  actionsRequired: 'Policy statement must contain actions.',
  resourcesRequired: 'Policy statement must contain resources.',
  vendorRequired: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  vendorInvalid: (vendor: string): string => `Vendor ${vendor} is not valid`,
  resourceFormat: (resource: string): string => `Resource ${resource} must be in ARN format or "*".`,
  /** Identity, session and boundary policies (CreatePolicy, PutRolePolicy). */
  principalProhibited: 'Policy document should not specify a principal.',
  /** Trust policies. IAM's CLI output carries no trailing period. */
  trustResourceProhibited: 'Has prohibited field Resource',
  /** [I] by analogy with the Resource message. */
  trustNotResourceProhibited: 'Has prohibited field NotResource',
  trustPrincipalRequired: 'Missing required field Principal',
  trustStsActionsOnly: 'AssumeRole policy may only specify STS AssumeRole actions.',
  invalidPrincipal: (type: string, value: string): string =>
    `Invalid principal in policy: "${type.toUpperCase()}":"${value}"`,
} as const;

/** `AppError('MalformedPolicyDocument', message)`. */
export const malformed = (message: string): AppError => new AppError('MalformedPolicyDocument', message);
