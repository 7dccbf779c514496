import type { Account } from 'oidc-provider';
import { userClaims, type User } from '../../core/identity/users.js';
import type { Auth0Services } from './services.js';

/** oidc-provider's findAccount: users by user_id; blocked or deleted users have no account (no SSO, no refresh). */
export async function findAccount(s: Auth0Services, sub: string): Promise<Account | undefined> {
  const user = await s.users.findById(sub);
  return user && accountOf(user);
}

/** The account of a user just read (e.g. by the password check); blocked users have none. */
export function accountOf(user: User): Account | undefined {
  if (user.blocked) return undefined;
  const claims = userClaims(user);
  return { accountId: user.user_id, claims: () => claims };
}

/** Claims per scope (auth0-api.md §2.1, §1.10). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'nickname', 'picture', 'given_name', 'family_name', 'middle_name', 'preferred_username', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  sid: null,
  auth_time: null,
  acr: null,
  iss: null,
} as const;
