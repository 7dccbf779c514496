import type { ClientInstance, KoaContext } from 'oidc-provider';
import { accessTokenLifetime } from '../../core/oauth/token-lifetimes.js';
import { auth0Error } from './errors.js';
import type { Auth0Services } from './services.js';

/**
 * Auth0's `audience` parameter mapped onto RFC 8707 resource indicators (oidc-provider's
 * resourceIndicators feature): no audience and no tenant default_audience means an opaque
 * access token for /userinfo only (§2.2); an audience must be a registered API (§1.4 errors).
 */
export function resourceIndicators(s: Auth0Services) {
  return {
    enabled: true,
    async defaultResource(ctx: KoaContext): Promise<string | undefined> {
      const audience = ctx.oidc.params['audience'];
      if (typeof audience === 'string' && audience) return audience;
      return (await s.tenant.get()).default_audience ?? undefined;
    },
    useGrantedResource: () => true,
    async getResourceServerInfo(ctx: KoaContext, identifier: string, client: ClientInstance): Promise<Record<string, unknown>> {
      const api = await s.apis.findByIdentifier(identifier);
      if (!api) throw auth0Error(403, 'access_denied', `Service not enabled within domain: ${identifier}`);
      let scope = api.scopes.map((x) => x.value).join(' ');
      if (ctx.oidc.params.grant_type === 'client_credentials') {
        const grant = await s.apis.findGrant(client.clientId, identifier);
        if (!grant) {
          throw auth0Error(
            403,
            'access_denied',
            `Client is not authorized to access "${identifier}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
          );
        }
        scope = grant.scope.join(' ');
      }
      return {
        scope,
        audience: identifier,
        accessTokenTTL: accessTokenLifetime(api, ctx.oidc.route === 'authorization'),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}
