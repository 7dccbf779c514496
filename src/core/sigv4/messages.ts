import { AppError } from '../errors.js';

/**
 * The messages AWS returns when request authentication fails, word for word where they
 * have been observed (aws-apis.md §6.4; SDK issue threads), so clients that match on them
 * keep working. Texts marked [S3] are Amazon S3's, used where the JSON/Query services have
 * no observed text of their own.
 */
export const SigV4Messages = {
  /** awsQuery wording; awsJson services say `Missing Authentication Token`. */
  missingToken: 'Request is missing Authentication Token',
  missingTokenJson: 'Missing Authentication Token',
  signatureMismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  /** awsQuery wording; awsJson services append a full stop. */
  invalidToken: 'The security token included in the request is invalid',
  expiredToken: 'The security token included in the request is expired',
  requiresParameter: (name: string): string => `Authorization header requires '${name}' parameter.`,
  requiresDate: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  missingEqualSign: (pair: string, header: string): string =>
    `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
  credentialElements: (credential: string): string =>
    `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
  /** AWS ends the scope messages with a space. */
  credentialTerminator: (terminator: string): string =>
    `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
  credentialRegion: (region: string): string => `Credential should be scoped to a valid region, not '${region}'. `,
  credentialService: (service: string): string => `Credential should be scoped to correct service: '${service}'. `,
  credentialDate: (scopeDate: string, amzDate: string): string =>
    `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
  dateFormat: (value: string): string =>
    `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  hostNotSigned: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
  expired: (amzDate: string, limit: string, now: string, window: string): string =>
    `Signature expired: ${amzDate} is now earlier than ${limit} (${now} - ${window})`,
  notYetCurrent: (amzDate: string, limit: string, now: string, window: string): string =>
    `Signature not yet current: ${amzDate} is still later than ${limit} (${now} + ${window})`,
  /** [S3] */
  queryParametersRequired:
    'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  /** [S3] */
  queryAlgorithm: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
  /** [S3] */
  expiresNotNumber: 'X-Amz-Expires should be a number',
  /** [S3] */
  expiresNegative: 'X-Amz-Expires must be non-negative',
  /** [S3] */
  expiresTooLarge: 'X-Amz-Expires must be less than a week (in seconds) that is; 604800',
  /** [S3] presigned URL used after X-Amz-Date + X-Amz-Expires. */
  requestExpired: 'Request has expired',
  /** [S3] */
  oneAuthMechanism:
    'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
  /** [S3] */
  contentSha256Mismatch: "The provided 'x-amz-content-sha256' header does not match what was computed.",
} as const;

/** `AppError('IncompleteSignature', message)`. */
export const incompleteSignature = (message: string): AppError => new AppError('IncompleteSignature', message);

/** `AppError('InvalidClientTokenId')` with AWS's text. */
export const invalidClientTokenId = (): AppError => new AppError('InvalidClientTokenId', SigV4Messages.invalidToken);

/** `AppError('ExpiredToken')` with AWS's text. */
export const expiredToken = (): AppError => new AppError('ExpiredToken', SigV4Messages.expiredToken);

/**
 * `SignatureDoesNotMatch` carrying what the server computed. The message stays AWS's
 * exact text; AWS JSON services additionally append {@link SignatureMismatchError.awsDetail}
 * to it, which a surface may do. Neither part contains the secret key.
 */
export class SignatureMismatchError extends AppError {
  constructor(
    /** The canonical request the server built. */
    readonly canonicalRequest: string,
    /** The string to sign the server built. */
    readonly stringToSign: string,
  ) {
    super('SignatureDoesNotMatch', SigV4Messages.signatureMismatch);
  }

  /** The suffix AWS JSON services put after the message. */
  get awsDetail(): string {
    return (
      `\n\nThe Canonical String for this request should have been\n'${this.canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${this.stringToSign}'\n`
    );
  }
}
