import { AppError } from '../errors.js';
import { checkPresignedWindow, checkSkew, DEFAULT_MAX_SKEW_MS } from './amz-date.js';
import { canonicalRequest } from './canonical.js';
import { expiredToken, invalidClientTokenId, SignatureMismatchError, SigV4Messages } from './messages.js';
import { extractAuth, type SigV4Auth } from './parse.js';
import { payloadHash } from './payload.js';
import { signatureMatches, signingKeyCache, stringToSign } from './signing-key.js';
import type { CredentialResolver, SignedRequest, VerifiedRequest, VerifyOptions } from './types.js';

/** Scope checks AWS reports as SignatureDoesNotMatch (aws-apis.md §6.4). */
function checkScope(auth: SigV4Auth, options: VerifyOptions): void {
  const { service, region, date } = auth.credential;
  if (options.expectedService !== undefined && service !== options.expectedService) {
    throw new AppError('SignatureDoesNotMatch', SigV4Messages.credentialService(options.expectedService));
  }
  if (region === '') throw new AppError('SignatureDoesNotMatch', SigV4Messages.credentialRegion(region));
  // SigV4: handling dates — the scope date must be the request date's day, exactly.
  if (date !== auth.amzDate.slice(0, 8)) {
    throw new AppError('SignatureDoesNotMatch', SigV4Messages.credentialDate(date, auth.amzDate));
  }
}

/**
 * Verifies an AWS Signature Version 4 request, header form or presigned URL. In order:
 * shape (`MissingAuthenticationToken`, `IncompleteSignature`), credential scope, clock
 * skew or presigned validity (`SignatureExpired`), the credential (`InvalidClientTokenId`,
 * `ExpiredToken`; `ASIA` keys need a session token), the payload hash, and last the
 * signature itself (`SignatureDoesNotMatch`, as a {@link SignatureMismatchError}).
 *
 * The hot path (header form, signing key cached) costs one SHA-256 of the body, one of
 * the canonical request and one HMAC.
 */
export async function verifySigV4(
  req: SignedRequest,
  resolve: CredentialResolver,
  options: VerifyOptions,
): Promise<VerifiedRequest> {
  const auth = extractAuth(req);
  checkScope(auth, options);
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (auth.form === 'header') checkSkew(auth.amzDate, auth.dateMs, options.now, maxSkewMs);
  else checkPresignedWindow(auth.amzDate, auth.dateMs, auth.expiresSeconds ?? 0, options.now, maxSkewMs);

  const { accessKeyId, date, region, service, scope } = auth.credential;
  // Temporary keys are meaningless without their token (aws-apis.md §6.4).
  if (auth.sessionToken === undefined && accessKeyId.startsWith('ASIA')) throw invalidClientTokenId();
  const credential = await resolve(accessKeyId, auth.sessionToken);
  if (credential === undefined) throw invalidClientTokenId();
  if (credential.expiresAt !== undefined && credential.expiresAt <= options.now) throw expiredToken();

  const hash = payloadHash(req);
  const key = signingKeyCache.get(credential.secretAccessKey, date, region, service);
  const normalizePath = options.normalizePath ?? true;
  const creq = canonicalRequest(req, { signedHeaders: auth.signedHeaders, payloadHash: hash, normalizePath });
  const sts = stringToSign(auth.amzDate, scope, creq);
  if (!signatureMatches(key, sts, auth.signature)) {
    // A presigned URL may carry a token added after signing (vector post-sts-header-after);
    // the header form tells by SignedHeaders, the query form only by trying without it.
    const retry =
      auth.tokenInQuery &&
      signatureMatches(
        key,
        stringToSign(
          auth.amzDate,
          scope,
          canonicalRequest(req, {
            signedHeaders: auth.signedHeaders,
            payloadHash: hash,
            normalizePath,
            omitSecurityTokenParam: true,
          }),
        ),
        auth.signature,
      );
    if (!retry) throw new SignatureMismatchError(creq, sts);
  }

  return {
    accessKeyId,
    date,
    region,
    service,
    ...(auth.sessionToken === undefined ? {} : { sessionToken: auth.sessionToken }),
    credential,
    signedHeaders: auth.signedHeaders,
  };
}
