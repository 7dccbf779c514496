import type { ErrorTable } from '../../protocols/aws/errors.js';

/**
 * Cognito Sync's wire names for AppError codes (aws-apis.md §0.4). The statuses here are
 * defaults: the restJson1 codec takes the status of a modeled error from the model itself
 * (NotAuthorized 403, ResourceNotFound 404, ResourceConflict 409, …). Model validation failures
 * are reported as InvalidParameterException — the service has no ValidationException in its
 * model, so that is the name its clients can catch. AccessDeniedException (403) for IAM denials
 * comes from the JSON protocol table.
 */
export const cognitoSyncErrors: ErrorTable = {
  ValidationError: { name: 'InvalidParameterException', status: 400 },
  InvalidParameter: { name: 'InvalidParameterException', status: 400 },
  NotAuthorized: { name: 'NotAuthorizedException', status: 403 },
  NotFound: { name: 'ResourceNotFoundException', status: 404 },
  Conflict: { name: 'ResourceConflictException', status: 409 },
  LimitExceeded: { name: 'LimitExceededException', status: 400 },
  ConcurrentModification: { name: 'ConcurrentModificationException', status: 400 },
  InvalidIdentityPoolConfiguration: { name: 'InvalidConfigurationException', status: 400 },
  TooManyRequests: { name: 'TooManyRequestsException', status: 429 },
  RouteNotFound: { name: 'UnknownOperationException', status: 404 },
  MethodNotAllowed: { name: 'UnknownOperationException', status: 404 },
};
