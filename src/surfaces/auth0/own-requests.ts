import type { IncomingMessage } from 'node:http';
import { GRANT } from '../../core/oauth/applications.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { passwordGrant } from './grants/password-native.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import type { BuiltProvider } from './provider.js';
import type { Auth0Services } from './services.js';
import { asFormRequest, readTokenRequest, type TokenRequest } from './token-request.js';
import { userinfoForOwnTokens } from './userinfo.js';

/** A JSON answer Cognate gives itself. */
export interface OwnAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * The requests on oidc-provider's paths that Cognate answers itself — the hot token grants
 * (grants/client-credentials.ts, grants/refresh-token.ts, the password grants in
 * grants/password-native.ts) and /userinfo for the tokens it issues itself (userinfo.ts) — or,
 * for everything else, the request to hand to oidc-provider: token and revocation bodies
 * normalised to the form parameters it reads (token-request.ts).
 */
export async function answerOwnRequests(s: Auth0Services, built: BuiltProvider, req: IncomingMessage, path: string, clientIp: string): Promise<{ answer: OwnAnswer } | { forward: IncomingMessage }> {
  if (path === '/userinfo') {
    const answer = await userinfoForOwnTokens(s, req);
    return answer ? { answer } : { forward: req };
  }
  if (req.method !== 'POST' || (path !== '/oauth/token' && path !== '/oauth/revoke')) return { forward: req };
  const request = await readTokenRequest(req, s.ctx.config.bodyLimit);
  if (path === '/oauth/revoke') return { forward: asFormRequest(req, request) };
  const caller = { ip: clientIp, userAgent: req.headers['user-agent'], origin: req.headers.origin };
  switch (request.params.get('grant_type')) {
    case GRANT.clientCredentials: {
      const answer = await clientCredentialsGrant(s, built.signer, request, caller);
      return answer ? { answer } : { forward: asFormRequest(req, await withGrantedScopes(s, request)) };
    }
    case GRANT.password:
    case GRANT.passwordRealm: {
      const answer = await passwordGrant(s, built.provider, built.signer, request, caller);
      return answer ? { answer } : { forward: asFormRequest(req, request) };
    }
    case GRANT.refreshToken: {
      const answer = await refreshTokenGrant(s, built.provider, built.signer, request, caller);
      return answer ? { answer } : { forward: asFormRequest(req, request) };
    }
    default:
      return { forward: asFormRequest(req, request) };
  }
}

/**
 * A client credentials request oidc-provider answers (grants/client-credentials.ts declined it):
 * RFC 8707 `resource` from Auth0's `audience` (oidc-provider keeps only each grant's own
 * parameters), and without `scope` the client grant's scopes (Auth0 issues everything granted).
 */
async function withGrantedScopes(s: Auth0Services, request: TokenRequest): Promise<TokenRequest> {
  const params = request.params;
  if (params.get('audience') && !params.get('resource')) params.set('resource', params.get('audience') ?? '');
  if (!params.get('scope')) {
    const audience = params.get('audience') ?? (await s.tenant.get()).default_audience;
    const clientId = params.get('client_id');
    const found = audience && clientId ? await s.apis.findGrant(clientId, audience) : undefined;
    if (found?.scope.length) params.set('scope', found.scope.join(' '));
  }
  return request;
}
