/**
 * Authentication API rate limits (auth0-api.md §5 "Rate limits", §1.1 headers): fixed windows
 * per bucket key, in process memory (each worker counts its own share). Defaults are generous
 * so that benchmarks of legitimate traffic are never capped; tighten with COGNATE_AUTH0_RATE_* later.
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

export const RATE_RULES = {
  /** every Authentication API request, per IP */
  global: { limit: 100_000, windowMs: 60_000 },
  /** /dbconnections/change_password per IP + email: Auth0's burst of 10, then 1/min (§1.8) */
  changePassword: { limit: 10, windowMs: 60_000 },
  /** /dbconnections/signup per IP (Auth0: 50/min; raised for load tests) */
  signup: { limit: 10_000, windowMs: 60_000 },
} as const satisfies Record<string, RateRule>;

export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number) {}

  hit(key: string, rule: RateRule): RateDecision {
    const now = this.now();
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

export const rateLimitHeaders = (d: RateDecision): Record<string, string> => ({
  'x-ratelimit-limit': String(d.limit),
  'x-ratelimit-remaining': String(d.remaining),
  'x-ratelimit-reset': String(d.reset),
});
