/**
 * Validation of an ID token issued by a registered IAM OIDC provider, shared by Cognito Identity
 * (`Logins` of a pool's OpenIdConnectProviderARNs) and STS (AssumeRoleWithWebIdentity).
 *
 * The checks run in the order of aws-apis.md §2.1, so the first failure is the one AWS would name:
 * parse → `iss` → JWKS → `alg` → key by `kid` → signature → `aud`/`azp` → `sub` → `exp`/`nbf`/`iat`.
 */
import type { CompactJWSHeaderParameters, JWTPayload } from 'jose';
import { TokenValidationError, type TokenValidationFacts, type TokenValidationReason } from './errors.js';
import { acceptedIssuers } from './issuer.js';
import { JwksCache } from './jwks-cache.js';
import { isSupportedAlg, SUPPORTED_ALGS, type SupportedAlg } from './key-set.js';
import { TransportError, type TransportPolicy } from './transport.js';

/** What validation needs to know about a registered IAM OIDC provider. */
export interface OidcProviderTrust {
  /** The provider's Url without the scheme: `host[:port][/path]`. */
  issuerKey: string;
  /** The provider's ClientIDList; `azp`, or else one `aud`, must be listed. */
  clientIds: readonly string[];
  /** The provider's ThumbprintList (SHA-1 hex, any case). */
  thumbprints: readonly string[];
}

/** Per-call validation options. */
export interface ValidateIdTokenOptions {
  /** Validation time, ms since the epoch (the caller's clock). */
  now: number;
  /** Leeway for `exp`, `nbf` and `iat`, seconds. Default 300 (the Cognito guide's 5 minutes). */
  skewSeconds?: number;
  /**
   * Default true. When false, a token without `aud` is accepted if its `azp` is listed; its
   * `claims.aud` is then `[]`.
   */
  requireAud?: boolean;
  /** Accepted algorithms, a subset of {@link SUPPORTED_ALGS}. Cognito Identity documents RSA only. */
  algorithms?: readonly SupportedAlg[];
}

/** Claims of a validated token. */
export type ValidatedClaims = JWTPayload & { iss: string; sub: string; aud: string | string[] };

/** A token that passed every check. */
export interface ValidatedToken {
  header: CompactJWSHeaderParameters & { alg: SupportedAlg };
  claims: ValidatedClaims;
}

/** Validates one token; see {@link createIdTokenValidator}. */
export type IdTokenValidator = (
  token: string,
  provider: OidcProviderTrust,
  options: ValidateIdTokenOptions,
) => Promise<ValidatedToken>;

/** Options of {@link createIdTokenValidator}. */
export interface IdTokenValidatorOptions {
  /** Key cache; a validator-private one by default. */
  cache?: JwksCache;
  /** Transport settings beyond the provider's thumbprints (timeouts, size cap, host-name check when pinned). */
  transport?: Omit<TransportPolicy, 'thumbprints'>;
}

/** Tokens longer than this are not parsed at all (Cognito's Logins values allow 50 000 characters). */
const MAX_TOKEN_LENGTH = 50_000;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

type Json = Record<string, unknown>;
type Fail = (
  reason: TokenValidationReason,
  message: string,
  extra?: Partial<TokenValidationFacts>,
  cause?: unknown,
) => never;

const decodeSegment = (segment: string): Json | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
};

/** {@link acceptedIssuers} per provider key, memoised (it parses a URL): few providers, many sign-ins. */
const issuersByKey = new Map<string, readonly string[]>();
function issuersOf(issuerKey: string): readonly string[] {
  let issuers = issuersByKey.get(issuerKey);
  if (issuers === undefined) {
    if (issuersByKey.size >= 1000) issuersByKey.clear();
    issuersByKey.set(issuerKey, (issuers = acceptedIssuers(issuerKey)));
  }
  return issuers;
}

const numeric = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Step 1: header and payload as JSON objects, nothing trusted yet. */
function parse(token: string, fail: Fail): { header: Json; payload: Json } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    return fail('malformed', 'not a compact JWS');
  }
  const [headerPart = '', payloadPart = ''] = token.split('.');
  const header = decodeSegment(headerPart);
  const payload = decodeSegment(payloadPart);
  if (header === undefined || payload === undefined) return fail('malformed', 'header or payload is not a JSON object');
  return { header, payload };
}

/** Step 6 (aws-apis.md §2.1): `azp` if present, else some `aud`, must be a listed client id. Returns `aud`. */
function checkAudience(
  payload: Json,
  clientIds: readonly string[],
  requireAud: boolean,
  fail: Fail,
): string | string[] {
  const aud = payload['aud'];
  const azp = payload['azp'];
  if (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud)) {
    return fail('malformed', 'aud has the wrong type', { claim: 'aud' });
  }
  if (azp !== undefined && typeof azp !== 'string') {
    return fail('malformed', 'azp has the wrong type', { claim: 'azp' });
  }
  if (aud === undefined && (requireAud || azp === undefined)) {
    return fail('missingAud', 'the token has no aud', { claim: 'aud' });
  }
  const listed = (id: string): boolean => clientIds.includes(id);
  const audiences = aud === undefined ? [] : typeof aud === 'string' ? [aud] : aud;
  if (azp !== undefined && !listed(azp)) return fail('audience', `azp ${azp} is not a client id of the provider`);
  if (azp === undefined && !audiences.some(listed)) return fail('audience', 'no aud is a client id of the provider');
  return aud ?? [];
}

