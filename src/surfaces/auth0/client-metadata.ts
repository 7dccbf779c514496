import { GRANT, type Application } from '../../core/oauth/applications.js';
import { idTokenLifetime, refreshTokenLimits } from '../../core/oauth/token-lifetimes.js';

/** Auth0 settings carried as extra client metadata (declared in provider.ts). */
export const EXTRA_CLIENT_METADATA = ['app_type', 'refresh_token_rotation', 'is_first_party', 'id_token_lifetime', 'refresh_token_absolute', 'refresh_token_idle', 'cors_origins', 'web_origins', 'ip_header_trusted'];

/** Grant types this server implements; others an Auth0 client may list (MFA, passwordless…) are ignored. */
const SUPPORTED_GRANTS = new Set<string>(Object.values(GRANT));
const BROWSER_GRANTS = new Set<string>([GRANT.authorizationCode, GRANT.implicit]);

/** Response types oidc-provider may use for a client, derived from its Auth0 grant types (§1.2). */
function responseTypes(grants: readonly string[]): string[] {
  const code = grants.includes(GRANT.authorizationCode);
  const implicit = grants.includes(GRANT.implicit);
  const out: string[] = [];
  if (code) out.push('code');
  if (implicit) out.push('id_token', 'id_token token');
  if (code && implicit) out.push('code id_token', 'code token', 'code id_token token');
  return out;
}

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** Origins allowed to call token/revoke/userinfo from a browser: allowed_origins, web_origins and callback origins (§1.1 CORS). */
export function corsOrigins(app: Application): Set<string> {
  const out = new Set<string>([...app.allowed_origins, ...app.web_origins]);
  for (const cb of app.callbacks) {
    const o = originOf(cb);
    if (o) out.add(o);
  }
  return out;
}

/**
 * The oidc-provider (RFC 7591) metadata of an Auth0 application. Auth0 settings oidc-provider
 * does not know travel as extra metadata (`app_type`, `refresh_token_rotation`, `is_first_party`).
 */
export function toClientMetadata(app: Application, secret: string | null): Record<string, unknown> {
  const isPublic = app.token_endpoint_auth_method === 'none';
  const redirectUris = app.callbacks.filter((u) => !u.includes('*'));
  // Without a callback URL the browser flows cannot complete (Auth0: "Callback URL mismatch"), and
  // oidc-provider refuses a client that has them without redirect_uris — for every grant. Such a
  // client keeps its other grants (a new Auth0 application has no callbacks yet).
  const browserFlows = redirectUris.length > 0;
  const refreshLimits = refreshTokenLimits(app);
  const grants = app.grant_types.filter((g) => SUPPORTED_GRANTS.has(g) && (browserFlows || !BROWSER_GRANTS.has(g)));
  return {
    client_id: app.client_id,
    ...(secret !== null && !isPublic ? { client_secret: secret } : {}),
    client_name: app.name,
    application_type: app.app_type === 'native' ? 'native' : 'web',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: app.allowed_logout_urls.filter((u) => !u.includes('*')),
    grant_types: grants,
    response_types: responseTypes(grants),
    // Basic credentials are moved into the body before oidc-provider sees them (mount.ts), so
    // confidential clients accept both client_secret_basic and client_secret_post as on Auth0.
    token_endpoint_auth_method: isPublic ? 'none' : 'client_secret_post',
    // HS256 ID tokens are signed with the client secret (§2.1); a public client has none.
    id_token_signed_response_alg: app.jwt_configuration.alg === 'HS256' && secret !== null ? 'HS256' : 'RS256',
    app_type: app.app_type,
    refresh_token_rotation: app.refresh_token.rotation_type,
    is_first_party: app.is_first_party,
    id_token_lifetime: idTokenLifetime(app),
    // null travels as 0: oidc-provider's metadata takes numbers (provider.ts reads them back).
    refresh_token_absolute: refreshLimits.absolute ?? 0,
    refresh_token_idle: refreshLimits.idle ?? 0,
    // oidc-provider's clientBasedCORS is synchronous: the origins travel with the client.
    cors_origins: [...corsOrigins(app)],
    web_origins: [...app.web_origins],
    ip_header_trusted: app.is_token_endpoint_ip_header_trusted,
  };
}
