import type { ResourceServer } from './resource-servers.js';

export type TokenDialect = ResourceServer['token_dialect'];

/** What an access token for an API says, whichever dialect it is written in. Times in epoch seconds. */
export interface AccessTokenFacts {
  iss: string;
  /** The user's id, or `<client_id>@clients` for client credentials. */
  sub: string;
  aud: string | string[];
  iat: number;
  exp: number;
  /** Space-separated granted scopes; empty means none (the claim is then left out). */
  scope: string;
  clientId: string;
  /** Auth0's grant label: `client-credentials`, `password`, `refresh_token`; none for code and implicit. */
  gty?: string | undefined;
  /** Unique token id; only the RFC 9068 dialects carry it. */
  jti: string;
  /** RBAC permissions (the `_authz` dialects). */
  permissions?: readonly string[] | undefined;
}

export interface AccessTokenJwt {
  typ: 'JWT' | 'at+jwt';
  payload: Record<string, unknown>;
}

/** The OpenID Connect scopes (as opposed to an API's own), which Auth0 also lists in an API token's `scope`. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'phone', 'offline_access']);

/**
 * `aud` of a user's access token for an API: with `openid` granted, Auth0 adds the issuer's
 * /userinfo, and the token then works there too (auth0-api.md §2.2).
 */
export const userTokenAudience = (api: string, issuer: string, scopes: readonly string[]): string | string[] =>
  scopes.includes('openid') ? [api, userinfoAudience(issuer)] : api;

/** The /userinfo audience every such token carries; `issuer` with its trailing slash. */
export const userinfoAudience = (issuer: string): string => `${issuer}userinfo`;

/** `sub` of a client-credentials token (auth0-api.md §2.2). */
export const clientSubject = (clientId: string): string => `${clientId}@clients`;

/**
 * An access token's JOSE `typ` and claims in the API's `token_dialect` (auth0-api.md §2.2):
 * Auth0's own dialect (`typ: JWT`; `azp`, `gty`, no `jti`) unless the API asks for the
 * RFC 9068 profile (`typ: at+jwt`; `client_id`, `jti`, no `gty`). `_authz` adds `permissions`.
 */
export function accessTokenJwt(dialect: TokenDialect, f: AccessTokenFacts): AccessTokenJwt {
  const scope = f.scope ? { scope: f.scope } : {};
  const permissions = dialect.endsWith('_authz') ? { permissions: [...(f.permissions ?? [])] } : {};
  if (dialect.startsWith('rfc9068')) {
    return { typ: 'at+jwt', payload: { iss: f.iss, sub: f.sub, aud: f.aud, iat: f.iat, exp: f.exp, ...scope, client_id: f.clientId, jti: f.jti, ...permissions } };
  }
  return { typ: 'JWT', payload: { iss: f.iss, sub: f.sub, aud: f.aud, iat: f.iat, exp: f.exp, ...scope, ...(f.gty ? { gty: f.gty } : {}), azp: f.clientId, ...permissions } };
}

/** Auth0's `gty` for a token oidc-provider labelled with its grant chain (e.g. `password refresh_token`). */
export function auth0Gty(chain: string | undefined): string | undefined {
  const last = chain?.split(' ').at(-1);
  if (last === 'refresh_token') return 'refresh_token';
  if (last === 'password') return 'password';
  if (last === 'client_credentials') return 'client-credentials';
  return undefined;
}
