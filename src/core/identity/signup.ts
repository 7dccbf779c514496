import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Connection } from './connections.js';
import { checkPassword, describePolicy, type PolicyReport } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import type { UserRepository } from './ports.js';
import { buildDatabaseUser, type User } from './users.js';

export interface SignupInput {
  email: string;
  password: string;
  username?: string | undefined;
  name?: string | undefined;
  nickname?: string | undefined;
  picture?: string | undefined;
  given_name?: string | undefined;
  family_name?: string | undefined;
  user_metadata?: Record<string, string> | undefined;
}

export type SignupOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_password'; report: PolicyReport; policy: string }
  | { ok: false; reason: 'user_exists' | 'signup_disabled' | 'invalid_email' };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Database-connection sign-up (auth0-api.md §1.8): email format, password policy, then create. */
export class DatabaseSignup {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async signup(connection: Connection, input: SignupInput): Promise<SignupOutcome> {
    if (connection.options.disable_signup) return { ok: false, reason: 'signup_disabled' };
    if (!EMAIL.test(input.email) || input.email.length > 320) return { ok: false, reason: 'invalid_email' };
    const report = checkPassword(input.password, connection.options.passwordPolicy, connection.options.password_complexity_options?.min_length);
    if (!report.verified) return { ok: false, reason: 'invalid_password', report, policy: describePolicy(report) };
    if (await this.users.findByEmail(connection.id, input.email)) {
      await this.hasher.hash(input.password); // same cost as a real sign-up
      return { ok: false, reason: 'user_exists' };
    }
    const profile: Record<string, unknown> = {};
    if (input.given_name) profile['given_name'] = input.given_name;
    if (input.family_name) profile['family_name'] = input.family_name;
    const user = buildDatabaseUser(
      {
        connection,
        email: input.email,
        password_hash: await this.hasher.hash(input.password),
        username: input.username,
        name: input.name,
        nickname: input.nickname,
        picture: input.picture,
        user_metadata: input.user_metadata,
        profile,
      },
      this.clock.now(),
    );
    try {
      await this.users.create(user);
    } catch (e) {
      if (e instanceof AppError && e.code === 'AlreadyExists') return { ok: false, reason: 'user_exists' };
      throw e;
    }
    return { ok: true, user };
  }
}
