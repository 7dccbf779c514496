import type { Clock } from '../clock.js';
import { notAuthorized } from '../errors.js';
import type { OidcProviderLookup } from '../iam/ports.js';
import { COGNITO_IDENTITY, CognitoTokenError, principalTagsOf, type CognitoTokens } from './cognito-token.js';
import type { IdentityPoolRecord } from './ports.js';

/** Exact texts of real Cognito Identity (aws-apis.md §1.8). */
export const NOT_SUPPORTED = 'Token is not from a supported provider of this identity pool.';
export const COGNITO_TOKEN_REFUSED = "Invalid login token. Can't pass in a Cognito token.";
export const COULD_NOT_VERIFY = "Invalid login token. Couldn't verify signed token.";
export const noProvidersConfigured = (poolId: string): string => `Identity pool - ${poolId} does not have identity providers configured.`;

/** Validates a third-party ID token (core/oidc-providers `validateIdToken`), returning its claims. */
export type IdTokenValidator = (
  token: string,
  provider: { issuerKey: string; clientIds: string[]; thumbprints: string[] },
  options: { now: number; algorithms?: readonly RsaAlg[] },
) => Promise<{ claims: Record<string, unknown> }>;

type RsaAlg = 'RS256' | 'RS384' | 'RS512';
/** "The signature must be verifiable via an RSA public key" (aws-apis.md §2.1, path a). */
const COGNITO_ALGS: readonly RsaAlg[] = ['RS256', 'RS384', 'RS512'];

/**
 * Which operation presents the logins: only GetCredentialsForIdentity accepts our own token
 * (§1.4), only the developer call accepts the developer provider name.
 */
export type LoginUse = 'id' | 'credentials' | 'developer';

export interface ValidatedLogin {
  /** the `Logins` key */
  provider: string;
  kind: 'oidc' | 'developer' | 'cognito';
  /** the stable user id: token `sub`, developer user identifier, or (cognito) the identity id */
  subject: string;
  claims: Record<string, unknown>;
  /** what this login adds to the `amr` claim after `authenticated` (§1.7) */
  amr: string[];
  /** names a RoleMapping or principal-tag map for this login may be keyed by (§1.4) */
  mappingKeys: string[];
  /** cognito logins: the principal tags the developer put in the token */
  principalTags?: Record<string, string>;
}

export interface LoginValidatorDeps {
  validateIdToken: IdTokenValidator;
  /** What to throw for a validator failure: NotAuthorizedException texts (core/oidc-providers `cognitoLoginError`). */
  loginError: (e: unknown) => unknown;
  /** The IAM OIDC provider registry, cached by the caller. */
  providers: OidcProviderLookup;
  tokens: CognitoTokens;
  clock: Clock;
}

/** Social providers whose ID tokens are OIDC tokens under the Logins key's own issuer. */
const OIDC_SOCIAL = new Set(['accounts.google.com', 'appleid.apple.com']);

export class LoginValidator {
  constructor(private readonly deps: LoginValidatorDeps) {}

