import { randomBytes } from 'node:crypto';

/** An API (resource server) in Auth0's shape (auth0-api.md §4.3). Lifetimes in seconds. */
export interface ResourceServer {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: { value: string; description?: string }[];
  signing_alg: 'RS256' | 'HS256';
  /**
   * The HS256 key of the API's access tokens (its UTF-8 bytes), when `signing_alg` is HS256.
   * Every custom API has one, as on Auth0, whatever its algorithm; the system API (the
   * Management API, always RS256) has none. Sealed at rest (storage/repositories/auth0-apis.ts).
   */
  signing_secret?: string;
  allow_offline_access: boolean;
  token_lifetime: number;
  token_lifetime_for_web: number;
  skip_consent_for_verifiable_first_party_clients: boolean;
  enforce_policies: boolean;
  token_dialect: 'access_token' | 'access_token_authz' | 'rfc9068_profile' | 'rfc9068_profile_authz';
  created_at: number;
  updated_at: number;
}

/** A client grant: which scopes of an API a client may get with client_credentials (§4.1). */
export interface ClientGrant {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
  created_at: number;
}

const hexId = (prefix: string, bytes: number): string => `${prefix}${randomBytes(bytes).toString('hex')}`;
export const newResourceServerId = (): string => hexId('', 12);
export const newClientGrantId = (): string => hexId('cgr_', 8);

/** Auth0's lower bound for an API's signing secret (Management API schema, `minLength: 16`). */
export const SIGNING_SECRET_MIN = 16;

/**
 * A new API signing secret: 384 random bits as 64 base64url characters (like a client secret),
 * well above RFC 7518 §3.2's "key of the same size as the hash output (256 bits) or larger".
 */
export const newSigningSecret = (): string => randomBytes(48).toString('base64url');

export function buildResourceServer(input: { identifier: string; name: string; is_system?: boolean; scopes?: ResourceServer['scopes'] }, now: number): ResourceServer {
  const isSystem = input.is_system ?? false;
  return {
    id: newResourceServerId(),
    name: input.name,
    identifier: input.identifier,
    is_system: isSystem,
    scopes: input.scopes ?? [],
    signing_alg: 'RS256',
    ...(isSystem ? {} : { signing_secret: newSigningSecret() }),
    allow_offline_access: false,
    token_lifetime: 86_400,
    token_lifetime_for_web: 7_200,
    skip_consent_for_verifiable_first_party_clients: true,
    enforce_policies: false,
    token_dialect: 'access_token',
    created_at: now,
    updated_at: now,
  };
}

/** Management API scopes granted to the bootstrapped machine-to-machine client (§4.3 "Scopes"). */
export const MANAGEMENT_SCOPES: readonly string[] = [
  'read:users', 'create:users', 'update:users', 'delete:users', 'read:users_app_metadata', 'update:users_app_metadata',
  'create:users_app_metadata', 'delete:users_app_metadata', 'read:user_idp_tokens', 'read:clients', 'read:client_keys',
  'create:clients', 'update:clients', 'delete:clients', 'read:connections', 'create:connections', 'update:connections',
  'delete:connections', 'read:resource_servers', 'create:resource_servers', 'update:resource_servers',
  'delete:resource_servers', 'read:client_grants', 'create:client_grants', 'update:client_grants', 'delete:client_grants',
  'read:logs', 'read:logs_users', 'read:signing_keys', 'create:signing_keys', 'update:signing_keys', 'create:user_tickets',
  'read:user_blocks', 'delete:user_blocks', 'read:anomaly_blocks', 'delete:anomaly_blocks', 'read:attack_protection', 'update:attack_protection', 'read:tenant_settings',
  'update:tenant_settings', 'read:jobs', 'create:jobs',
];

export interface ResourceServerRepository {
  findByIdentifier(identifier: string): Promise<ResourceServer | undefined>;
  findSystem(): Promise<ResourceServer | undefined>;
  /** Inserts, or (for the system API) moves its identifier and its grants to a new issuer, in one transaction. */
  upsertSystem(server: ResourceServer): Promise<void>;
  insert(server: ResourceServer): Promise<void>;
  findGrant(clientId: string, audience: string): Promise<ClientGrant | undefined>;
  insertGrantIfAbsent(grant: ClientGrant): Promise<void>;
  /**
   * Gives every custom API stored without a signing secret (those from before secrets existed)
   * a new one, in one transaction; safe for racing workers (a secret, once set, stays).
   */
  ensureSigningSecrets(): Promise<void>;
}
