import type { Application } from './applications.js';
import type { ResourceServer } from './resource-servers.js';

/** Token lifetimes in seconds, with Auth0's defaults (auth0-api.md §10.19, §2.2, §2.3). */
export const LIFETIMES = {
  idToken: 36_000,
  /** Access token for /userinfo only: code flows 86400, implicit 7200; not configurable. */
  userinfoAccessToken: 86_400,
  userinfoAccessTokenImplicit: 7_200,
  authorizationCode: 60,
  interaction: 3_600,
} as const;

export const idTokenLifetime = (app: Application | undefined): number => app?.jwt_configuration.lifetime_in_seconds ?? LIFETIMES.idToken;

/** API access-token lifetime; `browser` for tokens issued from /authorize (implicit, hybrid). */
export function accessTokenLifetime(api: ResourceServer | undefined, browser: boolean): number {
  if (!api) return browser ? LIFETIMES.userinfoAccessTokenImplicit : LIFETIMES.userinfoAccessToken;
  return browser ? api.token_lifetime_for_web : api.token_lifetime;
}

/** Refresh-token lifetime from the client's settings (absolute; 0 = no expiry when infinite). */
export function refreshTokenLifetime(app: Application | undefined): number {
  const rt = app?.refresh_token;
  if (!rt) return 2_592_000;
  if (rt.infinite_token_lifetime && rt.infinite_idle_token_lifetime) return 365 * 24 * 3600;
  return rt.infinite_token_lifetime ? rt.idle_token_lifetime : rt.token_lifetime;
}
