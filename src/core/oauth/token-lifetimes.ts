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

/** Unbounded, in practice: a refresh token with no lifetime still needs an expiry date. */
const FOREVER = 365 * 24 * 3600;

/** What bounds an application's refresh tokens, in seconds; null = no bound (auth0-api.md §2.3). */
export interface RefreshTokenLimits {
  /** Since the first token of the family (the login), however often it is rotated. */
  absolute: number | null;
  /** Since the token was issued: a rotating family left unused this long dies. */
  idle: number | null;
}

export function refreshTokenLimits(app: Application | undefined): RefreshTokenLimits {
  const rt = app?.refresh_token;
  if (!rt) return { absolute: 2_592_000, idle: null };
  if (rt.expiration_type === 'non-expiring') return { absolute: null, idle: null };
  return { absolute: rt.infinite_token_lifetime ? null : rt.token_lifetime, idle: rt.infinite_idle_token_lifetime ? null : rt.idle_token_lifetime };
}

/**
 * Seconds a refresh token issued now may live. A rotating family never outlives its absolute
 * lifetime counted from its first token (`familyAge` seconds ago), and each of its tokens dies
 * after the idle lifetime: rotation restarts the idle clock, never the absolute one (auth0-api.md
 * §2.3). A non-rotating token is never rewritten, so its idle time cannot be tracked: it lives
 * its absolute lifetime (else its idle lifetime).
 */
export function refreshTokenTtl(limits: RefreshTokenLimits, rotating: boolean, familyAge: number): number {
  if (!rotating) return limits.absolute ?? limits.idle ?? FOREVER;
  const remaining = limits.absolute === null ? FOREVER : limits.absolute - Math.max(0, familyAge);
  return Math.max(1, Math.floor(Math.min(remaining, limits.idle ?? FOREVER)));
}
