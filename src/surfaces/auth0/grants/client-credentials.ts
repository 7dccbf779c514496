import { randomUUID } from 'node:crypto';
import { accessTokenJwt, clientSubject } from '../../../core/oauth/access-token-claims.js';
import { GRANT } from '../../../core/oauth/applications.js';
import { accessTokenLifetime } from '../../../core/oauth/token-lifetimes.js';
import { logExchange } from '../../management/auth0-log-hooks.js';
import { AUDIENCE_ERRORS, oauthError, type OAuthErrorReply } from '../errors.js';
import { signAccessToken, type Rs256Signer } from '../jwt-signer.js';
import type { Auth0Services } from '../services.js';
import { isPlainTokenRequest, singleValued, type Caller, type TokenRequest } from '../token-request.js';
import { authenticatedFor } from './client-auth.js';

/** What the client credentials grant answers: a token, or an Auth0 error. */
export type ClientCredentialsReply = { status: 200; body: Record<string, unknown> } | OAuthErrorReply;

/**
 * The client credentials grant (auth0-api.md §1.4, §2.2), answered by Cognate itself rather than
 * oidc-provider: it is the hot path of every machine-to-machine client and oidc-provider's
 * middleware stack costs more than the token's RS256 signature. Returns `undefined` for every
 * request it does not fully own — client authentication failures, unusual client
 * authentication (assertions, public clients), a grant type the client lacks, repeated
 * parameters, browser origins — which oidc-provider then answers (and logs) exactly as before.
 */
export async function clientCredentialsGrant(s: Auth0Services, signer: Rs256Signer, req: TokenRequest, caller: Caller): Promise<ClientCredentialsReply | undefined> {
  const p = req.params;
  const clientId = p.get('client_id');
  const secret = p.get('client_secret');
  if (!clientId || !secret || caller.origin !== undefined || !isPlainTokenRequest(req) || !singleValued(p)) return undefined;
  const found = await s.apps.find(clientId);
  if (!authenticatedFor(found, secret, GRANT.clientCredentials, false)) return undefined;
  const app = found.app;

  const fail = (reply: OAuthErrorReply, audience: string | undefined): OAuthErrorReply => {
    logExchange(s, 'client_credentials', { clientId, clientName: app.name, ip: caller.ip, userAgent: caller.userAgent, error: reply.body.error_description, audience });
    return reply;
  };
  const audience = p.get('audience') || p.get('resource') || (await s.tenant.get()).default_audience || undefined;
  if (!audience) return fail(oauthError(403, 'access_denied', AUDIENCE_ERRORS.missing), undefined);
  const api = await s.apis.findByIdentifier(audience);
  if (!api) return fail(oauthError(403, 'access_denied', AUDIENCE_ERRORS.unknown(audience)), audience);
  const grant = await s.apis.findGrant(clientId, audience);
  if (!grant) return fail(oauthError(403, 'access_denied', AUDIENCE_ERRORS.noClientGrant(audience)), audience);

  const requested = (p.get('scope') ?? '').split(' ').filter(Boolean);
  const notGranted = requested.filter((x) => !grant.scope.includes(x));
  if (notGranted.length > 0) return fail(oauthError(403, 'access_denied', AUDIENCE_ERRORS.scopesNotGranted(notGranted)), audience);
  const scopes = requested.length > 0 ? grant.scope.filter((x) => requested.includes(x)) : grant.scope;
  const scope = scopes.join(' ');

  const iat = Math.floor(s.ctx.clock.now() / 1000);
  const expiresIn = accessTokenLifetime(api, false);
  const jwt = accessTokenJwt(api.token_dialect, {
    iss: s.issuer(),
    sub: clientSubject(clientId),
    aud: audience,
    iat,
    exp: iat + expiresIn,
    scope,
    clientId,
    gty: 'client-credentials',
    jti: randomUUID(),
    permissions: scopes,
  });
  const accessToken = signAccessToken(signer, api, jwt);
  logExchange(s, 'client_credentials', { clientId, clientName: app.name, ip: caller.ip, userAgent: caller.userAgent, audience, scope: scope || undefined });
  return { status: 200, body: { access_token: accessToken, expires_in: expiresIn, ...(scope ? { scope } : {}), token_type: 'Bearer' } };
}
