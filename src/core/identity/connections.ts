import { randomBytes } from 'node:crypto';
import type { PasswordPolicyLevel } from './password-policy.js';

/** The database connection every tenant starts with (auth0-api.md §3.1). */
export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

/** Options of a database (`auth0` strategy) connection that Cognate honours. */
export interface DatabaseConnectionOptions {
  passwordPolicy: PasswordPolicyLevel;
  password_complexity_options?: { min_length?: number };
  brute_force_protection: boolean;
  requires_username?: boolean;
  disable_signup?: boolean;
  [key: string]: unknown;
}

export interface Connection {
  id: string;
  name: string;
  display_name?: string;
  strategy: string;
  options: DatabaseConnectionOptions;
  enabled_clients: string[];
  is_domain_connection: boolean;
  realms: string[];
  metadata: Record<string, string>;
  created_at: number;
  updated_at: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `con_` + 16 alphanumerics (§3.1). */
export function newConnectionId(): string {
  const bytes = randomBytes(16);
  let out = 'con_';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export function buildDatabaseConnection(name: string, enabledClients: string[], now: number): Connection {
  return {
    id: newConnectionId(),
    name,
    strategy: 'auth0',
    options: { passwordPolicy: 'good', brute_force_protection: true, requires_username: false, disable_signup: false },
    enabled_clients: enabledClients,
    is_domain_connection: false,
    realms: [name],
    metadata: {},
    created_at: now,
    updated_at: now,
  };
}

export const isEnabledFor = (connection: Connection, clientId: string): boolean => connection.enabled_clients.includes(clientId);
