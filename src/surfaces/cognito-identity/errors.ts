import type { ErrorTable } from '../../protocols/aws/errors.js';

/**
 * Cognito Identity's error names. Real Cognito Identity answers every client error with
 * HTTP 400 whatever the model's httpError says (aws-apis.md §0.4, §9.8); clients read `__type`.
 * Request-authentication errors come from the protocol's table (AccessDeniedException, …).
 */
export const cognitoIdentityErrors: ErrorTable = {
  NotAuthorized: { name: 'NotAuthorizedException', status: 400 },
  NotFound: { name: 'ResourceNotFoundException', status: 400 },
  Conflict: { name: 'ResourceConflictException', status: 400 },
  AlreadyExists: { name: 'ResourceConflictException', status: 400 },
  InvalidParameter: { name: 'InvalidParameterException', status: 400 },
  LimitExceeded: { name: 'LimitExceededException', status: 400 },
  InvalidIdentityPoolConfiguration: { name: 'InvalidIdentityPoolConfigurationException', status: 400 },
  DeveloperUserAlreadyRegistered: { name: 'DeveloperUserAlreadyRegisteredException', status: 400 },
  ConcurrentModification: { name: 'ConcurrentModificationException', status: 400 },
  ExternalService: { name: 'ExternalServiceException', status: 400 },
  IDPCommunicationError: { name: 'ExternalServiceException', status: 400 },
  TooManyRequests: { name: 'TooManyRequestsException', status: 400 },
  Internal: { name: 'InternalErrorException', status: 500 },
};

export const INTERNAL_ERROR_NAME = 'InternalErrorException';
