import { isAppError, type ErrorCode } from '../../core/errors.js';

/** How one AppError code is written on one wire. */
export interface WireError {
  name: string;
  status: number;
}

export type ErrorTable = Partial<Record<ErrorCode, WireError>>;

/** Request-authentication errors as JSON services (Cognito Identity, Cognito Sync) name them (aws-apis.md §6.4). */
export const jsonAuthErrors: ErrorTable = {
  MissingAuthenticationToken: { name: 'MissingAuthenticationTokenException', status: 403 },
  IncompleteSignature: { name: 'IncompleteSignatureException', status: 400 },
  SignatureDoesNotMatch: { name: 'InvalidSignatureException', status: 403 },
  SignatureExpired: { name: 'InvalidSignatureException', status: 403 },
  InvalidClientTokenId: { name: 'UnrecognizedClientException', status: 403 },
  ExpiredToken: { name: 'ExpiredTokenException', status: 403 },
  AccessDenied: { name: 'AccessDeniedException', status: 403 },
  UnknownOperation: { name: 'UnknownOperationException', status: 400 },
  MalformedRequest: { name: 'SerializationException', status: 400 },
  ValidationError: { name: 'ValidationException', status: 400 },
  PayloadTooLarge: { name: 'RequestEntityTooLargeException', status: 413 },
  TooManyRequests: { name: 'TooManyRequestsException', status: 429 },
};

/** The same errors as Query services (IAM, STS) name them. */
export const queryAuthErrors: ErrorTable = {
  MissingAuthenticationToken: { name: 'MissingAuthenticationToken', status: 403 },
  IncompleteSignature: { name: 'IncompleteSignature', status: 400 },
  SignatureDoesNotMatch: { name: 'SignatureDoesNotMatch', status: 403 },
  SignatureExpired: { name: 'SignatureDoesNotMatch', status: 403 },
  InvalidClientTokenId: { name: 'InvalidClientTokenId', status: 403 },
  ExpiredToken: { name: 'ExpiredToken', status: 403 },
  AccessDenied: { name: 'AccessDenied', status: 403 },
  UnknownOperation: { name: 'InvalidAction', status: 400 },
  MalformedRequest: { name: 'MalformedInput', status: 400 },
  ValidationError: { name: 'ValidationError', status: 400 },
  PayloadTooLarge: { name: 'RequestEntityTooLarge', status: 413 },
  TooManyRequests: { name: 'Throttling', status: 400 },
  MethodNotAllowed: { name: 'InvalidAction', status: 400 },
};

export interface RenderedError {
  name: string;
  status: number;
  message: string;
  /** true when the error was not an AppError: log it, show nothing of it. */
  internal: boolean;
}

/**
 * Maps anything thrown to a wire error through a surface's table. Unknown codes and
 * non-AppErrors become an opaque internal error (500) — never a stack trace.
 */
export function mapError(e: unknown, table: ErrorTable, internalName: string): RenderedError {
  if (isAppError(e)) {
    const wire = table[e.code];
    if (wire) return { name: e.wireName ?? wire.name, status: wire.status, message: e.message, internal: false };
    if (e.wireName) return { name: e.wireName, status: 400, message: e.message, internal: false };
  }
  return { name: internalName, status: 500, message: 'An internal error occurred.', internal: true };
}
