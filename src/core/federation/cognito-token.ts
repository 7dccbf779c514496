import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import type { Clock } from '../clock.js';
import type { WebIdentity } from '../credentials/ports.js';
import type { PublicJwk, SigningKeyRing } from '../keys/signing-key-ring.js';

/** The federated principal and condition-key prefix trust policies use for Cognito (aws-apis.md §3.5, §5.6). */
export const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';
export const POOL_ARN_CLAIM = 'https://cognito-identity.amazonaws.com/identity-pool-arn';
export const TAGS_CLAIM = 'https://aws.amazon.com/tags';
/** `keys` table purpose of the ring that signs these tokens. */
export const COGNITO_TOKEN_PURPOSE = 'cognito-identity-token';
/** §1.7: 10 minutes from GetOpenIdToken; 15 minutes by default from the developer call. */
export const OPEN_ID_TOKEN_SECONDS = 600;
export const DEVELOPER_TOKEN_SECONDS = 900;

/** The claims of the OpenID token Cognito Identity issues (§1.7). */
export interface CognitoTokenClaims {
  iss: string;
  /** the identity pool id */
  aud: string;
  /** the identity id */
  sub: string;
  amr: string[];
  iat: number;
  exp: number;
  [POOL_ARN_CLAIM]: string;
  [TAGS_CLAIM]?: { principal_tags: Record<string, string[]> };
}

export type CognitoTokenFailure = 'malformed' | 'signature' | 'issuer' | 'expired' | 'claims';

/** Why a token is not one of ours; `now`/`exp` (epoch seconds) are set for `expired`. */
export class CognitoTokenError extends Error {
  override readonly name = 'CognitoTokenError';
  constructor(
    readonly reason: CognitoTokenFailure,
    message: string,
    readonly now?: number,
    readonly exp?: number,
  ) {
    super(message);
  }
}

export interface IssueRequest {
  poolId: string;
  identityId: string;
  amr: string[];
  principalTags?: Record<string, string>;
  lifetimeSeconds: number;
}

export interface CognitoTokenOptions {
  /** The server's public base URL, read at each use (a port-0 server learns it after binding). */
  baseUrl: () => string;
  region: string;
  accountId: string;
  clock: Clock;
}

/** Issues and verifies Cognito Identity's OpenID tokens: RS512, kid `<region>-<n>`, one key set for every pool. */
export class CognitoTokens {
  constructor(
    private readonly ring: SigningKeyRing,
    private readonly options: CognitoTokenOptions,
  ) {}

  /** `<base>/cognito-identity`: the token `iss`, and where its discovery document lives. */
  issuer(): string {
    return `${this.options.baseUrl()}/cognito-identity`;
  }

  poolArn(poolId: string): string {
    return `arn:aws:cognito-identity:${this.options.region}:${this.options.accountId}:identitypool/${poolId}`;
  }

