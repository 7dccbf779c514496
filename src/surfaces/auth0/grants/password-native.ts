import { randomBytes } from 'node:crypto';
import type { Account, ClientInstance, Provider } from 'oidc-provider';
import { accessTokenJwt, auth0Gty, OIDC_SCOPES, userTokenAudience } from '../../../core/oauth/access-token-claims.js';
import { GRANT, type Application } from '../../../core/oauth/applications.js';
import type { ResourceServer } from '../../../core/oauth/resource-servers.js';
import { accessTokenLifetime } from '../../../core/oauth/token-lifetimes.js';
import { logLogin } from '../../management/auth0-log-hooks.js';
import { accountOf } from '../account.js';
import { userScopesOf } from '../audience.js';
import { corsOrigins } from '../client-metadata.js';
import { forwardedEndUserIp } from '../forwarded-for.js';
import { allowedOriginHeaders, str } from '../http.js';
import { signAccessToken, type Rs256Signer } from '../jwt-signer.js';
import { providerClientOf } from '../provider-clients.js';
import type { Auth0Services } from '../services.js';
import { isPlainTokenRequest, singleValued, type Caller, type TokenRequest } from '../token-request.js';
import { sealUserinfoToken } from '../userinfo-tokens.js';
import { authenticatedFor } from './client-auth.js';
import { issueIdToken } from './id-token.js';
import { loginFailure, loginRequestOf } from './password-realm.js';

