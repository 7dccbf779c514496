/**
 * The two wire wordings of a refused ID token. Pure functions from a {@link TokenValidationError}
 * to an `AppError`; each surface's `errors.ts` renders the code.
 *
 * Texts marked [O] are AWS's observed wording (aws-apis.md §1.8, §2.1, §3.3 and the issues cited
 * there); the others are Cognate's, kept in the same style where AWS's is unknown.
 */
import { AppError } from '../errors.js';
import type { TokenValidationError } from './errors.js';

const COULD_NOT_VERIFY = "Invalid login token. Couldn't verify signed token."; // [O]

/**
 * Cognito Identity (GetId, GetCredentialsForIdentity, GetOpenIdToken with `Logins`): always
 * `NotAuthorized`, with the texts of aws-apis.md §1.8.
 */
export function cognitoLoginError(e: TokenValidationError): AppError {
  const text = ((): string => {
    switch (e.reason) {
      case 'malformed':
        return e.claim === undefined
          ? 'Invalid login token. Not a valid OpenId Connect identity token.' // [O]
          : `Invalid login token. Missing a required claim: ${e.claim}`; // [O] for aud
      case 'issuerMismatch':
        return "Invalid login token. Issuer doesn't match providerName"; // [O]
      case 'expired':
        return `Invalid login token. Token expired: ${e.now} >= ${e.exp ?? 0}`; // [O]
      case 'missingAud':
        return 'Invalid login token. Missing a required claim: aud'; // [O]
      case 'audience':
        return 'Token is not from a supported provider of this identity pool.'; // [O]
      case 'jwksUnavailable':
      case 'untrustedTransport':
      case 'unsupportedAlg':
      case 'unknownKid':
      case 'badSignature':
      case 'notYetValid':
        return COULD_NOT_VERIFY;
    }
  })();
  return new AppError('NotAuthorized', text, { cause: e });
}

/** [O] The text has two spaces after the comma, as AWS sends it (aws-sdk-php #1725, aws-sdk-rust #827). */
/** Cognate's wording; AWS's for IDPCommunicationError is not recorded. */
const IDP_UNREACHABLE = "Couldn't connect to your identity provider, please retry";

const NO_VERIFICATION_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference " +
  'AssumeRoleWithWebIdentity documentation for requirements';

/**
 * STS AssumeRoleWithWebIdentity: `InvalidIdentityToken`, `ExpiredWebIdentityToken` (wire code
 * `ExpiredTokenException`) or `IDPCommunicationError`, with the texts of aws-apis.md §3.3.
 */
export function stsWebIdentityError(e: TokenValidationError): AppError {
  const invalid = (text: string): AppError => new AppError('InvalidIdentityToken', text, { cause: e });
  switch (e.reason) {
    case 'malformed':
      return invalid(
        e.claim === undefined
          ? 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)'
          : `The ID Token provided is missing a required claim or has a malformed one: ${e.claim}`,
      );
    case 'issuerMismatch':
      return invalid(`No OpenIDConnect provider found in your account for ${e.issuer ?? ''}`); // [O]
    case 'jwksUnavailable':
      return e.unreachable
        ? new AppError('IDPCommunicationError', IDP_UNREACHABLE, { cause: e })
        : invalid(NO_VERIFICATION_KEY);
    case 'unknownKid':
      return invalid(NO_VERIFICATION_KEY);
    case 'untrustedTransport':
      return invalid("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"); // [O]
    case 'unsupportedAlg':
    case 'badSignature':
      return invalid('The ID Token provided could not be verified: invalid signature or unsupported algorithm');
    case 'missingAud':
    case 'audience':
      return invalid('Incorrect token audience'); // [O]
    case 'expired':
      return new AppError(
        'ExpiredWebIdentityToken',
        `Token expired: current date/time ${e.now} must be before the expiration date/time ${e.exp ?? 0}`, // [O]
        { cause: e },
      );
    case 'notYetValid':
      return invalid(`Token is not yet valid: current date/time ${e.now} is before ${e.nbf ?? e.iat ?? 0}`);
  }
}