  async issue(request: IssueRequest): Promise<{ token: string; claims: CognitoTokenClaims }> {
    const iat = Math.floor(this.options.clock.now() / 1000);
    const claims: CognitoTokenClaims = {
      sub: request.identityId,
      aud: request.poolId,
      amr: request.amr,
      [POOL_ARN_CLAIM]: this.poolArn(request.poolId),
      iss: this.issuer(),
      exp: iat + request.lifetimeSeconds,
      iat,
    };
    const tags = request.principalTags;
    if (tags && Object.keys(tags).length > 0) {
      claims[TAGS_CLAIM] = { principal_tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])) };
    }
    const key = await this.ring.current();
    // Header as real Cognito writes it (§1.7): {"kid":…,"typ":"JWS","alg":"RS512"}.
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ kid: key.kid, typ: 'JWS', alg: key.alg })
      .sign(key.privateKey);
    return { token, claims };
  }

  /** Verifies signature, issuer, expiry and claim shapes. Throws CognitoTokenError. */
  async verify(token: string): Promise<CognitoTokenClaims> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== this.ring.alg) throw new CognitoTokenError('signature', `unexpected alg ${String(header.alg)}`);
      kid = header.kid;
    } catch (e) {
      if (e instanceof CognitoTokenError) throw e;
      throw new CognitoTokenError('malformed', 'not a JWS');
    }
    const key = kid === undefined ? undefined : await this.ring.verificationKey(kid);
    if (!key) throw new CognitoTokenError('signature', 'unknown key id');
    let payload: Uint8Array;
    try {
      payload = (await compactVerify(token, key, { algorithms: [this.ring.alg] })).payload;
    } catch {
      throw new CognitoTokenError('signature', 'signature verification failed');
    }
    const claims = parseClaims(payload);
    if (claims.iss !== this.issuer()) throw new CognitoTokenError('issuer', `issuer ${claims.iss} is not ${this.issuer()}`);
    const now = Math.floor(this.options.clock.now() / 1000);
    if (now >= claims.exp) throw new CognitoTokenError('expired', `Token expired: ${now} >= ${claims.exp}`, now, claims.exp);
    return claims;
  }

  /** The issuer's OpenID discovery document (served at `<issuer>/.well-known/openid-configuration`). */
  discovery(): Record<string, unknown> {
    const issuer = this.issuer();
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks_uri`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [this.ring.alg],
      claims_supported: ['iss', 'aud', 'sub', 'amr', 'iat', 'exp', POOL_ARN_CLAIM, TAGS_CLAIM],
    };
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return { keys: await this.ring.verificationKeys() };
  }
}

function parseClaims(payload: Uint8Array): CognitoTokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new CognitoTokenError('malformed', 'payload is not JSON');
  }
  const c = value as Partial<CognitoTokenClaims> | null;
  const ok =
    c !== null &&
    typeof c === 'object' &&
    typeof c.iss === 'string' &&
    typeof c.aud === 'string' &&
    typeof c.sub === 'string' &&
    Array.isArray(c.amr) &&
    c.amr.every((a) => typeof a === 'string') &&
    Number.isInteger(c.exp) &&
    Number.isInteger(c.iat);
  if (!ok) throw new CognitoTokenError('claims', 'missing or malformed claims');
  return c as CognitoTokenClaims;
}

/** Principal tags carried in a token's `https://aws.amazon.com/tags` claim, flattened to one value each. */
export function principalTagsOf(claims: CognitoTokenClaims): Record<string, string> | undefined {
  const tags = claims[TAGS_CLAIM]?.principal_tags;
  if (!tags) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The web identity sts:AssumeRoleWithWebIdentity evaluates for a Cognito identity: trust
 * policies name `cognito-identity.amazonaws.com` whatever our issuer URL is (§5.6), and the
 * condition keys `cognito-identity.amazonaws.com:{aud,sub,amr}` come from the claims (§5.4).
 */
export function cognitoWebIdentity(claims: Pick<CognitoTokenClaims, 'aud' | 'sub' | 'amr'>, principalTags?: Record<string, string>): WebIdentity {
  return {
    federatedPrincipal: COGNITO_IDENTITY,
    keyPrefix: COGNITO_IDENTITY,
    claims: { aud: claims.aud, sub: claims.sub, amr: claims.amr },
    provider: COGNITO_IDENTITY,
    audience: claims.aud,
    subject: claims.sub,
    ...(principalTags ? { principalTags } : {}),
  };
}

// ------------------------------------------------------------------------------------------
// One token service per running app. The composition root of Cognito Identity attaches it;
// STS finds it through the same context (AppContext has no slot for it yet).

const attached = new WeakMap<object, CognitoTokens>();

/** Anything that identifies one running app: its storage handle is shared by every context copy. */
export interface CognitoTokenHost {
  storage: object;
}

export function attachCognitoTokens(host: CognitoTokenHost, tokens: CognitoTokens): void {
  attached.set(host.storage, tokens);
}

export function cognitoTokensOf(host: CognitoTokenHost): CognitoTokens | undefined {
  return attached.get(host.storage);
}

/**
 * Verifies a token Cognito Identity issued (for STS AssumeRoleWithWebIdentity). Throws
 * CognitoTokenError: `expired` (with `now`/`exp`), or `malformed`/`signature`/`issuer`/`claims`.
 * Callers check `aud` against the trust policy themselves; use `cognitoWebIdentity(claims, principalTagsOf(claims))`.
 */
export async function verifyCognitoToken(ctx: CognitoTokenHost, token: string): Promise<CognitoTokenClaims> {
  const tokens = cognitoTokensOf(ctx);
  if (!tokens) throw new CognitoTokenError('signature', 'Cognito Identity is not running in this process');
  return tokens.verify(token);
}
