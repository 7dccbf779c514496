/**
 * ID tokens from registered IAM OIDC providers: key discovery over a trusted transport, a key
 * cache, validation, and the Cognito Identity and STS wordings of a refusal.
 */
export { TokenValidationError, isTokenValidationError } from './errors.js';
export type { TokenValidationFacts, TokenValidationReason } from './errors.js';
export { acceptedIssuers, isLoopbackHost, issuerKeyOf } from './issuer.js';
export { JwksCache } from './jwks-cache.js';
export type { JwksCacheOptions } from './jwks-cache.js';
export { discoveryUrl, fetchJwks, MAX_JWKS_KEYS, parseMaxAge } from './jwks-fetcher.js';
export type { FetchedJwks, JwksFetcher } from './jwks-fetcher.js';
export { isSupportedAlg, KeySet, SUPPORTED_ALGS } from './key-set.js';
export type { KeyEntry, KeyLookup, SupportedAlg } from './key-set.js';
export { cognitoLoginError, stsWebIdentityError } from './messages.js';
export { createIdTokenValidator, validateIdToken } from './token-validator.js';
export type {
  IdTokenValidator,
  IdTokenValidatorOptions,
  OidcProviderTrust,
  ValidateIdTokenOptions,
  ValidatedClaims,
  ValidatedToken,
} from './token-validator.js';
export { getJson, TransportError } from './transport.js';
export type { JsonResponse, TransportFailure, TransportPolicy, TrustBasis } from './transport.js';
