import type { AppContext } from '../../app/context.js';
import { loadModel } from '../../protocols/aws/model.js';
import type { AwsSurface } from '../../protocols/aws/surface.js';
import { stsErrors } from './errors.js';
import { assumeRoleWithWebIdentity } from './operations/assume-role-with-web-identity.js';
import { getCallerIdentity } from './operations/get-caller-identity.js';

/** STS (awsQuery 2011-06-15, signing name `sts`): web-identity federation and caller identity. */
export function createStsSurface(ctx: AppContext): AwsSurface {
  return {
    model: loadModel('sts'),
    protocol: 'awsQuery',
    signingName: 'sts',
    operations: {
      AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity(ctx),
      GetCallerIdentity: getCallerIdentity(),
    },
    errors: stsErrors,
    internalErrorName: 'InternalFailure',
  };
}
