import type { ClientInstance, KoaContext } from 'oidc-provider';
import type { ClientGrant } from '../../core/oauth/resource-servers.js';
import { accessTokenLifetime } from '../../core/oauth/token-lifetimes.js';
import { auth0Error } from './errors.js';
import type { Auth0Services } from './services.js';

/** Tokens issued by /authorize itself (implicit, hybrid), including its resumption after the login page. */
export const fromAuthorizationEndpoint = (route: string | undefined): boolean => route === 'authorization' || route === 'resume';

/** A client grant looked up while normalising a token request (mount.ts), with what it was looked up by. */
export interface LookedUpGrant {
  clientId: string;
  audience: string;
  found: ClientGrant | undefined;
}

/** Per request (keyed by the request oidc-provider reads): the client grant already looked up. */
const grantsOfRequest = new WeakMap<object, LookedUpGrant>();

export function rememberGrant(req: object, grant: LookedUpGrant): void {
  grantsOfRequest.set(req, grant);
}

/** The client grant of (client, API): the one this request already looked up, else from the database. */
async function clientGrant(s: Auth0Services, ctx: KoaContext, clientId: string, audience: string): Promise<ClientGrant | undefined> {
  const known = ctx.req ? grantsOfRequest.get(ctx.req) : undefined;
  if (known && known.clientId === clientId && known.audience === audience) return known.found;
  return s.apis.findGrant(clientId, audience);
}

/** The Management API scopes a user's own token may carry. */
const CURRENT_USER_SCOPES =
  'read:current_user update:current_user_identities create:current_user_metadata update:current_user_metadata delete:current_user_metadata create:current_user_device_credentials delete:current_user_device_credentials';

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
        const grant = await clientGrant(s, ctx, client.clientId, identifier);
        if (!grant) {
          throw auth0Error(
            403,
            'access_denied',
            `Client is not authorized to access "${identifier}". You need to create a "client-grant" associated to this API. See: https://auth0.com/docs/api/v2#!/Client_Grants/post_client_grants`,
          );
        }
        scope = grant.scope.join(' ');
      } else if (identifier === `${s.issuer()}api/v2/`) {
        // Users never get the Management API's machine scopes; Auth0 grants them only the
        // current-user scopes (§4.1). Everything else needs a client grant (client_credentials).
        scope = CURRENT_USER_SCOPES;
      }
      return {
        scope,
        audience: identifier,
        accessTokenTTL: accessTokenLifetime(api, fromAuthorizationEndpoint(ctx.oidc.route)),
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}