/** Step 7: `sub`, then `exp` (required), `nbf` and `iat` within the skew. Returns `sub`. */
function checkSubjectAndTimes(payload: Json, nowSeconds: number, skew: number, fail: Fail): string {
  const sub = payload['sub'];
  if (typeof sub !== 'string' || sub === '') return fail('malformed', 'the token has no sub', { claim: 'sub' });
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const present = payload[claim] !== undefined || claim === 'exp';
    if (present && numeric(payload[claim]) === undefined) {
      return fail('malformed', `${claim} is not a number`, { claim });
    }
  }
  const exp = numeric(payload['exp']) ?? 0;
  const nbf = numeric(payload['nbf']);
  const iat = numeric(payload['iat']);
  if (nowSeconds >= exp + skew) return fail('expired', `expired at ${exp}`);
  if (nbf !== undefined && nbf > nowSeconds + skew) return fail('notYetValid', `not valid before ${nbf}`);
  if (iat !== undefined && iat > nowSeconds + skew) return fail('notYetValid', `issued in the future (${iat})`);
  return sub;
}

/**
 * Creates a validator with its own key cache (or the one given). A validator is meant to live as
 * long as the process, so that keys stay cached between sign-ins.
 */
export function createIdTokenValidator(options: IdTokenValidatorOptions = {}): IdTokenValidator {
  const cache = options.cache ?? new JwksCache();

  return async (token, provider, validation) => {
    const nowSeconds = Math.floor(validation.now / 1000);
    const facts: TokenValidationFacts = { now: nowSeconds };
    const fail: Fail = (reason, message, extra = {}, cause) => {
      const error = cause === undefined ? undefined : { cause };
      throw new TokenValidationError(reason, message, { ...facts, ...extra }, error);
    };

    // 1. Parse.
    const { header, payload } = parse(token, fail);
    const iss = typeof payload['iss'] === 'string' ? payload['iss'] : undefined;
    Object.assign(facts, {
      exp: numeric(payload['exp']),
      nbf: numeric(payload['nbf']),
      iat: numeric(payload['iat']),
      issuer: iss,
    });

    // 2. The issuer must be the provider's.
    if (iss === undefined || !issuersOf(provider.issuerKey).includes(iss)) {
      return fail('issuerMismatch', `iss ${JSON.stringify(iss)} is not the provider ${provider.issuerKey}`);
    }

    // 3. Keys.
    const policy: TransportPolicy = { ...options.transport, thumbprints: provider.thumbprints };
    const keys = async <T,>(load: () => Promise<T>): Promise<T> => {
      try {
        return await load();
      } catch (e) {
        if (e instanceof TransportError && e.kind === 'untrusted') return fail('untrustedTransport', e.message, {}, e);
        const unreachable = e instanceof TransportError && e.kind === 'unreachable';
        return fail('jwksUnavailable', e instanceof Error ? e.message : 'JWKS fetch failed', { unreachable }, e);
      }
    };
    let keySet = await keys(() => cache.get(iss, policy, validation.now));

    // 4. Algorithm, then the key it names (refetching once, rate-limited, for an unknown kid).
    const alg = header['alg'];
    if (!isSupportedAlg(alg) || !(validation.algorithms ?? SUPPORTED_ALGS).includes(alg)) {
      return fail('unsupportedAlg', `alg ${JSON.stringify(alg)} is not accepted`);
    }
    const kid = header['kid'];
    if (kid !== undefined && typeof kid !== 'string') return fail('malformed', 'kid is not a string');
    let lookup = keySet.find(kid, alg);
    if (lookup.status === 'unknownKid') {
      const refreshed = await keys(() => cache.refresh(iss, policy, validation.now));
      if (refreshed !== undefined) {
        keySet = refreshed;
        lookup = keySet.find(kid, alg);
      }
    }
    if (lookup.status === 'unknownKid') return fail('unknownKid', `no key ${JSON.stringify(kid)} for ${alg}`);
    if (lookup.status === 'incompatible') {
      return fail('badSignature', `key ${JSON.stringify(kid)} cannot verify ${alg}`);
    }

    // 5. Signature, with the algorithm pinned to the one checked above and to the key's type.
    // No JWS extension is understood, so a token declaring critical ones (`crit`, e.g. an
    // unencoded payload) is refused, as RFC 7515 §4.1.11 requires.
    if (header['crit'] !== undefined) return fail('badSignature', 'the token declares critical header parameters');
    const dot = token.lastIndexOf('.');
    const signingInput = Buffer.from(token.slice(0, dot), 'latin1');
    const signature = Buffer.from(token.slice(dot + 1), 'base64url');
    let verified = false;
    let lastError: unknown;
    for (const entry of lookup.keys) {
      try {
        if ((verified = keySet.verify(entry, alg, signingInput, signature))) break;
      } catch (e) {
        lastError = e;
      }
    }
    if (!verified) return fail('badSignature', 'signature verification failed', {}, lastError);

    // 6. Audience; 7. subject and times.
    const aud = checkAudience(payload, provider.clientIds, validation.requireAud ?? true, fail);
    const sub = checkSubjectAndTimes(payload, nowSeconds, validation.skewSeconds ?? 300, fail);

    return { header: { ...(header as CompactJWSHeaderParameters), alg }, claims: { ...payload, iss, sub, aud } as ValidatedClaims };
  };
}

/**
 * Validates `token` for `provider` with a process-wide key cache. Throws
 * {@link TokenValidationError}; map it with `cognitoLoginError` or `stsWebIdentityError`.
 */
export const validateIdToken: IdTokenValidator = createIdTokenValidator();
