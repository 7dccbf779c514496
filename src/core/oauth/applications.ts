import { randomBytes } from 'node:crypto';

/** Auth0 application types (auth0-api.md §4.3 Clients). */
export type AppType = 'spa' | 'native' | 'regular_web' | 'non_interactive';
export const APP_TYPES: readonly AppType[] = ['spa', 'native', 'regular_web', 'non_interactive'];

export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

/** Refresh-token settings per client (§2.3). Lifetimes in seconds. */
export interface RefreshTokenSettings {
  rotation_type: 'rotating' | 'non-rotating';
  expiration_type: 'expiring' | 'non-expiring';
  leeway: number;
  token_lifetime: number;
  idle_token_lifetime: number;
  infinite_token_lifetime: boolean;
  infinite_idle_token_lifetime: boolean;
}

/** An application (client) in Auth0's shape; `client_secret` is kept apart (sealed at rest). */
export interface Application {
  client_id: string;
  name: string;
  description?: string;
  app_type: AppType;
  is_first_party: boolean;
  oidc_conformant: boolean;
  callbacks: string[];
  allowed_logout_urls: string[];
  allowed_origins: string[];
  web_origins: string[];
  grant_types: string[];
  jwt_configuration: { alg: 'RS256' | 'HS256'; lifetime_in_seconds: number; secret_encoded: boolean };
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  refresh_token: RefreshTokenSettings;
  cross_origin_authentication: boolean;
  is_token_endpoint_ip_header_trusted: boolean;
  sso_disabled: boolean;
  client_metadata: Record<string, string>;
  /** 'management' (bootstrapped Management API client) or 'default' (dev app); null for others. */
  system_role: string | null;
  created_at: number;
  updated_at: number;
}

export const GRANT = {
  authorizationCode: 'authorization_code',
  implicit: 'implicit',
  refreshToken: 'refresh_token',
  clientCredentials: 'client_credentials',
  password: 'password',
  passwordRealm: 'http://auth0.com/oauth/grant-type/password-realm',
} as const;

/** Default grants per type (§4.3): password grants are opt-in for trusted first-party clients. */
export function defaultGrantTypes(type: AppType): string[] {
  switch (type) {
    case 'non_interactive':
      return [GRANT.clientCredentials];
    case 'regular_web':
      return [GRANT.authorizationCode, GRANT.implicit, GRANT.refreshToken, GRANT.clientCredentials];
    default:
      return [GRANT.authorizationCode, GRANT.implicit, GRANT.refreshToken];
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumerics, like Auth0's client ids. */
export function newClientId(): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** 64 characters of `[A-Za-z0-9_-]` (48 random bytes, base64url). */
export const newClientSecret = (): string => randomBytes(48).toString('base64url');

export interface NewApplication {
  name: string;
  app_type: AppType;
  client_id?: string;
  callbacks?: string[];
  allowed_logout_urls?: string[];
  allowed_origins?: string[];
  web_origins?: string[];
  grant_types?: string[];
  jwt_alg?: 'RS256' | 'HS256';
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  system_role?: string | null;
}

/** An application with Auth0's defaults; SPAs and native apps are public (auth method none) and get rotating refresh tokens. */
export function buildApplication(input: NewApplication, now: number): Application {
  const isPublic = input.app_type === 'spa' || input.app_type === 'native';
  return {
    client_id: input.client_id ?? newClientId(),
    name: input.name,
    app_type: input.app_type,
    is_first_party: true,
    oidc_conformant: true,
    callbacks: input.callbacks ?? [],
    allowed_logout_urls: input.allowed_logout_urls ?? [],
    allowed_origins: input.allowed_origins ?? [],
    web_origins: input.web_origins ?? [],
    grant_types: input.grant_types ?? defaultGrantTypes(input.app_type),
    jwt_configuration: { alg: input.jwt_alg ?? 'RS256', lifetime_in_seconds: 36_000, secret_encoded: false },
    token_endpoint_auth_method: input.token_endpoint_auth_method ?? (isPublic ? 'none' : 'client_secret_post'),
    refresh_token: {
      rotation_type: isPublic ? 'rotating' : 'non-rotating',
      expiration_type: isPublic ? 'expiring' : 'non-expiring',
      leeway: 0,
      token_lifetime: 2_592_000,
      idle_token_lifetime: 1_296_000,
      infinite_token_lifetime: !isPublic,
      infinite_idle_token_lifetime: !isPublic,
    },
    cross_origin_authentication: false,
    is_token_endpoint_ip_header_trusted: false,
    sso_disabled: false,
    client_metadata: {},
    system_role: input.system_role ?? null,
    created_at: now,
    updated_at: now,
  };
}

/** An application with its secret opened (only the composition layer handles these). */
export interface ApplicationWithSecret {
  app: Application;
  secret: string | null;
}

export interface ApplicationRepository {
  find(clientId: string): Promise<ApplicationWithSecret | undefined>;
  findBySystemRole(role: string): Promise<ApplicationWithSecret | undefined>;
  /** Inserts; returns false when the client_id or system_role is already taken. */
  insert(app: Application, secret: string | null): Promise<boolean>;
}
