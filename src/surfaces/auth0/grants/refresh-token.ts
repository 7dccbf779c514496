import type Provider from 'oidc-provider';
import { GRANT } from '../../../core/oauth/applications.js';
import { logExchange } from '../../management/auth0-log-hooks.js';
import { accountOf } from '../account.js';
import { corsOrigins } from '../client-metadata.js';
import { allowedOriginHeaders } from '../http.js';
import { providerClientOf } from '../provider-clients.js';
import type { Rs256Signer } from '../jwt-signer.js';
import type { Auth0Services } from '../services.js';
import { sealUserinfoToken } from '../userinfo-tokens.js';
import { isPlainTokenRequest, singleValued, type Caller, type TokenRequest } from '../token-request.js';
import { authenticatedFor } from './client-auth.js';
import { issueIdToken } from './id-token.js';

export interface RefreshReply {
  status: 200;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** oidc-provider's grant chain label of a token issued by a refresh (e.g. `password refresh_token`). */
const refreshedGty = (gty: string | undefined): string => (gty && !gty.endsWith(GRANT.refreshToken) ? `${gty} ${GRANT.refreshToken}` : GRANT.refreshToken);

/**
 * The refresh-token grant (auth0-api.md §1.4, §2.3), rotating or not, answered
 * outside oidc-provider's Koa stack — whose middleware costs more than the grant itself — but
 * with oidc-provider's own models, so it decides as its refresh_token handler
 * (lib/actions/grants/refresh_token.js) would: the stored refresh token, its grant and account
 * checked the same way, the ID token issued by the same IdToken class (RS256 by the tenant key,
 * or HS256 by the client secret). The /userinfo access token is Auth0's kind, sealed rather than
 * stored (userinfo-tokens.ts): a refresh writes nothing. It takes only the common case and
 * returns `undefined` for everything else, which oidc-provider then answers and logs as before:
 * a token without `openid`, a `scope` narrowing, API (resource) tokens,
 * DPoP or certificate-bound tokens, `claims`-requested tokens, browser origins the application
 * does not allow, unusual client authentication, and every failure (unknown, expired, revoked,
 * reused or foreign tokens — reuse revokes the family there; a missing or blocked user; an
 * expired grant).
 */
export async function refreshTokenGrant(s: Auth0Services, provider: Provider, signer: Rs256Signer, req: TokenRequest, caller: Caller): Promise<RefreshReply | undefined> {
  const p = req.params;
  const clientId = p.get('client_id');
  const value = p.get('refresh_token');
  if (!clientId || !value || p.has('scope') || p.has('resource') || !isPlainTokenRequest(req) || !singleValued(p)) return undefined;
  const found = await s.apps.find(clientId);
  if (!authenticatedFor(found, p.get('client_secret'), GRANT.refreshToken, true)) return undefined;
  // A browser (an SPA) may call from an origin the application allows, as oidc-provider's client-based CORS does.
  const origin = caller.origin;
  if (origin !== undefined && !corsOrigins(found.app).has(origin)) return undefined;

  const [client, rt] = await Promise.all([providerClientOf(provider, found), provider.RefreshToken.find(value, { ignoreExpiration: true })]);
  if (!client || !rt || rt.clientId !== clientId || rt.isExpired || rt.consumed) return undefined;
  if (rt.resource || rt.claims || rt.rar || rt.jkt || rt['x5t#S256'] || rt.expiresWithSession) return undefined;
  // Without `openid` oidc-provider's own access token is refused at /userinfo (insufficient_scope); a sealed one would not be.
  if (!rt.scopes.has('openid')) return undefined;
  const [grant, user] = await Promise.all([provider.Grant.find(rt.grantId, { ignoreExpiration: true }), s.users.findById(rt.accountId)]);
  if (!grant || grant.isExpired || grant.clientId !== clientId || grant.accountId !== rt.accountId) return undefined;
  const account = user && accountOf(user);
  if (!account) return undefined;

  // Rotation (auth0-api.md §2.3), as oidc-provider's handler does it: the presented token is consumed
  // (the adapter applies Auth0's reuse leeway) and a new one of the same family, one rotation on, issued.
  let refreshToken = value;
  if (found.app.refresh_token.rotation_type === 'rotating') {
    await rt.consume();
    const next = new provider.RefreshToken({
      accountId: rt.accountId,
      acr: rt.acr,
      amr: rt.amr,
      authTime: rt.authTime,
      client,
      expiresWithSession: rt.expiresWithSession,
      iiat: rt.iiat,
      grantId: rt.grantId,
      gty: refreshedGty(rt.gty),
      nonce: rt.nonce,
      rotations: typeof rt.rotations === 'number' ? rt.rotations + 1 : 1,
      scope: rt.scope,
      sessionUid: rt.sessionUid,
      sid: rt.sid,
    });
    refreshToken = await next.save();
  }

  // The /userinfo access token is sealed, not stored (userinfo-tokens.ts).
  const atScope = grant.getOIDCScopeFiltered(rt.scopes);
  const { token: accessToken, expiresIn } = await sealUserinfoToken(s, { sub: rt.accountId, azp: clientId, scope: atScope });

  // `openid` is in the token's scopes (checked above): an ID token always comes back.
  const rejected = grant.getRejectedOIDCClaims();
  const claims = await account.claims('id_token', rt.scope ?? '', {}, rejected);
  const token = new provider.IdToken({ ...claims, sub: account.accountId, acr: rt.acr, amr: rt.amr, auth_time: rt.authTime }, { client });
  token.scope = atScope;
  token.mask = {};
  token.rejected = rejected;
  token.set('sid', rt.sid);
  const idToken = await issueIdToken(provider, signer, client, found.app, token, Math.floor(s.ctx.clock.now() / 1000));
  const scope = rt.scope ? atScope : atScope || undefined;
  logExchange(s, 'refresh_token', { clientId, clientName: found.app.name, ip: caller.ip, userAgent: caller.userAgent, userId: rt.accountId, scope: scope || undefined });
  return {
    status: 200,
    headers: origin === undefined ? {} : allowedOriginHeaders(origin),
    body: {
      access_token: accessToken,
      expires_in: expiresIn,
      id_token: idToken,
      // §2.3: a new refresh token only when one was rotated; the presented one is not echoed.
      ...(refreshToken !== value ? { refresh_token: refreshToken } : {}),
      ...(scope !== undefined ? { scope } : {}),
      token_type: 'Bearer',
    },
  };
}
