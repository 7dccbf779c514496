/**
 * sts:AssumeRoleWithWebIdentity (aws-apis.md §2, §3.1), unsigned: the token is the proof.
 * Tokens of this server's Cognito Identity (iss `<issuer>/cognito-identity`) are verified with
 * its own key and stand for `cognito-identity.amazonaws.com` (§5.6); any other issuer must be a
 * registered IAM OIDC provider, found by the issuer without its scheme (§2.1).
 */
import type { AppContext } from '../../../app/context.js';
import type { WebIdentity } from '../../../core/credentials/ports.js';
import { AppError } from '../../../core/errors.js';
import { CognitoTokenError, cognitoWebIdentity, principalTagsOf, verifyCognitoToken } from '../../../core/federation/cognito-token.js';
import {
  isTokenValidationError,
  issuerKeyOf,
  stsWebIdentityError,
  TokenValidationError,
  validateIdToken,
  type TokenValidationReason,
} from '../../../core/oidc-providers/index.js';
import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';

interface Input {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  PolicyArns?: { arn?: string }[];
  Policy?: string;
  DurationSeconds?: number;
}

/** A refusal in STS's words (core/oidc-providers `stsWebIdentityError`); anything else goes on unchanged. */
const refused = (e: unknown): unknown => (isTokenValidationError(e) ? stsWebIdentityError(e) : e);

/** The `iss` claim, read before any verification only to choose the verifier. */
function unverifiedIssuer(token: string, now: number): string {
  const payload = token.split('.')[1];
  try {
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    if (typeof claims.iss === 'string' && claims.iss !== '') return claims.iss;
  } catch {
    // not JSON: not a JWT
  }
  throw refused(new TokenValidationError('malformed', 'no iss', { now: Math.floor(now / 1000) }));
}

const COGNITO_REASONS: Record<CognitoTokenError['reason'], TokenValidationReason> = {
  malformed: 'malformed',
  signature: 'badSignature',
  issuer: 'issuerMismatch',
  expired: 'expired',
  claims: 'malformed',
};

async function cognitoIdentity(ctx: AppContext, token: string, now: number): Promise<WebIdentity> {
  try {
    const claims = await verifyCognitoToken(ctx, token);
    return cognitoWebIdentity(claims, principalTagsOf(claims));
  } catch (e) {
    if (!(e instanceof CognitoTokenError)) throw e;
    const facts = { now: e.now ?? Math.floor(now / 1000), ...(e.exp !== undefined ? { exp: e.exp } : {}), issuer: `${ctx.config.issuer}/cognito-identity` };
    throw refused(new TokenValidationError(COGNITO_REASONS[e.reason], e.message, facts, { cause: e }));
  }
}

const stringClaim = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

async function oidcIdentity(ctx: AppContext, iss: string, token: string, now: number): Promise<WebIdentity> {
  // AWS does not normalise provider URLs; a trailing slash is the one difference we forgive.
  const key = issuerKeyOf(iss);
  const provider =
    (await ctx.oidcProviders.byUrl(key)) ?? (await ctx.oidcProviders.byUrl(key.endsWith('/') ? key.slice(0, -1) : `${key}/`));
  if (!provider) throw new AppError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`);
  let claims: Record<string, unknown>;
  try {
    ({ claims } = await validateIdToken(token, { issuerKey: provider.url, clientIds: provider.clientIds, thumbprints: provider.thumbprints }, { now }));
  } catch (e) {
    throw refused(e);
  }
  // The audience that matched the provider's client ids: azp when present, else aud (§2.1).
  const auds = Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [stringClaim(claims.aud) ?? ''];
  const azp = stringClaim(claims.azp);
  const audience = azp ?? auds.find((a) => provider.clientIds.includes(a)) ?? auds[0] ?? '';
  const subject = stringClaim(claims.sub) ?? '';
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === 'string') : stringClaim(claims.amr);
  return {
    federatedPrincipal: provider.arn,
    keyPrefix: provider.url,
    claims: { aud: audience, sub: subject, ...(azp !== undefined ? { azp } : {}), ...(amr !== undefined ? { amr } : {}) },
    provider: provider.url,
    audience,
    subject,
  };
}

export function assumeRoleWithWebIdentity(ctx: AppContext): AnyOperation {
  return operation({
    auth: 'none',
    async handle(input: Input, c) {
      const iss = unverifiedIssuer(input.WebIdentityToken, c.now);
      const webIdentity =
        iss === `${ctx.config.issuer}/cognito-identity`
          ? await cognitoIdentity(ctx, input.WebIdentityToken, c.now)
          : await oidcIdentity(ctx, iss, input.WebIdentityToken, c.now);
      const policyArns = (input.PolicyArns ?? []).map((p) => p.arn).filter((a): a is string => a !== undefined);
      const assumed = await ctx.roleAssumer.assumeRoleWithWebIdentity({
        roleArn: input.RoleArn,
        roleSessionName: input.RoleSessionName,
        webIdentity,
        sourceIp: c.sourceIp,
        ...(input.DurationSeconds !== undefined ? { durationSeconds: input.DurationSeconds } : {}),
        ...(input.Policy !== undefined ? { policy: input.Policy } : {}),
        ...(policyArns.length > 0 ? { policyArns } : {}),
      });
      const { credentials } = assumed;
      return {
        Credentials: {
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          SessionToken: credentials.sessionToken,
          Expiration: new Date(credentials.expiration),
        },
        SubjectFromWebIdentityToken: webIdentity.subject,
        AssumedRoleUser: { AssumedRoleId: assumed.assumedRoleId, Arn: assumed.arn },
        PackedPolicySize: assumed.packedPolicySize,
        Provider: webIdentity.provider,
        Audience: webIdentity.audience,
      };
    },
  });
}
