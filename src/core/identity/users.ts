import { createHash, randomBytes } from 'node:crypto';

/** An identity of a user (auth0-api.md §3.3); identities[0] is the primary. */
export interface Identity {
  connection: string;
  provider: string;
  /** The part of user_id after `provider|`. */
  user_id: string;
  isSocial: boolean;
  profileData?: Record<string, unknown>;
}

/** Profile attributes beyond the indexed columns (given_name, family_name, phone_number, locale…). */
export type ExtraProfile = Record<string, unknown>;

/** A user of the tenant, in Auth0's vocabulary (§3.3). Timestamps are epoch milliseconds. */
export interface User {
  user_id: string;
  connection_id: string;
  email: string | null;
  email_verified: boolean;
  username: string | null;
  /** PHC string (argon2id, or an imported scheme), null for users without a password. */
  password_hash: string | null;
  name: string | null;
  nickname: string | null;
  picture: string | null;
  blocked: boolean;
  logins_count: number;
  last_login: number | null;
  last_ip: string | null;
  last_password_reset: number | null;
  user_metadata: Record<string, unknown>;
  app_metadata: Record<string, unknown>;
  identities: Identity[];
  profile: ExtraProfile;
  created_at: number;
  updated_at: number;
}

/** `auth0|` + 24 lower-case hex characters, like a MongoDB ObjectId (§2.1). */
export const newDatabaseUserId = (): string => `auth0|${randomBytes(12).toString('hex')}`;

/** Database emails are stored and compared lower-case (§3.3). */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/** Gravatar with Auth0's initials fallback (§2.1 database-user defaults). */
export function defaultPicture(email: string): string {
  const hash = createHash('md5').update(emailKey(email)).digest('hex');
  const initials = emailKey(email).replace(/[^a-z]/g, '').slice(0, 2) || 'un';
  return `https://s.gravatar.com/avatar/${hash}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${initials}.png`;
}

export interface NewDatabaseUser {
  connection: { id: string; name: string };
  email: string;
  password_hash: string | null;
  username?: string | undefined;
  email_verified?: boolean | undefined;
  name?: string | undefined;
  nickname?: string | undefined;
  picture?: string | undefined;
  user_metadata?: Record<string, unknown> | undefined;
  app_metadata?: Record<string, unknown> | undefined;
  profile?: ExtraProfile | undefined;
  user_id?: string | undefined;
}

/** A new database-connection user with Auth0's defaults: name = email, nickname = local part (§10.18). */
export function buildDatabaseUser(input: NewDatabaseUser, now: number): User {
  const email = emailKey(input.email);
  const userId = input.user_id ?? newDatabaseUserId();
  return {
    user_id: userId,
    connection_id: input.connection.id,
    email,
    email_verified: input.email_verified ?? false,
    username: input.username?.toLowerCase() ?? null,
    password_hash: input.password_hash,
    name: input.name ?? email,
    nickname: input.nickname ?? email.split('@')[0] ?? email,
    picture: input.picture ?? defaultPicture(email),
    blocked: false,
    logins_count: 0,
    last_login: null,
    last_ip: null,
    last_password_reset: null,
    user_metadata: input.user_metadata ?? {},
    app_metadata: input.app_metadata ?? {},
    identities: [{ connection: input.connection.name, provider: 'auth0', user_id: userId.slice(userId.indexOf('|') + 1), isSocial: false }],
    profile: input.profile ?? {},
    created_at: now,
    updated_at: now,
  };
}

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(ms).toISOString());

/** The user as Auth0 returns it (Management API / profile): ISO timestamps, no password hash. */
export function toAuth0User(user: User): Record<string, unknown> {
  return {
    user_id: user.user_id,
    email: user.email ?? undefined,
    email_verified: user.email_verified,
    username: user.username ?? undefined,
    name: user.name ?? undefined,
    nickname: user.nickname ?? undefined,
    picture: user.picture ?? undefined,
    ...user.profile,
    identities: user.identities,
    user_metadata: user.user_metadata,
    app_metadata: user.app_metadata,
    blocked: user.blocked || undefined,
    logins_count: user.logins_count,
    last_login: iso(user.last_login),
    last_ip: user.last_ip ?? undefined,
    last_password_reset: iso(user.last_password_reset),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
  };
}

/** OIDC standard claims of a user (§2.1, §1.10); `updated_at` is an ISO string as Auth0 sends it. */
export function userClaims(user: User): Record<string, unknown> {
  const p = user.profile;
  return {
    sub: user.user_id,
    name: user.name ?? undefined,
    nickname: user.nickname ?? undefined,
    picture: user.picture ?? undefined,
    given_name: p['given_name'],
    family_name: p['family_name'],
    middle_name: p['middle_name'],
    preferred_username: user.username ?? undefined,
    locale: p['locale'],
    updated_at: new Date(user.updated_at).toISOString(),
    email: user.email ?? undefined,
    email_verified: user.email_verified,
    phone_number: p['phone_number'],
    phone_number_verified: p['phone_verified'],
  };
}
