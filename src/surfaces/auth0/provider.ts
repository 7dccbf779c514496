import Provider, { type ClientInstance, type KoaContext } from 'oidc-provider';
import { messagePage } from '../../login/pages.js';
import { loginCsp } from '../../login/html.js';
import { LIFETIMES, refreshTokenTtl } from '../../core/oauth/token-lifetimes.js';
import { accessTokenJwt, auth0Gty, clientSubject, OIDC_SCOPES, userTokenAudience, type TokenDialect } from '../../core/oauth/access-token-claims.js';
import { findAccount, SCOPE_CLAIMS } from './account.js';
import { adapterFactory } from './adapter.js';
import { fromAuthorizationEndpoint, resourceIndicators } from './audience.js';
import { EXTRA_CLIENT_METADATA } from './client-metadata.js';
import { rewriteOAuthErrors, stashError } from './errors.js';
import { loadExistingGrant } from './grant-policy.js';
import { registerPasswordGrants } from './grants/password-realm.js';
import { loadSigningJwks } from './keys.js';
import { Rs256Signer, signerOf } from './jwt-signer.js';
import { omitUnrotatedRefreshToken } from './token-response.js';
import { webMessageResponse } from './web-message.js';
import type { Auth0Services } from './services.js';
import { observeTokenExchanges } from '../management/auth0-log-hooks.js';

/** Auth0's paths for oidc-provider's endpoints (auth0-api.md §0). Discovery stays at its fixed path. */
export const OIDC_ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  revocation: '/oauth/revoke',
  jwks: '/.well-known/jwks.json',
  end_session: '/oidc/logout',
  pushed_authorization_request: '/oauth/par',
} as const;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && v > 0 ? v : fallback);

/** The `Auth0-Client`-era extra /authorize parameters oidc-provider must keep (§1.2). */
const EXTRA_PARAMS = ['audience', 'connection', 'connection_scope', 'screen_hint', 'auth0Client', 'organization', 'invitation', 'login_ticket', 'realm', 'owp', 'device', 'protocol', '_csrf', '_intstate', 'access_type'];

export interface BuiltProvider {
  provider: Provider;
  /** Identifies the signing keys it was built with; a change (rotation) means rebuild. */
  keysFingerprint: string;
  /** Signs with the same current key, for the grants Cognate answers itself. */
  signer: Rs256Signer;
}

