/**
 * `Principal` / `NotPrincipal` in trust and resource policies: validation and matching.
 *
 * IAM User Guide, "AWS JSON policy elements: Principal":
 * - `"*"` and `{"AWS": "*"}` are equivalent and mean everyone, anonymous callers included;
 * - an account id or `arn:aws:iam::<acct>:root` names the account, so any principal of
 *   that account matches;
 * - a role ARN matches sessions of that role (IAM resolves it to the role's unique id; an
 *   assumed-role session ARN carries the role name but not its path, so we match by
 *   account and name);
 * - wildcards may not be used inside a principal ARN;
 * - `Federated` names a web identity provider (`cognito-identity.amazonaws.com`,
 *   `accounts.google.com`, `graph.facebook.com`, `www.amazon.com`) or an IAM OIDC/SAML
 *   provider ARN; `Service` names an AWS service principal.
 */
import { malformed, PolicyMessages } from './messages.js';
import type { PolicyKind, PrincipalSpec, PrincipalType, RequestPrincipal } from './types.js';

const TYPES: readonly PrincipalType[] = ['AWS', 'Federated', 'Service', 'CanonicalUser'];

const ACCOUNT = /^\d{12}$/;
const PARTITION = 'aws(?:-[a-z]+)*';
const IAM_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):(root|user/[^*?]+|role/[^*?]+|federated-user/[^*?]+)$`);
const STS_ARN = new RegExp(`^arn:${PARTITION}:sts::(\\d{12}):(assumed-role/[^/*?]+/[^*?]+|federated-user/[^*?]+)$`);
const PROVIDER_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(oidc-provider|saml-provider)/[^*?]+$`);
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const CANONICAL = /^[0-9a-f]{64}$/i;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validValue(type: PrincipalType, value: string, kind: PolicyKind): boolean {
  switch (type) {
    case 'AWS':
      return value === '*' || ACCOUNT.test(value) || IAM_ARN.test(value) || STS_ARN.test(value);
    case 'Federated':
      return PROVIDER_ARN.test(value) || DOMAIN.test(value);
    case 'Service':
      return DOMAIN.test(value);
    case 'CanonicalUser':
      // A canonical user is an S3 notion; a role's trust policy cannot name one.
      return kind === 'resource' && CANONICAL.test(value);
  }
}

/**
 * Checks the JSON shape of a `Principal` value and normalizes it; throws
 * `Syntax errors in policy.` for a wrong shape.
 */
export function parsePrincipalShape(raw: unknown): PrincipalSpec {
  if (raw === '*') return '*';
  if (!isPlainObject(raw)) throw malformed(PolicyMessages.syntax);
  const keys = Object.keys(raw);
  if (keys.length === 0) throw malformed(PolicyMessages.syntax);
  const out: Partial<Record<PrincipalType, string[]>> = {};
  for (const key of keys) {
    if (!(TYPES as readonly string[]).includes(key)) throw malformed(PolicyMessages.syntax);
    const v = raw[key];
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || !list.every((x): x is string => typeof x === 'string')) {
      throw malformed(PolicyMessages.syntax);
    }
    out[key as PrincipalType] = list;
  }
  return out;
}

/** Checks each principal value; throws `Invalid principal in policy: "TYPE":"value"`. */
export function validatePrincipalValues(spec: PrincipalSpec, kind: PolicyKind): void {
  if (spec === '*') return;
  for (const type of TYPES) {
    for (const value of spec[type] ?? []) {
      if (!validValue(type, value, kind)) throw malformed(PolicyMessages.invalidPrincipal(type, value));
    }
  }
}

/** The account of an AWS principal id (account id or IAM/STS ARN), if any. */
function accountOf(id: string): string | undefined {
  if (ACCOUNT.test(id)) return id;
  const parts = id.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && ACCOUNT.test(parts[4]!) ? parts[4] : undefined;
}

/** Whether the policy's AWS principal value names the caller. */
function awsMatches(value: string, caller: string): boolean {
  if (value === '*') return true;
  if (value === caller) return true;
  const root = IAM_ARN.exec(value);
  const account = ACCOUNT.test(value) ? value : root?.[2] === 'root' ? root[1] : undefined;
  if (account !== undefined) return accountOf(caller) === account;
  // A role ARN also names every session of the role.
  if (root !== null && root[2]!.startsWith('role/')) {
    const session = STS_ARN.exec(caller);
    if (session === null || session[1] !== root[1] || !session[2]!.startsWith('assumed-role/')) return false;
    const roleName = root[2]!.slice(root[2]!.lastIndexOf('/') + 1);
    return session[2]!.split('/')[1] === roleName;
  }
  return false;
}

/** A compiled principal test; `undefined` principal is an anonymous caller. */
export type PrincipalMatcher = (caller: RequestPrincipal | undefined) => boolean;

/** Compiles a principal spec into a test. */
export function compilePrincipal(spec: PrincipalSpec): PrincipalMatcher {
  if (spec === '*' || (spec.AWS ?? []).includes('*')) return () => true;
  const aws = spec.AWS ?? [];
  const federated = (spec.Federated ?? []).map((v) => (v.startsWith('arn:') ? v : v.toLowerCase()));
  const service = (spec.Service ?? []).map((v) => v.toLowerCase());
  return (caller) => {
    if (caller === undefined) return false;
    switch (caller.type) {
      case 'AWS':
        return aws.some((v) => awsMatches(v, caller.id));
      case 'Federated': {
        const id = caller.id.startsWith('arn:') ? caller.id : caller.id.toLowerCase();
        return federated.includes(id);
      }
      case 'Service':
        return service.includes(caller.id.toLowerCase());
    }
  };
}
