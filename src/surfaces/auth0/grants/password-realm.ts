import type { KoaContext, Provider } from 'oidc-provider';
import type { LoginOutcome } from '../../../core/identity/authenticate.js';
import { BLOCKED_MESSAGE } from '../../../core/identity/brute-force.js';
import { isEnabledFor, type Connection } from '../../../core/identity/connections.js';
import { SUSPICIOUS_IP_MESSAGE } from '../../../core/identity/ip-throttle.js';
import { OIDC_SCOPES } from '../../../core/oauth/access-token-claims.js';
import { GRANT } from '../../../core/oauth/applications.js';
import { logLogin } from '../../management/auth0-log-hooks.js';
import { accountOf } from '../account.js';
import { resourceIndicators } from '../audience.js';
import { auth0Error, oauthError, type OAuthErrorReply } from '../errors.js';
import { endUserIp } from '../forwarded-for.js';
import { str } from '../http.js';
import type { Auth0Services } from '../services.js';

const PARAMS = ['username', 'password', 'realm', 'scope', 'audience'];

/**
 * Resource Owner Password grants (auth0-api.md §1.4): `password` against the tenant's default
 * directory and `http://auth0.com/oauth/grant-type/password-realm` against the named connection,
 * with Auth0's failure answers (wrong password 403 invalid_grant, lockout 429, blocked 401).
 * The common case is answered outside oidc-provider (password-native.ts `passwordGrant`); these
 * registrations answer everything that declines, as before.
 */
export function registerPasswordGrants(provider: Provider, s: Auth0Services): void {
  provider.registerGrantType(GRANT.password, (ctx) => passwordGrantInProvider(ctx, provider, s, false), PARAMS);
  provider.registerGrantType(GRANT.passwordRealm, (ctx) => passwordGrantInProvider(ctx, provider, s, true), PARAMS);
}

/** A failed login as the authenticator reports it (core/identity/authenticate.ts). */
export type LoginFailure = Extract<LoginOutcome, { ok: false }>;

/**
 * Auth0's answer to a password login the authenticator refused (§1.4 error table) — the one
 * mapping both paths use. Exhaustive: a new failure reason does not compile until mapped here.
 */
export function loginFailure(outcome: LoginFailure): OAuthErrorReply {
  switch (outcome.reason) {
    case 'wrong_credentials':
      // Unknown user and wrong password alike: no user enumeration.
      return oauthError(403, 'invalid_grant', 'Wrong email or password.');
    case 'blocked_user':
      return oauthError(401, 'unauthorized', 'user is blocked');
    case 'too_many_attempts':
      return oauthError(429, 'too_many_attempts', BLOCKED_MESSAGE);
    case 'suspicious_ip':
      return oauthError(429, 'too_many_attempts', SUSPICIOUS_IP_MESSAGE);
    default: {
      const unmapped: never = outcome.reason;
      throw new Error(`login failure ${String(unmapped)} has no Auth0 answer`);
    }
  }
}

/** What a password grant logs in with, read and checked before the password is (nothing recorded yet). */
interface LoginRequest {
  username: string;
  password: string;
  connection: Connection;
}

/**
 * The login a password grant asks for, or Auth0's answer to what is missing or wrong in it.
 * `param` reads a parameter, an empty one as absent (as oidc-provider's params do).
 */
export async function loginRequestOf(s: Auth0Services, clientId: string, param: (name: string) => string | undefined, withRealm: boolean): Promise<LoginRequest | { failure: OAuthErrorReply }> {
  const username = param('username');
  const password = param('password');
  if (!username) return { failure: oauthError(400, 'invalid_request', 'missing username parameter') };
  if (!password) return { failure: oauthError(400, 'invalid_request', 'missing password parameter') };
  const realm = withRealm ? param('realm') : (await s.tenant.get()).default_directory || undefined;
  if (!realm) {
    if (withRealm) return { failure: oauthError(400, 'invalid_request', 'missing realm parameter') };
    return { failure: oauthError(500, 'server_error', 'Authorization server not configured with default connection.') };
  }
  const connection = await s.connections.findByName(realm);
  if (!connection || connection.strategy !== 'auth0') return { failure: oauthError(400, 'invalid_request', `Unknown realm ${realm}.`) };
  if (!isEnabledFor(connection, clientId)) return { failure: oauthError(403, 'unauthorized_client', 'The connection is not enabled for this client.') };
  return { username, password, connection };
}

const thrown = ({ status, body }: OAuthErrorReply) => auth0Error(status, body.error, body.error_description);

/** The handler registered with oidc-provider: it answers every request the native grant (password-native.ts) declines. */
async function passwordGrantInProvider(ctx: KoaContext, provider: Provider, s: Auth0Services, withRealm: boolean): Promise<void> {
  const p = ctx.oidc.params;
  const client = ctx.oidc.client;
  if (!client) throw auth0Error(401, 'access_denied', 'Unauthorized');
  const checked = await loginRequestOf(s, client.clientId, (name) => str(p[name]), withRealm);
  if ('failure' in checked) throw thrown(checked.failure);
  const { username, password, connection } = checked;

  const ip = endUserIp(ctx);
  const outcome = await s.authenticator.login(connection, username, password, ip);
  logLogin(s, { clientId: client.clientId, clientName: str(client['clientName']), connection, identifier: username, outcome, grant: true, ip, userAgent: ctx.get('user-agent') || undefined });
  if (!outcome.ok) throw thrown(loginFailure(outcome));
  // The user the password was checked against (blocked users were refused above): no second read.
  const account = accountOf(outcome.user);
  if (!account) throw thrown(loginFailure({ ok: false, reason: 'blocked_user' }));
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
