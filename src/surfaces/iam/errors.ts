import type { ErrorTable } from '../../protocols/aws/errors.js';

/** AppError codes as IAM names them on the wire (botocore iam model `error.code`, HTTP status). */
export const iamErrors: ErrorTable = {
  NotFound: { name: 'NoSuchEntity', status: 404 },
  AlreadyExists: { name: 'EntityAlreadyExists', status: 409 },
  LimitExceeded: { name: 'LimitExceeded', status: 409 },
  DeleteConflict: { name: 'DeleteConflict', status: 409 },
  MalformedPolicyDocument: { name: 'MalformedPolicyDocument', status: 400 },
  InvalidParameter: { name: 'InvalidInput', status: 400 },
  ValidationError: { name: 'ValidationError', status: 400 },
  PolicyNotAttachable: { name: 'PolicyNotAttachable', status: 400 },
  ConcurrentModification: { name: 'ConcurrentModification', status: 409 },
  IDPCommunicationError: { name: 'OpenIdIdpCommunicationError', status: 400 },
  PolicyEvaluation: { name: 'PolicyEvaluation', status: 500 },
  Internal: { name: 'ServiceFailure', status: 500 },
};
