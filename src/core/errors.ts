/**
 * The one error family of Cognate. Domain code throws `AppError` with a code from
 * this union; each wire surface maps codes to its own protocol's names and statuses
 * in exactly one place (`surfaces/<name>/errors.ts`). Anything that is not an
 * `AppError` is an internal error and is rendered opaquely, never with its stack.
 */
export type ErrorCode =
  // Request authentication (SigV4) — mapped per protocol (JSON vs Query names differ).
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'SignatureExpired'
  | 'InvalidClientTokenId'
  | 'ExpiredToken'
  | 'AccessDenied'
  // Request shape.
  | 'ValidationError'
  | 'InvalidParameter'
  | 'MalformedRequest'
  | 'UnknownOperation'
  | 'PayloadTooLarge'
  | 'MethodNotAllowed'
  | 'RouteNotFound'
  // Resources.
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'DeleteConflict'
  | 'LimitExceeded'
  | 'ConcurrentModification'
  | 'MalformedPolicyDocument'
  | 'PolicyNotAttachable'
  | 'PolicyEvaluation'
  // Federation and tokens.
  | 'NotAuthorized'
  | 'InvalidIdentityToken'
  | 'ExpiredWebIdentityToken'
  | 'IDPRejectedClaim'
  | 'IDPCommunicationError'
  | 'InvalidIdentityPoolConfiguration'
  | 'DeveloperUserAlreadyRegistered'
  | 'ExternalService'
  | 'PackedPolicyTooLarge'
  | 'TooManyRequests'
  // Anything else.
  | 'Internal';

export interface AppErrorOptions {
  /** Overrides the surface's default wire name for this code (e.g. IAM's `ValidationError` vs `InvalidInput`). */
  wireName?: string;
  cause?: unknown;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly wireName: string | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireName = options.wireName;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Shorthand constructors for the commonest codes. */
export const notFound = (message: string): AppError => new AppError('NotFound', message);
export const invalidParameter = (message: string): AppError => new AppError('InvalidParameter', message);
export const notAuthorized = (message: string): AppError => new AppError('NotAuthorized', message);
