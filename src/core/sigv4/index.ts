/**
 * AWS Signature Version 4 request verification (aws-apis.md §6): the entry point
 * {@link verifySigV4}, the routing helpers {@link hasSigV4} and {@link credentialScope},
 * and the building blocks the test vectors check stage by stage.
 */
export type {
  CredentialResolver,
  ResolvedCredential,
  SignedRequest,
  VerifiedRequest,
  VerifyOptions,
} from './types.js';
export { verifySigV4 } from './verify.js';
export { credentialScope, extractAuth, hasSigV4, parseAuthorizationHeader, parseCredential } from './parse.js';
export type { AuthorizationFields, CredentialScope, ParsedCredential, SigV4Auth } from './parse.js';
export {
  canonicalHeaders,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  normalizePath,
  trimAll,
} from './canonical.js';
export type { CanonicalRequestOptions } from './canonical.js';
export { canonicalQueryComponent, uriEncode } from './encode.js';
export { EMPTY_SHA256, payloadHash, sha256Hex, UNSIGNED_PAYLOAD } from './payload.js';
export {
  ALGORITHM,
  deriveSigningKey,
  scopeOf,
  signature,
  signatureMatches,
  SigningKeyCache,
  signingKeyCache,
  stringToSign,
} from './signing-key.js';
export {
  DEFAULT_MAX_SKEW_MS,
  formatAmzDate,
  MAX_PRESIGN_EXPIRES_SECONDS,
  parseAmzDate,
} from './amz-date.js';
export { SignatureMismatchError, SigV4Messages } from './messages.js';
