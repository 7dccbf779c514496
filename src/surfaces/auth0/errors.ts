import { errors, type KoaContext, type OIDCProviderError } from 'oidc-provider';
import { AppError, isAppError } from '../../core/errors.js';

/**
 * Every Auth0 error shape, in one place (auth0-api.md §1.15, §10.7, §10.9):
 * - OAuth `{error, error_description}` on /oauth/*, /userinfo and /authorize redirects;
 * - legacy `{name, code, description, statusCode, policy?}` on /dbconnections/*.
 */

/** An OAuth error with Auth0's status (oidc-provider's CustomOIDCProviderError is always 400). */
export function auth0Error(status: number, error: string, description: string): OIDCProviderError {
  const e = new errors.CustomOIDCProviderError(error, description);
  e.status = status;
  e.statusCode = status;
  e.expose = true; // our descriptions are safe to show, 5xx included ("…not configured with default connection.")
  return e;
}

/** An OAuth error answered by Cognate's own token-endpoint code (not through oidc-provider). */
export interface OAuthErrorReply {
  status: number;
  body: { error: string; error_description: string };
}

export const oauthError = (status: number, error: string, description: string): OAuthErrorReply => ({ status, body: { error, error_description: description } });

/** Auth0's descriptions for audience problems on /oauth/token (§1.4 error table). */
export const AUDIENCE_ERRORS = {
  unknown: (audience: string): string => `Service not enabled within domain: ${audience}`,
  noClientGrant: (audience: string): string =>
    `Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
  missing: 'No audience parameter was provided, and no default audience has been configured',
  scopesNotGranted: (scopes: readonly string[]): string => `Client has not been granted scopes: ${scopes.join(', ')}`,
} as const;

const STASH = 'auth0Error';

/** Remembers the error oidc-provider rendered, for `rewriteOAuthErrors` (wired to its *.error events). */
export function stashError(ctx: KoaContext, err: unknown): void {
  ctx.state[STASH] = err;
}

const detailOf = (ctx: KoaContext): string => {
  const e = ctx.state[STASH] as { error_detail?: unknown } | undefined;
  return typeof e?.error_detail === 'string' ? e.error_detail : '';
};

/** Auth0's description for an invalid_grant from oidc-provider's detail (§1.4 error table). */
function invalidGrantDescription(grantType: string, detail: string): string {
  if (grantType === 'refresh_token') return 'Unknown or invalid refresh token.';
  if (/PKCE|code_verifier/i.test(detail)) return 'Failed to verify code verifier';
  if (/redirect_uri/i.test(detail)) return 'Invalid redirect URI';
  return 'Invalid authorization code';
}

/**
 * Koa middleware (before oidc-provider's own) that turns oidc-provider's generic OAuth errors
 * on the token and revocation endpoints into Auth0's: bad client auth is 401 access_denied
 * "Unauthorized", invalid_grant is 403, a grant the client may not use is 403 unauthorized_client.
 */
export async function rewriteOAuthErrors(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (!body || typeof body !== 'object' || typeof body.error !== 'string') return;
  const route = ctx.oidc?.route;
  if (route !== 'token' && route !== 'revocation') return;
  const grantType = typeof ctx.oidc.params?.grant_type === 'string' ? ctx.oidc.params.grant_type : '';
  if (body.error === 'invalid_client') {
    ctx.status = 401;
    ctx.remove('www-authenticate');
    ctx.body = { error: 'access_denied', error_description: 'Unauthorized' };
  } else if (body.error === 'invalid_grant' && (grantType === 'authorization_code' || grantType === 'refresh_token')) {
    ctx.status = 403;
    ctx.body = { error: 'invalid_grant', error_description: invalidGrantDescription(grantType, detailOf(ctx)) };
  } else if (body.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') {
    ctx.status = 403;
    ctx.body = { error: 'unauthorized_client', error_description: `Grant type '${grantType}' not allowed for the client.` };
  } else if (body.error === 'unauthorized_client' && ctx.status === 400) {
    ctx.status = 403;
  }
}

/** The legacy (auth0.js v7-era) error body used by /dbconnections/* (§1.8). */
export interface LegacyError {
  statusCode: number;
  body: Record<string, unknown>;
}

export const legacyError = (statusCode: number, name: string, code: string, description: unknown, extra: Record<string, unknown> = {}): LegacyError => ({
  statusCode,
  body: { name, code, description, ...extra, statusCode },
});

/** AppError → legacy shape; anything else is an opaque 500. */
export function legacyFromAppError(e: unknown): LegacyError {
  if (!isAppError(e)) return legacyError(500, 'Error', 'internal_error', 'Internal error');
  switch (e.code) {
    case 'AlreadyExists':
      return legacyError(400, 'BadRequestError', 'user_exists', 'The user already exists.');
    case 'TooManyRequests':
      return legacyError(429, 'TooManyRequestsError', 'too_many_requests', e.message);
    case 'InvalidParameter':
    case 'ValidationError':
    case 'MalformedRequest':
      return legacyError(400, 'BadRequestError', e.wireName ?? 'invalid_body', e.message);
    case 'NotFound':
      return legacyError(400, 'BadRequestError', e.wireName ?? 'invalid_request', e.message);
    default:
      return legacyError(500, 'Error', 'internal_error', 'Internal error');
  }
}

export const badRequest = (description: string, code = 'invalid_body'): AppError => new AppError('InvalidParameter', description, { wireName: code });
