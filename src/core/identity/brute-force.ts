import type { Clock } from '../clock.js';

/**
 * Brute-force protection (auth0-api.md §5): after `maxAttempts` consecutive failures for one
 * identifier from one IP, logins for that pair are refused with `too_many_attempts` until an
 * unblock (password change, admin) or `blockMs` after the last failure (Auth0: 30 days).
 */
export interface FailureCounter {
  /** Failures so far for the pair and whether it is blocked (blocked_at set). */
  get(identifierKey: string, ip: string): Promise<{ count: number; lastFailureAt: number; blockedAt: number | null } | undefined>;
  /** Adds one failure; sets blocked_at once `count` reaches `threshold`. Returns the new count. */
  increment(identifierKey: string, ip: string, at: number, threshold: number): Promise<number>;
  /** Forgets the pair (successful login). */
  reset(identifierKey: string, ip: string): Promise<void>;
  /** Forgets every pair of the identifier (password change, admin unblock). */
  resetIdentifier(identifierKey: string): Promise<void>;
}

export interface BruteForceSettings {
  enabled: boolean;
  maxAttempts: number;
  blockMs: number;
  allowlist: readonly string[];
}

export const DEFAULT_BRUTE_FORCE: BruteForceSettings = { enabled: true, maxAttempts: 10, blockMs: 30 * 24 * 3600 * 1000, allowlist: [] };

/** Auth0's lockout text (§1.4 "brute-force lockout"). */
export const BLOCKED_MESSAGE =
  'Your account has been blocked after multiple consecutive login attempts. We\u2019ve sent you an email with instructions on how to unblock it.';

export class BruteForceGuard {
  constructor(
    private readonly counter: FailureCounter,
    private readonly clock: Clock,
    private readonly settings: BruteForceSettings = DEFAULT_BRUTE_FORCE,
  ) {}

  #applies(ip: string, connectionEnabled: boolean): boolean {
    return this.settings.enabled && connectionEnabled && !this.settings.allowlist.includes(ip);
  }

  /** `blocked`: refuse the login; `failures`: earlier failures to forget on success; `clear`: nothing recorded. */
  async status(identifier: string, ip: string, connectionEnabled = true): Promise<'clear' | 'failures' | 'blocked'> {
    if (!this.#applies(ip, connectionEnabled)) return 'clear';
    const row = await this.counter.get(identifier.toLowerCase(), ip);
    if (!row) return 'clear';
    if (row.blockedAt !== null && this.clock.now() - row.lastFailureAt < this.settings.blockMs) return 'blocked';
    return 'failures';
  }

  async recordFailure(identifier: string, ip: string, connectionEnabled = true): Promise<void> {
    if (!this.#applies(ip, connectionEnabled)) return;
    await this.counter.increment(identifier.toLowerCase(), ip, this.clock.now(), this.settings.maxAttempts);
  }

  /** Call only when `status` said `failures`: a clean login costs no write. */
  async recordSuccess(identifier: string, ip: string): Promise<void> {
    await this.counter.reset(identifier.toLowerCase(), ip);
  }

  async unblock(identifier: string): Promise<void> {
    await this.counter.resetIdentifier(identifier.toLowerCase());
  }
}