  /** Validates every entry; any failure fails the call (§1.3), reported in `Logins` order. */
  async validate(pool: IdentityPoolRecord, logins: Record<string, string>, use: LoginUse): Promise<ValidatedLogin[]> {
    const settled = await Promise.allSettled(Object.entries(logins).map(([key, value]) => this.#one(pool, key, value, use)));
    const out: ValidatedLogin[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      out.push(s.value);
    }
    return out;
  }

  async #one(pool: IdentityPoolRecord, key: string, value: string, use: LoginUse): Promise<ValidatedLogin> {
    const c = pool.config;
    if (key === COGNITO_IDENTITY) {
      if (use !== 'credentials') throw notAuthorized(COGNITO_TOKEN_REFUSED);
      return this.#cognito(pool, value);
    }
    const oidcArns = c.openIdConnectProviderArns ?? [];
    const userPools = (c.cognitoIdentityProviders ?? []).filter((p) => p.providerName === key);
    const social = c.supportedLoginProviders ?? {};
    const configured = oidcArns.length + (c.cognitoIdentityProviders?.length ?? 0) + Object.keys(social).length + (c.samlProviderArns?.length ?? 0);
    if (c.developerProviderName !== undefined && key === c.developerProviderName) {
      if (use !== 'developer') throw notAuthorized(NOT_SUPPORTED);
      return { provider: key, kind: 'developer', subject: value, claims: {}, amr: [key, `${key}:${pool.id}:${value}`], mappingKeys: [key] };
    }
    if (configured === 0) throw notAuthorized(noProvidersConfigured(pool.id));
    // The exact Url first; else the same issuer with or without its trailing slash, so an
    // Auth0-style provider registered as `https://DOMAIN/` answers to the Logins key `DOMAIN`.
    const arn = oidcArns.find((a) => oidcProviderUrl(a) === key) ?? oidcArns.find((a) => withoutSlash(oidcProviderUrl(a)) === withoutSlash(key));
    if (arn) {
      const record = await this.deps.providers.byArn(arn);
      if (!record) throw notAuthorized(NOT_SUPPORTED);
      const claims = await this.#idToken(value, key, record.clientIds, record.thumbprints);
      const sub = subjectOf(claims);
      return { provider: key, kind: 'oidc', subject: sub, claims, amr: [key, `${arn}:OIDC:${sub}`], mappingKeys: [key, arn] };
    }
    if (userPools.length > 0) {
      const clientIds = userPools.map((p) => p.clientId).filter((id): id is string => id !== undefined);
      const claims = await this.#idToken(value, key, clientIds, []);
      const sub = subjectOf(claims);
      const aud = typeof claims['aud'] === 'string' ? claims['aud'] : '';
      return { provider: key, kind: 'oidc', subject: sub, claims, amr: [key, `${key}:CognitoSignIn:${sub}`], mappingKeys: [`${key}:${aud}`, key] };
    }
    const appIds = social[key];
    if (appIds !== undefined && OIDC_SOCIAL.has(key)) {
      const claims = await this.#idToken(value, key, appIds.split(/[;,]/).filter(Boolean), []);
      const sub = subjectOf(claims);
      return { provider: key, kind: 'oidc', subject: sub, claims, amr: [key, `${key}:${sub}`], mappingKeys: [key] };
    }
    if (appIds !== undefined || (c.samlProviderArns ?? []).includes(key)) {
      // Access tokens of Facebook/Amazon/Twitter and SAML assertions need the provider's own
      // service to check them; a self-hosted server cannot (documented deviation).
      throw notAuthorized(`Invalid login token. Logins from ${key} cannot be verified by this server.`);
    }
    throw notAuthorized(NOT_SUPPORTED);
  }

  async #idToken(token: string, issuerKey: string, clientIds: string[], thumbprints: string[]): Promise<Record<string, unknown>> {
    try {
      return (await this.deps.validateIdToken(token, { issuerKey, clientIds, thumbprints }, { now: this.deps.clock.now(), algorithms: COGNITO_ALGS })).claims;
    } catch (e) {
      throw this.deps.loginError(e);
    }
  }

  /** Our own token (developer flow, §1.5): proves the identity `sub` of pool `aud`. */
  async #cognito(pool: IdentityPoolRecord, token: string): Promise<ValidatedLogin> {
    let claims;
    try {
      claims = await this.deps.tokens.verify(token);
    } catch (e) {
      if (e instanceof CognitoTokenError && e.reason === 'expired') throw notAuthorized(`Invalid login token. Token expired: ${e.now} >= ${e.exp}`);
      throw notAuthorized(COULD_NOT_VERIFY);
    }
    // A guest's token proves nothing a guest id does not; only authenticated tokens are logins.
    if (claims.aud !== pool.id || !claims.amr.includes('authenticated')) throw notAuthorized(NOT_SUPPORTED);
    const tags = principalTagsOf(claims);
    return {
      provider: COGNITO_IDENTITY,
      kind: 'cognito',
      subject: claims.sub,
      claims: { ...claims },
      amr: claims.amr.filter((a) => a !== 'authenticated' && a !== 'unauthenticated'),
      mappingKeys: [claims.amr[1] ?? COGNITO_IDENTITY],
      ...(tags ? { principalTags: tags } : {}),
    };
  }
}

const OIDC_ARN_MARK = ':oidc-provider/';

/** `arn:aws:iam::<acct>:oidc-provider/<host/path>` → `<host/path>`, the Logins key (§1.4). */
export function oidcProviderUrl(arn: string): string | undefined {
  const i = arn.indexOf(OIDC_ARN_MARK);
  return i < 0 ? undefined : arn.slice(i + OIDC_ARN_MARK.length);
}

const withoutSlash = (url: string | undefined): string | undefined => url?.replace(/\/$/, '');

function subjectOf(claims: Record<string, unknown>): string {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') throw notAuthorized('Invalid login token. Missing a required claim: sub');
  return sub;
}
