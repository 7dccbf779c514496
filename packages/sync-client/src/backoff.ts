/** Bounded exponential backoff with full jitter. */
export interface BackoffOptions {
  /** First delay in ms. */
  baseMs: number;
  /** Upper bound of any delay in ms. */
  maxMs: number;
}

/** Delay before retry number `attempt` (1-based): random in [base·2^(attempt-1) / 2, base·2^(attempt-1)], capped. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
