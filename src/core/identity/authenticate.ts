import type { Clock } from '../clock.js';
import type { BruteForceGuard } from './brute-force.js';
import type { Connection } from './connections.js';
import type { IpThrottle } from './ip-throttle.js';
import type { PasswordHasher } from './passwords.js';
import type { UserRepository } from './ports.js';
import type { User } from './users.js';

export type LoginOutcome =
  | { ok: true; user: User }
  /** Unknown user and wrong password are one outcome: no user enumeration (auth0-api.md §1.4). */
  /** too_many_attempts: brute-force protection (this identifier from this IP); suspicious_ip: this IP failed too often. */
  | { ok: false; reason: 'wrong_credentials' | 'blocked_user' | 'too_many_attempts' | 'suspicious_ip' };

/**
 * Username/password login against a database connection: suspicious IP throttling (failed logins
 * per IP, ip-throttle.ts) and brute-force checks before any password work, constant-ish time
 * for unknown users (a dummy argon2 verification), upgrade-on-login of weaker hashes, and the
 * login bookkeeping (logins_count, last_login, last_ip).
 */
export class PasswordAuthenticator {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly guard: BruteForceGuard,
    private readonly throttle: IpThrottle,
    private readonly clock: Clock,
  ) {}

  async login(connection: Connection, identifier: string, password: string, ip: string): Promise<LoginOutcome> {
    if (await this.throttle.refused('pre-login', ip)) return { ok: false, reason: 'suspicious_ip' };
    const bfp = connection.options.brute_force_protection !== false;
    const guard = await this.guard.status(identifier, ip, bfp);
    if (guard === 'blocked') return { ok: false, reason: 'too_many_attempts' };
    const user = identifier.includes('@')
      ? await this.users.findByEmail(connection.id, identifier)
      : await this.users.findByUsername(connection.id, identifier);
    const verified = user?.password_hash ? await this.hasher.verify(user.password_hash, password) : { ok: await this.hasher.verifyDummy(password) };
    if (!user || !verified.ok) {
      await this.guard.recordFailure(identifier, ip, bfp);
      await this.throttle.take('pre-login', ip);
      return { ok: false, reason: 'wrong_credentials' };
    }
    if (user.blocked) return { ok: false, reason: 'blocked_user' };
    if (guard === 'failures') await this.guard.recordSuccess(identifier, ip);
    const now = this.clock.now();
    await this.users.recordLogin(user.user_id, now, ip, verified.rehash);
    return { ok: true, user: { ...user, logins_count: user.logins_count + 1, last_login: now, last_ip: ip } };
  }
}
