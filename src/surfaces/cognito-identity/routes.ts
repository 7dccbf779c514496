import type { FastifyInstance } from 'fastify';
import type { CognitoTokens } from '../../core/federation/cognito-token.js';

/** Relying parties may cache keys this long; a key is published one rotation before it signs. */
const CACHE_CONTROL = 'public, max-age=300';
const HEADERS = { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': CACHE_CONTROL };

/**
 * Discovery for the issuer of Cognito Identity's OpenID tokens (aws-apis.md §1.7): the
 * issuer is `<base>/cognito-identity`, and its key set lives at `.well-known/jwks_uri`
 * (literally, as on cognito-identity.amazonaws.com), so STS, IAM OIDC providers and any
 * relying party can verify the tokens with standard OIDC discovery.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, tokens: () => CognitoTokens): void {
  app.get('/cognito-identity/.well-known/openid-configuration', async (_req, reply) => reply.code(200).headers(HEADERS).send(JSON.stringify(tokens().discovery())));
  app.get('/cognito-identity/.well-known/jwks_uri', async (_req, reply) => reply.code(200).headers(HEADERS).send(JSON.stringify(await tokens().jwks())));
}
