/**
 * Authentication API rate limits (auth0-api.md §5 "Rate limits", §1.1 headers): fixed windows
 * per bucket key, in process memory (each worker counts its own share). Limits come from the
 * config (`--auth0-rate-limit`, `--auth0-signup-rate-limit`, `--auth0-change-password-rate-limit`,
 * env COGNATE_AUTH0_*). By default no volume limit applies to the Authentication API as a whole: legitimate
 * traffic is never capped, and abuse is throttled by its failures (core/identity/ip-throttle.ts, brute-force.ts).
 */
export interface RateRule {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** epoch seconds when the window resets */
  reset: number;
}

export type RateRuleName = 'global' | 'signup' | 'changePassword';
export type RateRules = Record<RateRuleName, RateRule>;

/** The rules from the configured per-minute limits (config `--auth0-*rate-limit`; 0 means unlimited). */
export function rateRules(perMinute: Record<RateRuleName, number>): RateRules {
  return {
    /** every Authentication API request, per IP */
    global: { limit: perMinute.global, windowMs: 60_000 },
    /** /dbconnections/signup per IP (Auth0: 50/min) */
    signup: { limit: perMinute.signup, windowMs: 60_000 },
    /** /dbconnections/change_password per IP + email: Auth0's burst of 10 (§1.8) */
    changePassword: { limit: perMinute.changePassword, windowMs: 60_000 },
  };
}

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number) {}

  /** Counts one hit of `key` under `rule`; a limit of 0 is unlimited (never counted). */
  hit(key: string, rule: RateRule): RateDecision {
    const now = this.now();
    if (rule.limit === 0) return { allowed: true, limit: 0, remaining: 0, reset: Math.ceil((now + rule.windowMs) / 1000) };
    let w = this.#windows.get(key);
    if (!w || now - w.start >= rule.windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 50_000) this.#sweep(now, rule.windowMs);
    }
    w.count++;
    return { allowed: w.count <= rule.limit, limit: rule.limit, remaining: Math.max(0, rule.limit - w.count), reset: Math.ceil((w.start + rule.windowMs) / 1000) };
  }

  #sweep(now: number, windowMs: number): void {
    for (const [k, w] of this.#windows) if (now - w.start >= windowMs) this.#windows.delete(k);
  }
}

/** X-RateLimit-* headers of a decision; none for an unlimited rule. */
export const rateLimitHeaders = (d: RateDecision): Record<string, string> =>
  d.limit === 0 ? {} : { 'x-ratelimit-limit': String(d.limit), 'x-ratelimit-remaining': String(d.remaining), 'x-ratelimit-reset': String(d.reset) };
