import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { cognitoLoginError, isTokenValidationError, validateIdToken } from '../../core/oidc-providers/index.js';
import { loadModel } from '../../protocols/aws/model.js';
import type { AwsSurface } from '../../protocols/aws/surface.js';
import { INTERNAL_ERROR_NAME, cognitoIdentityErrors } from './errors.js';
import { credentialsOperations } from './operations/credentials.js';
import { developerOperations } from './operations/developer.js';
import { identityOperations } from './operations/identities.js';
import { poolOperations } from './operations/pools.js';
import { principalTagOperations } from './operations/principal-tags.js';
import { roleOperations } from './operations/roles.js';
import { tagOperations } from './operations/tags.js';
import { registerDiscoveryRoutes } from './routes.js';
import { cognitoIdentityServices, type CognitoIdentityServices, type IdTokenChecks } from './services.js';

/** Third-party ID tokens: the shared validator (one JWKS cache per process) and Cognito's wording of refusals. */
const checks: IdTokenChecks = {
  validateIdToken,
  loginError: (e) => (isTokenValidationError(e) ? cognitoLoginError(e) : e),
};

const services = (ctx: AppContext): CognitoIdentityServices => cognitoIdentityServices(ctx, checks);

/** Cognito Identity (`AWSCognitoIdentityService`, awsJson1_1): every operation of aws-apis.md §1.2. */
export function createCognitoIdentitySurface(ctx: AppContext): AwsSurface {
  const s = services(ctx);
  return {
    model: loadModel('cognito-identity'),
    protocol: 'awsJson1_1',
    signingName: 'cognito-identity',
    operations: {
      ...poolOperations(s),
      ...identityOperations(s),
      ...credentialsOperations(s),
      ...developerOperations(s),
      ...roleOperations(s),
      ...tagOperations(s),
      ...principalTagOperations(s),
    },
    errors: cognitoIdentityErrors,
    internalErrorName: INTERNAL_ERROR_NAME,
  };
}

/** OIDC discovery for the issuer of Cognito Identity's own tokens (aws-apis.md §1.7). */
export function registerCognitoIdentityRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerDiscoveryRoutes(app, () => services(ctx).tokens);
}
