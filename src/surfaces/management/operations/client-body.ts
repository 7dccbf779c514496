import { APP_TYPES, type AppType, type Application, type TokenEndpointAuthMethod } from '../../../core/oauth/applications.js';
import { badPayload } from '../errors.js';
import { compact, objectBody, optBool, optInt, optObject, optStr, optStrArray, type Json } from '../shapes.js';

/** Client properties Cognate stores (auth0-api.md §4.3 Clients); anything else is a 400. */
export const CLIENT_PROPS = [
  'name', 'description', 'app_type', 'is_first_party', 'oidc_conformant', 'callbacks', 'allowed_logout_urls', 'allowed_origins',
  'web_origins', 'grant_types', 'jwt_configuration', 'token_endpoint_auth_method', 'refresh_token', 'cross_origin_authentication',
  'is_token_endpoint_ip_header_trusted', 'sso_disabled', 'client_metadata',
];

const URLS = { max: 2048, maxItems: 200 };
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_post', 'client_secret_basic'];
const GRANT_TYPE = /^[A-Za-z0-9_:./\-]{1,200}$/;

function oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T | undefined {
  const v = optStr(o, key);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw badPayload(`No enum match for: "${v.slice(0, 60)}"`, key);
  return v as T;
}

function clientMetadata(o: Json): Record<string, string> | undefined {
  const meta = optObject(o, 'client_metadata');
  if (!meta) return undefined;
  const entries = Object.entries(meta);
  if (entries.length > 10) throw badPayload('Too many properties (maximum 10)', 'client_metadata');
  for (const [k, v] of entries) {
    if (k.length > 255 || typeof v !== 'string' || v.length > 255) throw badPayload('Expected string values of at most 255 characters', 'client_metadata');
  }
  return meta as Record<string, string>;
}

/** Validates a create/patch body and applies it onto `app` (a copy). */
export function applyClientBody(app: Application, body: unknown, now: number): Application {
  const o = objectBody(body, CLIENT_PROPS);
  const next: Application = { ...app, updated_at: now };
  const name = optStr(o, 'name', { min: 1, max: 256, pattern: /^[^<>]+$/ });
  if (name !== undefined) next.name = name;
  const description = optStr(o, 'description', { max: 140 });
  if (description !== undefined) next.description = description;
  next.app_type = oneOf<AppType>(o, 'app_type', APP_TYPES) ?? next.app_type;
  for (const k of ['callbacks', 'allowed_logout_urls', 'allowed_origins', 'web_origins'] as const) next[k] = optStrArray(o, k, URLS) ?? next[k];
  next.grant_types = optStrArray(o, 'grant_types', { pattern: GRANT_TYPE, maxItems: 20 }) ?? next.grant_types;
  next.token_endpoint_auth_method = oneOf(o, 'token_endpoint_auth_method', AUTH_METHODS) ?? next.token_endpoint_auth_method;
  for (const k of ['is_first_party', 'oidc_conformant', 'cross_origin_authentication', 'is_token_endpoint_ip_header_trusted', 'sso_disabled'] as const) {
    next[k] = optBool(o, k) ?? next[k];
  }
  next.client_metadata = clientMetadata(o) ?? next.client_metadata;
  const jwt = optObject(o, 'jwt_configuration');
  if (jwt) {
    const j = objectBody(jwt, ['alg', 'lifetime_in_seconds', 'secret_encoded', 'scopes']);
    next.jwt_configuration = {
      alg: oneOf(j, 'alg', ['RS256', 'HS256'] as const) ?? next.jwt_configuration.alg,
      lifetime_in_seconds: optInt(j, 'lifetime_in_seconds', 1, 2_592_000) ?? next.jwt_configuration.lifetime_in_seconds,
      secret_encoded: optBool(j, 'secret_encoded') ?? next.jwt_configuration.secret_encoded,
    };
  }
  const rt = optObject(o, 'refresh_token');
  if (rt) {
    const r = objectBody(rt, ['rotation_type', 'expiration_type', 'leeway', 'token_lifetime', 'idle_token_lifetime', 'infinite_token_lifetime', 'infinite_idle_token_lifetime']);
    const cur = next.refresh_token;
    next.refresh_token = {
      rotation_type: oneOf(r, 'rotation_type', ['rotating', 'non-rotating'] as const) ?? cur.rotation_type,
      expiration_type: oneOf(r, 'expiration_type', ['expiring', 'non-expiring'] as const) ?? cur.expiration_type,
      leeway: optInt(r, 'leeway', 0, 60) ?? cur.leeway,
      token_lifetime: optInt(r, 'token_lifetime', 1, 31_557_600) ?? cur.token_lifetime,
      idle_token_lifetime: optInt(r, 'idle_token_lifetime', 1, 31_557_600) ?? cur.idle_token_lifetime,
      infinite_token_lifetime: optBool(r, 'infinite_token_lifetime') ?? cur.infinite_token_lifetime,
      infinite_idle_token_lifetime: optBool(r, 'infinite_idle_token_lifetime') ?? cur.infinite_idle_token_lifetime,
    };
  }
  return next;
}

/** The client as Auth0 returns it; `client_secret` only with `read:client_keys` (§4.3 Scopes). */
export function clientBody(app: Application, secret: string | null, showSecret: boolean): Json {
  const { system_role: _role, created_at: _c, updated_at: _u, ...rest } = app;
  return compact({ ...rest, global: false, callback_url_template: false, client_secret: showSecret && secret !== null ? secret : undefined });
}
