import { createSecretKey } from 'node:crypto';
import type { ClientInstance, KoaContext } from 'oidc-provider';
import type { ResourceServer } from '../../core/oauth/resource-servers.js';
import { accessTokenLifetime } from '../../core/oauth/token-lifetimes.js';
import { AUDIENCE_ERRORS, auth0Error } from './errors.js';
import { hs256SecretOf } from './jwt-signer.js';
import type { Auth0Services } from './services.js';

/** Tokens issued by /authorize itself (implicit, hybrid), including its resumption after the login page. */
export const fromAuthorizationEndpoint = (route: string | undefined): boolean => route === 'authorization' || route === 'resume';

/** The Management API scopes a user's own token may carry. */
const CURRENT_USER_SCOPES =
  'read:current_user update:current_user_identities create:current_user_metadata update:current_user_metadata delete:current_user_metadata create:current_user_device_credentials delete:current_user_device_credentials';

/**
 * The scopes of `api` a user's access token may carry (all but client credentials): the API's own,
 * except that users never get the Management API's machine scopes — Auth0 grants them only the
 * current-user scopes (§4.1); everything else there needs a client grant (client_credentials).
 */
export const userScopesOf = (issuer: string, api: ResourceServer): string =>
  api.identifier === `${issuer}api/v2/` ? CURRENT_USER_SCOPES : api.scopes.map((x) => x.value).join(' ');

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
      if (!api) throw auth0Error(403, 'access_denied', AUDIENCE_ERRORS.unknown(identifier));
      let scope: string;
      if (ctx.oidc.params.grant_type === 'client_credentials') {
        const grant = await s.apis.findGrant(client.clientId, identifier);
        if (!grant) throw auth0Error(403, 'access_denied', AUDIENCE_ERRORS.noClientGrant(identifier));
        scope = grant.scope.join(' ');
      } else scope = userScopesOf(s.issuer(), api);
      // oidc-provider signs HS* with the KeyObject given here, RS256 with its keystore's current key
      // (lib/models/formats/jwt.js getResourceServerConfig); no kid in an HS256 header.
      const secret = hs256SecretOf(api);
      return {
        scope,
        audience: identifier,
        accessTokenTTL: accessTokenLifetime(api, fromAuthorizationEndpoint(ctx.oidc.route)),
        accessTokenFormat: 'jwt',
        // Inside `jwt`: oidc-provider's ResourceServer keeps only its own members, and `jwt` whole.
        jwt: { sign: secret === undefined ? { alg: 'RS256' } : { alg: 'HS256', key: createSecretKey(Buffer.from(secret, 'utf8')) }, tokenDialect: api.token_dialect },
      };
    },
  };
}
