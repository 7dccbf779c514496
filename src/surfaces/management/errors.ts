import { AppError, isAppError } from '../../core/errors.js';
import type { KernelFault } from '../../http/framework-errors.js';
import { QuerySyntaxError } from '../../core/logs/lucene.js';
import { SearchFieldError } from '../../storage/repositories/auth0-search.js';

/**
 * The Management API's error shape, in one place (auth0-api.md §4.2 "Errors", §10.7): hapi/Boom
 * `{statusCode, error, message, errorCode?, attributes?}`. Operations throw AppError (through the
 * helpers below); `toBoom` is the only place that turns anything into a status and a body.
 */
export interface Boom {
  statusCode: number;
  error: string;
  message: string;
  errorCode?: string;
  attributes?: Record<string, unknown>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export function boom(statusCode: number, message: string, errorCode?: string, attributes?: Record<string, unknown>): Boom {
  return {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    message,
    ...(errorCode ? { errorCode } : {}),
    ...(attributes ? { attributes } : {}),
  };
}

/** AppError (or a query-parsing error) → Boom; anything else is an opaque 500 (logged by the caller). */
export function toBoom(e: unknown): Boom {
  if (e instanceof QuerySyntaxError || e instanceof SearchFieldError) return boom(400, `Query validation error: '${e.message}'.`, 'invalid_query_string');
  if (!isAppError(e)) return boom(500, 'Internal error', 'internal_error');
  switch (e.code) {
    case 'InvalidParameter':
    case 'ValidationError':
    case 'MalformedRequest':
      return boom(400, e.message, e.wireName ?? 'invalid_body');
    case 'NotAuthorized':
    case 'MissingAuthenticationToken':
    case 'ExpiredToken':
      return boom(401, e.message, undefined, { error: e.message });
    case 'AccessDenied':
      return boom(403, e.message, e.wireName ?? 'insufficient_scope');
    case 'NotFound':
    case 'RouteNotFound':
      return boom(404, e.message, e.wireName);
    case 'MethodNotAllowed':
      return boom(405, e.message);
    case 'AlreadyExists':
    case 'Conflict':
      return boom(409, e.message, e.wireName ?? 'conflict');
    case 'PayloadTooLarge':
      return boom(413, e.message, 'payload_too_large');
    case 'TooManyRequests':
      return boom(429, e.message, 'too_many_requests');
    default:
      return boom(500, 'Internal error', 'internal_error');
  }
}

/**
 * Faults the HTTP kernel meets before an operation runs. hapi (which Auth0's Boom shape comes
 * from) answers a path whose escapes do not decode with "Invalid request path" and a body over
 * the limit with "Payload content length greater than maximum allowed: <limit>"; the errorCode
 * is Auth0's `invalid_uri` / `invalid_body` family (auth0-api.md §4.2 "Errors").
 */
export function faultToBoom(fault: KernelFault | undefined, bodyLimit: number): Boom {
  switch (fault) {
    case 'bad_url':
      return boom(400, 'Invalid request path', 'invalid_uri');
    case 'url_too_long':
      return boom(414, 'Request-URI Too Long', 'invalid_uri');
    case 'too_large':
      return boom(413, `Payload content length greater than maximum allowed: ${bodyLimit}`, 'payload_too_large');
    case 'bad_request':
      return boom(400, 'Invalid request payload', 'invalid_body');
    default:
      return boom(500, 'Internal error', 'internal_error');
  }
}

export const isInternal = (e: unknown): boolean => toBoom(e).statusCode >= 500;

/** Helpers for operations: each is an AppError whose wireName becomes `errorCode`. */
export const badRequest = (message: string, errorCode = 'invalid_body'): AppError => new AppError('InvalidParameter', message, { wireName: errorCode });
export const badQuery = (message: string): AppError => badRequest(`Query validation error: '${message}'.`, 'invalid_query_string');
export const badPayload = (message: string, property?: string): AppError =>
  badRequest(`Payload validation error: '${message}'${property === undefined ? '' : ` on property ${property}`}.`, 'invalid_body');
export const notFound = (message: string, errorCode?: string): AppError => new AppError('NotFound', message, errorCode ? { wireName: errorCode } : {});
export const conflict = (message: string, errorCode: string): AppError => new AppError('Conflict', message, { wireName: errorCode });
export const unauthorized = (message: string): AppError => new AppError('NotAuthorized', message);
export const forbidden = (message: string, errorCode = 'insufficient_scope'): AppError => new AppError('AccessDenied', message, { wireName: errorCode });
export const tooManyRequests = (message: string): AppError => new AppError('TooManyRequests', message);
