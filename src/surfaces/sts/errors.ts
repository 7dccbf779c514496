import type { ErrorTable } from '../../protocols/aws/errors.js';

/** AppError codes as STS names them on the wire (aws-apis.md §3.3; botocore sts model `error.code`). */
export const stsErrors: ErrorTable = {
  InvalidIdentityToken: { name: 'InvalidIdentityToken', status: 400 },
  ExpiredWebIdentityToken: { name: 'ExpiredTokenException', status: 400 },
  IDPRejectedClaim: { name: 'IDPRejectedClaim', status: 403 },
  IDPCommunicationError: { name: 'IDPCommunicationError', status: 400 },
  AccessDenied: { name: 'AccessDenied', status: 403 },
  MalformedPolicyDocument: { name: 'MalformedPolicyDocument', status: 400 },
  PackedPolicyTooLarge: { name: 'PackedPolicyTooLarge', status: 400 },
  ValidationError: { name: 'ValidationError', status: 400 },
  Internal: { name: 'InternalFailure', status: 500 },
};