export async function buildProvider(s: Auth0Services): Promise<BuiltProvider> {
  const issuer = s.issuer();
  const { keys, fingerprint } = await loadSigningJwks(s);
  const cookieKeys = (await s.ctx.keyRing.keys('auth0-cookies')).map((k) => k.key.toString('base64url'));
  const tenant = await s.tenant.get();
  const https = issuer.startsWith('https:');
  // §1.3, §10.32: SameSite=None; Secure so silent auth in iframes and SSO work; lax over plain http.
  const cookie = { httpOnly: true, sameSite: https ? 'none' : 'lax', secure: https, overwrite: true };
  const now = (): number => s.ctx.clock.now();

  const provider = new Provider(issuer, {
    adapter: adapterFactory(s.payloads, s.apps, now),
    findAccount: (_ctx: KoaContext, sub: string) => findAccount(s, sub),
    jwks: { keys },
    cookies: { keys: cookieKeys, names: { session: 'auth0', interaction: 'auth0_interaction', resume: 'auth0_resume' }, long: cookie, short: cookie },
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone'],
    conformIdTokenClaims: false, // Auth0 puts profile claims in the ID token (§2.1)
    extraParams: EXTRA_PARAMS,
    extraClientMetadata: { properties: EXTRA_CLIENT_METADATA },
    responseTypes: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token', 'none'],
    pkce: { required: () => false },
    routes: OIDC_ROUTES,
    clockTolerance: 60,
    enabledJWA: { idTokenSigningAlgValues: ['HS256', 'RS256'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true, allowedPolicy: (_ctx: KoaContext, client: ClientInstance, token: { clientId?: string }) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      registration: { enabled: false },
      pushedAuthorizationRequests: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContext, form: string) => {
          ctx.type = 'html';
          // form-action must also allow where the confirmed logout redirects to (CSP3 follows redirects).
          const target = ctx.oidc.params['post_logout_redirect_uri'];
          ctx.set('content-security-policy', loginCsp(typeof target === 'string' && URL.canParse(target) ? new URL(target).origin : undefined));
          ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Log out</title><link rel="stylesheet" href="/u/assets/login.css"></head><body><main class="card"><h1>Log out?</h1>${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, log me out</button></main></body></html>`;
        },
        postLogoutSuccessSource: (ctx: KoaContext) => {
          ctx.type = 'html';
          ctx.set('content-security-policy', loginCsp());
          ctx.body = messagePage('Logged out', 'You have been logged out.');
        },
      },
      resourceIndicators: resourceIndicators(s),
      // web_message is registered below as Auth0's variant (web-message.ts), not advertised (§10.30).
      webMessageResponseMode: { enabled: false },
    },
    ttl: {
      AccessToken: (ctx: KoaContext, token: { resourceServer?: { accessTokenTTL?: number } }) =>
        token.resourceServer?.accessTokenTTL ?? (fromAuthorizationEndpoint(ctx?.oidc?.route) ? LIFETIMES.userinfoAccessTokenImplicit : LIFETIMES.userinfoAccessToken),
      AuthorizationCode: LIFETIMES.authorizationCode,
      ClientCredentials: (_ctx: KoaContext, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 86_400,
      IdToken: (_ctx: KoaContext, _token: unknown, client: ClientInstance) => num(client['id_token_lifetime'], LIFETIMES.idToken),
      // §2.3: rotation restarts the idle lifetime, never the absolute one (counted from the family's first token, `iiat`).
      RefreshToken: (_ctx: KoaContext, token: { iiat?: number }, client: ClientInstance) =>
        refreshTokenTtl(
          { absolute: num(client['refresh_token_absolute'], 0) || null, idle: num(client['refresh_token_idle'], 0) || null },
          client['refresh_token_rotation'] === 'rotating',
          typeof token.iiat === 'number' ? Math.floor(Date.now() / 1000) - token.iiat : 0,
        ),
      Interaction: LIFETIMES.interaction,
      Session: tenant.session_lifetime * 3600,
      Grant: 365 * 24 * 3600,
    },
    // §2.3: rotation follows the client's refresh_token.rotation_type; reuse revokes the family.
    rotateRefreshToken: (ctx: KoaContext) => ctx.oidc.client?.['refresh_token_rotation'] === 'rotating',
    loadExistingGrant,
    interactions: { url: (_ctx: KoaContext, interaction: { uid: string }) => `/u/${interaction.uid}` },
    // Must answer synchronously (a Promise is rejected as "must return a Boolean").
    clientBasedCORS: (_ctx: KoaContext, origin: string, client: ClientInstance) => {
      const origins = client['cors_origins'];
      return Array.isArray(origins) && origins.includes(origin);
    },
    renderError: (ctx: KoaContext, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.set('content-security-policy', loginCsp());
      ctx.body = messagePage('Something went wrong', out.error === 'invalid_redirect_uri' ? 'Callback URL mismatch.' : 'The request could not be completed.', {
        role: 'alert',
        detail: `${out.error ?? 'error'}: ${out.error_description ?? ''}`,
      });
    },
    // JWT access tokens in the API's token_dialect (Auth0's own by default), not oidc-provider's RFC 9068 shape.
    formats: { customizers: { jwt: auth0AccessTokenShape } },
    discovery: { claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'] },
  });
  // The forwarded headers it reads are always Cognate's own (mount.ts imposeIssuerOrigin), never the client's.
  provider.proxy = true;
  provider.use(rewriteOAuthErrors);
  provider.use(omitUnrotatedRefreshToken);
  for (const event of ['grant.error', 'revocation.error', 'userinfo.error', 'authorization.error']) provider.on(event, stashError);
  provider.on('server_error', (_ctx: KoaContext, err: unknown) =>
    s.ctx.logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'auth0 provider server_error'),
  );
  registerPasswordGrants(provider, s);
  observeTokenExchanges(provider, s);
  provider.registerResponseMode('web_message', webMessageResponse);
  return { provider, keysFingerprint: fingerprint, signer: signerOf(keys) };
}

interface IssuedToken {
  kind?: string;
  gty?: string;
  resourceServer?: { jwt?: { tokenDialect?: TokenDialect } };
}

interface ScopedEntity {
  scope?: unknown;
}

/** The OIDC scopes of the exchange issuing a token: the request's `scope`, else the code's or refresh token's. */
function oidcScopesOf(ctx: KoaContext | undefined): string[] {
  const entities = (ctx?.oidc?.entities ?? {}) as Record<string, ScopedEntity | undefined>;
  const scope = [ctx?.oidc?.params?.['scope'], entities['AuthorizationCode']?.scope, entities['RefreshToken']?.scope].find((x) => typeof x === 'string');
  return typeof scope === 'string' ? scope.split(' ').filter((x) => OIDC_SCOPES.has(x)) : [];
}

/**
 * oidc-provider's `formats.customizers.jwt`: rewrites a JWT access token into its API's dialect
 * (auth0-api.md §2.2). A user's token also lists the OIDC scopes of the exchange in `scope`, and
 * with `openid` has the issuer's /userinfo as a second audience (userinfo.ts serves it there).
 */
function auth0AccessTokenShape(ctx: KoaContext | undefined, token: IssuedToken, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }): void {
  const p = jwt.payload;
  const clientId = String(p['client_id']);
  const byClient = token.kind === 'ClientCredentials';
  const apiScopes = typeof p['scope'] === 'string' ? p['scope'].split(' ').filter(Boolean) : [];
  const oidcScopes = byClient ? [] : oidcScopesOf(ctx);
  const iss = String(p['iss']);
  const out = accessTokenJwt(token.resourceServer?.jwt?.tokenDialect ?? 'access_token', {
    iss,
    sub: byClient ? clientSubject(clientId) : String(p['sub']),
    aud: byClient ? (p['aud'] as string) : userTokenAudience(String(p['aud']), iss, oidcScopes),
    iat: Number(p['iat']),
    exp: Number(p['exp']),
    scope: [...oidcScopes, ...apiScopes.filter((x) => !oidcScopes.includes(x))].join(' '),
    clientId,
    gty: byClient ? 'client-credentials' : auth0Gty(token.gty),
    jti: String(p['jti']),
    // No roles here: a client's permissions are its granted scopes, a user has none (§2.2 `_authz`).
    permissions: byClient ? apiScopes : [],
  });
  jwt.header = { ...jwt.header, typ: out.typ };
  jwt.payload = 'cnf' in p ? { ...out.payload, cnf: p['cnf'] } : out.payload;
}
