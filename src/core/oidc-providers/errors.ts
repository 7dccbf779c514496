/**
 * Why an ID token from a registered OIDC provider was refused. Deliberately not an `AppError`:
 * Cognito Identity and STS word the same failure differently, so each maps the reason itself
 * (see `messages.ts`).
 */
export type TokenValidationReason =
  | 'malformed'
  | 'issuerMismatch'
  | 'jwksUnavailable'
  | 'untrustedTransport'
  | 'unsupportedAlg'
  | 'unknownKid'
  | 'badSignature'
  | 'missingAud'
  | 'audience'
  | 'expired'
  | 'notYetValid';

/** Facts about a refused token, for error texts that quote them. Times are epoch seconds. */
export interface TokenValidationFacts {
  /** The validation time. */
  now: number;
  /** The token's `exp`, when it had a numeric one. */
  exp?: number;
  /** The token's `nbf`, when it had a numeric one. */
  nbf?: number;
  /** The token's `iat`, when it had a numeric one. */
  iat?: number;
  /** The token's `iss`, when it had a string one. */
  issuer?: string;
  /** For `malformed`: the claim that is missing or has the wrong type. */
  claim?: string;
  /**
   * For `jwksUnavailable`: the IdP could not be reached (network error, timeout, HTTP 5xx or 429),
   * as opposed to answering with something unusable. STS reports the former as IDPCommunicationError.
   */
  unreachable?: boolean;
}

/** A refused ID token: a {@link TokenValidationReason} plus the facts the error texts need. */
export class TokenValidationError extends Error {
  override readonly name = 'TokenValidationError';
  readonly reason: TokenValidationReason;
  /** Validation time, epoch seconds. */
  readonly now: number;
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
  readonly issuer: string | undefined;
  readonly claim: string | undefined;
  readonly unreachable: boolean;

  constructor(
    reason: TokenValidationReason,
    message: string,
    facts: TokenValidationFacts,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.now = facts.now;
    this.exp = facts.exp;
    this.nbf = facts.nbf;
    this.iat = facts.iat;
    this.issuer = facts.issuer;
    this.claim = facts.claim;
    this.unreachable = facts.unreachable ?? false;
  }
}

/** Type guard for {@link TokenValidationError}. */
export const isTokenValidationError = (e: unknown): e is TokenValidationError => e instanceof TokenValidationError;
