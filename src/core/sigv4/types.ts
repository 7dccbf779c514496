/**
 * The verifier's contract. It sees a request as it arrived on the wire (raw path and
 * query, node-style lower-case headers, the body bytes) and never an HTTP framework
 * object, so every surface (awsJson, awsQuery, restJson) shares one implementation.
 */

/** A request as received, before any decoding. */
export interface SignedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path exactly as on the wire, still percent-encoded, without the query. */
  rawPath: string;
  /** Query string exactly as on the wire, without the `?`; `''` when there is none. */
  rawQuery: string;
  /**
   * Lower-case header names, as node:http gives them. Repeated headers should be arrays
   * (`IncomingMessage.headersDistinct`): node's `headers` joins unknown duplicates with
   * `", "`, while SigV4 joins them with `","`, so a joined value only verifies when the
   * client sent the header once.
   */
  headers: Record<string, string | string[] | undefined>;
  /** The complete body. */
  body: Buffer;
}

/** What a credential lookup yields. */
export interface ResolvedCredential {
  secretAccessKey: string;
  /** Opaque to the verifier, passed through to {@link VerifiedRequest.credential}. */
  principal: unknown;
  /** Expiry (ms since the epoch) of temporary credentials. */
  expiresAt?: number;
}

/**
 * Looks up an access key id (and the session token for `ASIA` keys). Returns `undefined`
 * for an unknown key; throws `AppError('InvalidClientTokenId')` for a token that does not
 * belong to the key and `AppError('ExpiredToken')` for expired temporary credentials.
 */
export type CredentialResolver = (
  accessKeyId: string,
  sessionToken: string | undefined,
) => Promise<ResolvedCredential | undefined> | ResolvedCredential | undefined;

/** A request whose signature checked out. */
export interface VerifiedRequest {
  accessKeyId: string;
  /** Credential-scope date, `yyyymmdd`. */
  date: string;
  region: string;
  service: string;
  sessionToken?: string;
  credential: ResolvedCredential;
  /** The `SignedHeaders` list as the client sent it. */
  signedHeaders: string[];
}

/** Verification settings. */
export interface VerifyOptions {
  /** The current time, ms since the epoch. */
  now: number;
  /** Allowed clock skew each way for the header form. Default 15 minutes. */
  maxSkewMs?: number;
  /** When set, the credential scope must name this service (e.g. `sts`, `iam`). */
  expectedService?: string;
  /**
   * Normalize the path (`.`/`..`/empty segments) before encoding, as every AWS service but
   * S3 does. Default `true`; `false` exists for the unnormalized test vectors.
   */
  normalizePath?: boolean;
}
