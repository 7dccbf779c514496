import type { AppContext } from '../../app/context.js';
import { iamServices } from '../../app/iam-wiring.js';
import { loadModel } from '../../protocols/aws/model.js';
import type { AwsSurface } from '../../protocols/aws/surface.js';
import { iamDeps } from './deps.js';
import { iamErrors } from './errors.js';
import { managedPolicyOperations } from './operations/managed-policies.js';
import { oidcProviderOperations } from './operations/oidc-providers.js';
import { rolePolicyOperations } from './operations/role-policies.js';
import { roleOperations } from './operations/roles.js';
import { simulateOperations } from './operations/simulate.js';

/** IAM (awsQuery 2010-05-08, signing name `iam`): OIDC providers, roles, policies, simulation. */
export function createIamSurface(ctx: AppContext): AwsSurface {
  const deps = iamDeps(ctx, iamServices(ctx));
  return {
    model: loadModel('iam'),
    protocol: 'awsQuery',
    signingName: 'iam',
    operations: {
      ...oidcProviderOperations(deps),
      ...roleOperations(deps),
      ...rolePolicyOperations(deps),
      ...managedPolicyOperations(deps),
      ...simulateOperations(deps),
    },
    errors: iamErrors,
    internalErrorName: 'ServiceFailure',
  };
}