/** What the native password grant answers: tokens, or Auth0's error; CORS headers for an allowed browser origin. */
export interface PasswordReply {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** RFC 6749 §3.3 scope syntax, as oidc-provider checks it (helpers/is_valid_scope.js): anything else is its 400. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/u;

/** An HS256 API whose secret did not open signs nothing (jwt-signer.ts hs256SecretOf): oidc-provider's 500 to give. */
const canSign = (api: ResourceServer): boolean => api.signing_alg !== 'HS256' || api.is_system || Boolean(api.signing_secret);

/**
 * The password grants answered outside oidc-provider's Koa stack — whose middleware costs a login
 * ~3 ms of main-thread time, more than anything but the argon2id hash — with the same checks,
 * answers, tenant logs and brute-force accounting as the handler registered with oidc-provider
 * (password-realm.ts), and oidc-provider's own models for the ID token (RS256 by the tenant key,
 * HS256 by the client secret) and for the refresh token with its grant. Without an API the access
 * token is Auth0's sealed /userinfo token (userinfo-tokens.ts); for an API it is the JWT the
 * provider's format and customizer (provider.ts) would sign. So a login without `offline_access`
 * stores no token.
 *
 * Returns `undefined` — the request goes to oidc-provider, answered there as before — for
 * everything it does not fully own, always before the password is checked: repeated parameters,
 * an invalid `scope`, unusual client authentication and every client-authentication failure, a
 * browser origin the application does not allow, DPoP, an Accept that might get an HTML error
 * page, a tenant without a default directory (its 500), an API that is unknown or cannot sign,
 * and a /userinfo-only token without `openid` (oidc-provider refuses its own such token at
 * /userinfo with 403 insufficient_scope; a sealed one would be answered).
 */
export async function passwordGrant(s: Auth0Services, provider: Provider, signer: Rs256Signer, req: TokenRequest, caller: Caller): Promise<PasswordReply | undefined> {
  const p = req.params;
  const grantType = p.get('grant_type');
  if (grantType !== GRANT.password && grantType !== GRANT.passwordRealm) return undefined;
  const param = (name: string): string | undefined => p.get(name) || undefined;
  const clientId = param('client_id');
  const scope = param('scope');
  if (!clientId || !singleValued(p) || !isPlainTokenRequest(req) || (scope !== undefined && !SCOPE_SYNTAX.test(scope))) return undefined;
  const found = await s.apps.find(clientId);
  if (!authenticatedFor(found, p.get('client_secret'), grantType, true)) return undefined;
  const app = found.app;
  const origin = caller.origin;
  if (origin !== undefined && !corsOrigins(app).has(origin)) return undefined;
  const headers = origin === undefined ? {} : allowedOriginHeaders(origin);

  const checked = await loginRequestOf(s, clientId, param, grantType === GRANT.passwordRealm);
  if ('failure' in checked) return checked.failure.status >= 500 ? undefined : { ...checked.failure, headers };
  const requested = (scope ?? '').split(' ').filter(Boolean);
  const audience = param('audience') ?? ((await s.tenant.get()).default_audience || undefined);
  const api = audience === undefined ? undefined : await s.apis.findByIdentifier(audience);
  if (audience === undefined ? !requested.includes('openid') : !api || !canSign(api)) return undefined;
  // oidc-provider's client, for its ID token and refresh token models (a client it cannot load is its to answer).
  const client = await providerClientOf(provider, found).catch(() => undefined);
  if (!client) return undefined;

  const { username, password, connection } = checked;
  const forwarded = req.headers['auth0-forwarded-for'];
  const ip = forwardedEndUserIp(app.is_token_endpoint_ip_header_trusted && app.token_endpoint_auth_method !== 'none', typeof forwarded === 'string' ? forwarded : undefined, caller.ip);
  const outcome = await s.authenticator.login(connection, username, password, ip);
  logLogin(s, { clientId, clientName: str(app.name), connection, identifier: username, outcome, grant: true, ip, userAgent: caller.userAgent || undefined });
  if (!outcome.ok) return { ...loginFailure(outcome), headers };
  const account = accountOf(outcome.user);
  if (!account) return { ...loginFailure({ ok: false, reason: 'blocked_user' }), headers };

  const oidcScopes = requested.filter((x) => OIDC_SCOPES.has(x));
  const oidcScope = oidcScopes.join(' ');
  const allowed = api && new Set(userScopesOf(s.issuer(), api).split(' '));
  const apiScopes = allowed ? requested.filter((x) => allowed.has(x)) : [];
  // The access token's own scopes: the API's, or for /userinfo the OIDC ones; the answer lists both.
  const atScopes = api ? apiScopes : oidcScopes;
  const granted = [...new Set([...oidcScopes, ...atScopes])].join(' ');
  const now = Math.floor(s.ctx.clock.now() / 1000);
  const subject = { accountId: account.accountId, clientId, iat: now };

  const [access, idToken, refreshToken] = await Promise.all([
    api && audience ? apiAccessToken(s, signer, api, subject, oidcScopes, apiScopes) : sealUserinfoToken(s, { sub: account.accountId, azp: clientId, scope: granted }),
    requested.includes('openid') ? idTokenOf(provider, signer, client, app, account, oidcScope, now) : undefined,
    requested.includes('offline_access') && client.grantTypeAllowed(GRANT.refreshToken)
      ? savedRefreshToken(provider, client, account, now, oidcScope, api && audience ? { audience, scope: apiScopes.join(' ') } : undefined)
      : undefined,
  ]);
  return {
    status: 200,
    headers,
    body: {
      access_token: access.token,
      ...(idToken ? { id_token: idToken } : {}),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: granted,
      expires_in: access.expiresIn,
      token_type: 'Bearer',
    },
  };
}

/**
 * A user's access token for an API, as oidc-provider's JWT format and the customizer
 * (provider.ts auth0AccessTokenShape) make it: the API's dialect, the requested OIDC scopes
 * listed first, /userinfo as a second audience with `openid`, signed as the API says.
 */
function apiAccessToken(
  s: Auth0Services,
  signer: Rs256Signer,
  api: ResourceServer,
  subject: { accountId: string; clientId: string; iat: number },
  oidcScopes: readonly string[],
  apiScopes: readonly string[],
): { token: string; expiresIn: number } {
  const expiresIn = accessTokenLifetime(api, false);
  const jwt = accessTokenJwt(api.token_dialect, {
    iss: s.issuer(),
    sub: subject.accountId,
    aud: userTokenAudience(api.identifier, s.issuer(), oidcScopes),
    iat: subject.iat,
    exp: subject.iat + expiresIn,
    scope: [...oidcScopes, ...apiScopes.filter((x) => !oidcScopes.includes(x))].join(' '),
    clientId: subject.clientId,
    gty: auth0Gty(GRANT.password),
    // oidc-provider's token id: 43 url-safe characters (256 bits).
    jti: randomBytes(32).toString('base64url'),
    // No roles: a user has no permissions here (§2.2 `_authz`).
    permissions: [],
  });
  return { token: signAccessToken(signer, api, jwt), expiresIn };
}

/** The ID token the registered handler issues (no nonce: none was sent, §1.5, §10.4). */
async function idTokenOf(provider: Provider, signer: Rs256Signer, client: ClientInstance, app: Application, account: Account, oidcScope: string, now: number): Promise<string> {
  const token = new provider.IdToken({ ...(await account.claims('id_token', oidcScope, {}, [])), auth_time: now }, { client });
  token.scope = oidcScope;
  return issueIdToken(provider, signer, client, app, token, now);
}

/** A refresh token saved with its grant (saved together: one commit on SQLite), as the registered handler saves them. */
async function savedRefreshToken(
  provider: Provider,
  client: ClientInstance,
  account: Account,
  now: number,
  oidcScope: string,
  resource: { audience: string; scope: string } | undefined,
): Promise<string> {
  const grant = new provider.Grant({ clientId: client.clientId, accountId: account.accountId });
  grant.jti = grant.generateTokenId();
  grant.addOIDCScope(oidcScope);
  if (resource) grant.addResourceScope(resource.audience, resource.scope);
  const rt = new provider.RefreshToken({
    accountId: account.accountId,
    client,
    grantId: grant.jti,
    gty: GRANT.password,
    // The API's scopes too: a refresh filters the new access token's scopes by these.
    scope: [oidcScope, resource?.scope ?? ''].filter(Boolean).join(' '),
    rotations: 0,
    authTime: now,
    ...(resource ? { resource: resource.audience } : {}),
  });
  const [, refreshToken] = await Promise.all([grant.save(), rt.save()]);
  return refreshToken;
}
