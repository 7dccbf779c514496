/**
 * The slice of panva's `oidc-provider` (v9, untyped JavaScript) that this surface uses.
 * Kept minimal on purpose: configuration is passed as a plain object and checked by the
 * library at construction.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContext {
    method: string;
    path: string;
    url: string;
    status: number;
    body: unknown;
    type: string;
    secure: boolean;
    ip: string;
    query: Record<string, string | string[] | undefined>;
    state: Record<string, unknown>;
    req: IncomingMessage;
    res: ServerResponse;
    get(field: string): string;
    set(field: string, value: string): void;
    remove(field: string): void;
    redirect(url: string): void;
    cookies: { get(name: string, opts?: Record<string, unknown>): string | undefined; set(name: string, value: string | null, opts?: Record<string, unknown>): void };
    oidc: OIDCContext;
  }

  export interface OIDCContext {
    route: string;
    params: Record<string, unknown> & { grant_type?: string };
    client?: ClientInstance;
    session?: { accountId?: string; uid: string; destroy(): Promise<void> };
    entities: Record<string, unknown>;
    issuer: string;
    entity(name: string, value: unknown): void;
    urlFor(name: string, opts?: Record<string, unknown>): string;
  }

  export interface ClientInstance {
    clientId: string;
    clientSecret?: string;
    grantTypeAllowed(type: string): boolean;
    [key: string]: unknown;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string, claims: unknown, rejected: string[]): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown> & { client_id?: string; redirect_uri?: string; scope?: string; connection?: string; screen_hint?: string; login_hint?: string };
    session?: { accountId: string; uid: string };
    grantId?: string;
    lastSubmission?: Record<string, unknown>;
    exp: number;
  }

  export interface GrantInstance {
    jti: string;
    clientId: string;
    accountId: string;
    isExpired: boolean;
    /** The OIDC scopes of `scopes` this grant holds, space-separated. */
    getOIDCScopeFiltered(scopes: Set<string>): string;
    getRejectedOIDCClaims(): string[];
    /** A new id (oidc-provider assigns one at the first save when `jti` is unset). */
    generateTokenId(): string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface TokenInstance {
    scope?: string;
    expiration: number;
    resourceServer?: unknown;
    save(): Promise<string>;
    [key: string]: unknown;
  }

  /** A stored refresh token as oidc-provider loads it (models/refresh_token.js). */
  export interface RefreshTokenInstance {
    jti: string;
    accountId: string;
    clientId: string;
    grantId: string;
    scope?: string;
    readonly scopes: Set<string>;
    gty?: string;
    acr?: string;
    amr?: string[];
    authTime?: number;
    sid?: string;
    sessionUid?: string;
    expiresWithSession?: boolean;
    resource?: string | string[];
    claims?: Record<string, unknown>;
    rar?: unknown;
    consumed?: unknown;
    jkt?: string;
    'x5t#S256'?: string;
    readonly isExpired: boolean;
    iiat?: number;
    rotations?: number;
    nonce?: string;
    /** Marks it used (the adapter's consume: Auth0's reuse leeway applies). */
    consume(): Promise<void>;
  }

  export interface IdTokenInstance {
    scope: string;
    /** The claims `issue` signs, before it adds aud, exp, iat, iss and sub. */
    payload(): Promise<Record<string, unknown>>;
    mask: Record<string, unknown>;
    rejected: string[];
    set(key: string, value: unknown): void;
    issue(opts: { use: 'idtoken' }): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): this;
    on(event: string, listener: (...args: never[]) => void): this;
    registerResponseMode(name: string, handler: (ctx: KoaContext, redirectUri: string, response: Record<string, unknown>) => void | Promise<void>): void;
    registerGrantType(name: string, handler: (ctx: KoaContext) => Promise<void>, params?: string[], dupes?: string[]): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    createContext(req: IncomingMessage, res: ServerResponse): KoaContext;
    readonly Grant: {
      new (props: { clientId: string; accountId: string }): GrantInstance;
      find(id: string, opts?: { ignoreExpiration?: boolean }): Promise<GrantInstance | undefined>;
    };
    readonly AccessToken: new (props: Record<string, unknown>) => TokenInstance;
    readonly RefreshToken: {
      new (props: Record<string, unknown>): TokenInstance;
      find(value: string, opts?: { ignoreExpiration?: boolean }): Promise<RefreshTokenInstance | undefined>;
    };
    readonly Client: { find(id: string): Promise<ClientInstance | undefined> };
    readonly IdToken: new (claims: Record<string, unknown>, opts: { ctx?: KoaContext; client?: ClientInstance }) => IdTokenInstance;
    readonly ResourceServer: new (identifier: string, info: Record<string, unknown>) => unknown;
    readonly Session: { get(ctx: KoaContext): Promise<{ accountId?: string; destroy(): Promise<void> }> };
  }

  export class OIDCProviderError extends Error {
    error: string;
    error_description?: string;
    error_detail?: string;
    status: number;
    statusCode: number;
    expose: boolean;
  }

  export const errors: {
    OIDCProviderError: typeof OIDCProviderError;
    CustomOIDCProviderError: new (error: string, description?: string) => OIDCProviderError;
    InvalidGrant: new (detail?: string) => OIDCProviderError;
    InvalidRequest: new (description?: string) => OIDCProviderError;
    InvalidTarget: new (description?: string) => OIDCProviderError;
    AccessDenied: new (description?: string) => OIDCProviderError;
  };

  export default Provider;
}
