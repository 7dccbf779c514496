import type { KoaContext } from 'oidc-provider';

/**
 * Koa middleware: a refresh answers with a refresh token only when it rotated one (auth0-api.md
 * §2.3); oidc-provider echoes the presented token of a non-rotating client, Auth0 does not.
 */
export async function omitUnrotatedRefreshToken(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  await next();
  if (ctx.oidc?.route !== 'token' || ctx.oidc.params?.grant_type !== 'refresh_token') return;
  const body = ctx.body as { refresh_token?: unknown } | undefined;
  if (body && typeof body === 'object' && body.refresh_token !== undefined && body.refresh_token === ctx.oidc.params['refresh_token']) delete body.refresh_token;
}
