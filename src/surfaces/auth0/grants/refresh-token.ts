import type Provider from 'oidc-provider';
import { GRANT } from '../../../core/oauth/applications.js';
import { logExchange } from '../../management/auth0-log-hooks.js';
import { accountOf } from '../account.js';
import type { Auth0Services } from '../services.js';
import { singleValued, type Caller, type TokenRequest } from '../token-request.js';
import { authenticatedFor } from './client-auth.js';

export interface RefreshReply {
  status: 200;
  body: Record<string, unknown>;
}

/** oidc-provider's grant chain label of a token issued by a refresh (e.g. `password refresh_token`). */
const refreshedGty = (gty: string | undefined): string => (gty && !gty.endsWith(GRANT.refreshToken) ? `${gty} ${GRANT.refreshToken}` : GRANT.refreshToken);

/**
 * The refresh-token grant for non-rotating refresh tokens (auth0-api.md §1.4, §2.3), answered
 * outside oidc-provider's Koa stack — whose middleware costs more than the grant itself — but
 * with oidc-provider's own models, so every token is exactly the one its refresh_token handler
 * (lib/actions/grants/refresh_token.js) would issue: the stored refresh token, its grant and
 * account checked the same way, a new /userinfo access token saved through the same adapter, an
 * ID token issued by the same IdToken class (RS256 by the tenant key, or HS256 by the client
 * secret). It takes only the common case and returns `undefined` for everything else, which
 * oidc-provider then answers and logs as before: rotating clients, a `scope` narrowing, API
 * (resource) tokens, DPoP or certificate-bound tokens, `claims`-requested tokens, browser
 * origins, unusual client authentication, and every failure (unknown, expired, revoked or
 * foreign tokens; a missing or blocked user; an expired grant).
 */
export async function refreshTokenGrant(s: Auth0Services, provider: Provider, req: TokenRequest, caller: Caller): Promise<RefreshReply | undefined> {
  const p = req.params;
  const clientId = p.get('client_id');
  const value = p.get('refresh_token');
  if (!clientId || !value || caller.origin !== undefined || p.has('scope') || p.has('resource') || p.has('client_assertion') || req.headers['dpop'] !== undefined || !singleValued(p)) return undefined;
  const found = await s.apps.find(clientId);
  if (!authenticatedFor(found, p.get('client_secret'), GRANT.refreshToken, true)) return undefined;
  if (found.app.refresh_token.rotation_type === 'rotating') return undefined;

  const [client, rt] = await Promise.all([provider.Client.find(clientId), provider.RefreshToken.find(value, { ignoreExpiration: true })]);
  if (!client || !rt || rt.clientId !== clientId || rt.isExpired || rt.consumed) return undefined;
  if (rt.resource || rt.claims || rt.rar || rt.jkt || rt['x5t#S256'] || rt.expiresWithSession) return undefined;
  const [grant, user] = await Promise.all([provider.Grant.find(rt.grantId, { ignoreExpiration: true }), s.users.findById(rt.accountId)]);
  if (!grant || grant.isExpired || grant.clientId !== clientId || grant.accountId !== rt.accountId) return undefined;
  const account = user && accountOf(user);
  if (!account) return undefined;

  const at = new provider.AccessToken({
    accountId: rt.accountId,
    client,
    expiresWithSession: rt.expiresWithSession,
    grantId: rt.grantId,
    gty: refreshedGty(rt.gty),
    sessionUid: rt.sessionUid,
    sid: rt.sid,
  });
  at.scope = grant.getOIDCScopeFiltered(rt.scopes);
  const accessToken = await at.save();

  let idToken: string | undefined;
  if (rt.scopes.has('openid')) {
    const claims = await account.claims('id_token', rt.scope ?? '', {}, grant.getRejectedOIDCClaims());
    const token = new provider.IdToken({ ...claims, sub: account.accountId, acr: rt.acr, amr: rt.amr, auth_time: rt.authTime }, { client });
    token.scope = grant.getOIDCScopeFiltered(rt.scopes);
    token.mask = {};
    token.rejected = grant.getRejectedOIDCClaims();
    token.set('sid', rt.sid);
    idToken = await token.issue({ use: 'idtoken' });
  }
  const scope = rt.scope ? at.scope : at.scope || undefined;
  logExchange(s, 'refresh_token', { clientId, clientName: found.app.name, ip: caller.ip, userAgent: caller.userAgent, userId: rt.accountId, scope: scope || undefined });
  return {
    status: 200,
    body: {
      access_token: accessToken,
      expires_in: at.expiration,
      ...(idToken ? { id_token: idToken } : {}),
      refresh_token: value,
      ...(scope !== undefined ? { scope } : {}),
      token_type: 'Bearer',
    },
  };
}
