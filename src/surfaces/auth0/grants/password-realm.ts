import type { KoaContext, Provider } from 'oidc-provider';
import { BLOCKED_MESSAGE } from '../../../core/identity/brute-force.js';
import { SUSPICIOUS_IP_MESSAGE } from '../../../core/identity/ip-throttle.js';
import { isEnabledFor } from '../../../core/identity/connections.js';
import { OIDC_SCOPES } from '../../../core/oauth/access-token-claims.js';
import { GRANT } from '../../../core/oauth/applications.js';
import { accountOf } from '../account.js';
import { resourceIndicators } from '../audience.js';
import { logLogin } from '../../management/auth0-log-hooks.js';
import { auth0Error } from '../errors.js';
import { endUserIp } from '../forwarded-for.js';
import type { Auth0Services } from '../services.js';

const PARAMS = ['username', 'password', 'realm', 'scope', 'audience'];

/**
 * Resource Owner Password grants (auth0-api.md §1.4): `password` against the tenant's default
 * directory and `http://auth0.com/oauth/grant-type/password-realm` against the named connection,
 * with Auth0's failure answers (wrong password 403 invalid_grant, lockout 429, blocked 401).
 */
export function registerPasswordGrants(provider: Provider, s: Auth0Services): void {
  provider.registerGrantType(GRANT.password, (ctx) => passwordGrant(ctx, provider, s, false), PARAMS);
  provider.registerGrantType(GRANT.passwordRealm, (ctx) => passwordGrant(ctx, provider, s, true), PARAMS);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

async function passwordGrant(ctx: KoaContext, provider: Provider, s: Auth0Services, withRealm: boolean): Promise<void> {
  const p = ctx.oidc.params;
  const client = ctx.oidc.client;
  if (!client) throw auth0Error(401, 'access_denied', 'Unauthorized');
  const username = str(p['username']);
  const password = str(p['password']);
  if (!username) throw auth0Error(400, 'invalid_request', 'missing username parameter');
  if (!password) throw auth0Error(400, 'invalid_request', 'missing password parameter');
  const realm = withRealm ? str(p['realm']) : ((await s.tenant.get()).default_directory ?? undefined);
  if (!realm) {
    if (withRealm) throw auth0Error(400, 'invalid_request', 'missing realm parameter');
    throw auth0Error(500, 'server_error', 'Authorization server not configured with default connection.');
  }
  const connection = await s.connections.findByName(realm);
  if (!connection || connection.strategy !== 'auth0') throw auth0Error(400, 'invalid_request', `Unknown realm ${realm}.`);
  if (!isEnabledFor(connection, client.clientId)) throw auth0Error(403, 'unauthorized_client', 'The connection is not enabled for this client.');

  const ip = endUserIp(ctx);
  const outcome = await s.authenticator.login(connection, username, password, ip);
  logLogin(s, { clientId: client.clientId, clientName: str(client['clientName']), connection, identifier: username, outcome, grant: true, ip, userAgent: ctx.get('user-agent') || undefined });
  if (!outcome.ok) {
    if (outcome.reason === 'too_many_attempts') throw auth0Error(429, 'too_many_attempts', BLOCKED_MESSAGE);
    if (outcome.reason === 'suspicious_ip') throw auth0Error(429, 'too_many_attempts', SUSPICIOUS_IP_MESSAGE);
    if (outcome.reason === 'blocked_user') throw auth0Error(401, 'unauthorized', 'user is blocked');
    throw auth0Error(403, 'invalid_grant', 'Wrong email or password.');
  }
  // The user the password was checked against (blocked users were refused above): no second read.
  const account = accountOf(outcome.user);
  if (!account) throw auth0Error(401, 'unauthorized', 'user is blocked');
  ctx.oidc.entity('Account', account);

  const requested = (str(p['scope']) ?? '').split(' ').filter(Boolean);
  const oidcScope = requested.filter((x) => OIDC_SCOPES.has(x)).join(' ');
  const audience = str(p['audience']) ?? (await s.tenant.get()).default_audience ?? undefined;

  const grant = new provider.Grant({ clientId: client.clientId, accountId: account.accountId });
  // Its id now, not at its save: the tokens below are saved together with it and must carry it.
  grant.jti = grant.generateTokenId();
  grant.addOIDCScope(oidcScope);
  const at = new provider.AccessToken({ accountId: account.accountId, client, grantId: grant.jti, gty: 'password' });
  at.scope = oidcScope || undefined;
  if (audience) {
    const info = await resourceIndicators(s).getResourceServerInfo(ctx, audience, client);
    const allowed = new Set(String(info['scope'] ?? '').split(' '));
    const apiScope = requested.filter((x) => allowed.has(x)).join(' ');
    grant.addResourceScope(audience, apiScope);
    at.resourceServer = new provider.ResourceServer(audience, info);
    at.scope = apiScope || undefined;
  }
  ctx.oidc.entity('Grant', grant);
  ctx.oidc.entity('AccessToken', at);
  const rt =
    requested.includes('offline_access') && client.grantTypeAllowed('refresh_token')
      ? new provider.RefreshToken({
          accountId: account.accountId,
          client,
          grantId: grant.jti,
          gty: 'password',
          // The API's scopes too: a refresh filters the new access token's scopes by these.
          scope: [oidcScope, at.resourceServer ? (at.scope ?? '') : ''].filter(Boolean).join(' '),
          rotations: 0,
          authTime: Math.floor(s.ctx.clock.now() / 1000),
          ...(audience ? { resource: audience } : {}),
        })
      : undefined;
  // Saved together: on SQLite the three writes then share one commit (storage group commit).
  const [, accessToken, refreshToken] = await Promise.all([grant.save(), at.save(), rt?.save()]);

  let idToken: string | undefined;
  if (requested.includes('openid')) {
    // No nonce: none was sent (§1.5, §10.4).
    const token = new provider.IdToken({ ...(await account.claims('id_token', oidcScope, {}, [])), auth_time: Math.floor(s.ctx.clock.now() / 1000) }, { ctx });
    token.scope = oidcScope;
    idToken = await token.issue({ use: 'idtoken' });
  }

  ctx.body = {
    access_token: accessToken,
    ...(idToken ? { id_token: idToken } : {}),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: [...new Set([...oidcScope.split(' '), ...(at.scope ?? '').split(' ')])].filter(Boolean).join(' '),
    expires_in: at.expiration,
    token_type: 'Bearer',
  };
}
