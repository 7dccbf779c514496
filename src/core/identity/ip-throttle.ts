import type { Clock } from '../clock.js';
import { ipRangeMatcher } from '../ip-ranges.js';

/**
 * Suspicious IP throttling (auth0-api.md §5, §4.3 attack protection): failures are counted per
 * IP across every identifier, as a token bucket per stage. An IP starts with `max_attempts`;
 * each counted attempt takes one and one comes back every `rate` ms. With none left, the stage
 * refuses the IP (429 `too_many_attempts`) until one has come back, an administrator releases it
 * (`DELETE /api/v2/anomaly/blocks/ips/{ip}`), or it is allowlisted. Brute-force protection
 * (brute-force.ts) counts per identifier and IP; this catches one address trying many accounts.
 *
 * `pre-login` counts failed logins (wrong or unknown credentials); a good login costs nothing.
 * `pre-user-registration` counts sign-up attempts.
 */
export type ThrottleStage = 'pre-login' | 'pre-user-registration';
export const THROTTLE_STAGES: readonly ThrottleStage[] = ['pre-login', 'pre-user-registration'];

export interface StageLimits {
  max_attempts: number;
  /** Milliseconds per attempt regained. */
  rate: number;
}

/** Auth0's `/attack-protection/suspicious-ip-throttling` object. */
export interface SuspiciousIpThrottling {
  enabled: boolean;
  /** `block` refuses throttled IPs; without it attempts are only logged (`admin_notification`). */
  shields: string[];
  /** IPs and CIDR ranges never throttled. */
  allowlist: string[];
  stage: Record<ThrottleStage, StageLimits>;
}

/** Auth0's defaults: 100 failed logins, one back every 14.4 min (a day to refill); 50 sign-ups, one back every 1.2 s. */
export const DEFAULT_IP_THROTTLING: SuspiciousIpThrottling = {
  enabled: true,
  shields: ['admin_notification', 'block'],
  allowlist: [],
  stage: { 'pre-login': { max_attempts: 100, rate: 864_000 }, 'pre-user-registration': { max_attempts: 50, rate: 1_200 } },
};

/** Auth0's answer to a throttled IP. */
export const SUSPICIOUS_IP_MESSAGE = 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.';

/** Attempts used by an IP in a stage, as of `at` (ms); regained attempts are subtracted when read. */
export interface AttemptsUsed {
  used: number;
  at: number;
}

/** Where buckets live; implemented in storage/repositories/auth0-ip-attempts.ts. */
export interface IpAttemptStore {
  get(stage: ThrottleStage, ip: string): Promise<AttemptsUsed | undefined>;
  /** Sets the bucket to `next(current)` in one transaction (current undefined: none stored). */
  update(stage: ThrottleStage, ip: string, next: (current: AttemptsUsed | undefined) => AttemptsUsed): Promise<AttemptsUsed>;
  /** Forgets every stage's bucket of `ip`. */
  clear(ip: string): Promise<void>;
}

/** Attempts still in use at `now`: what was used, less one per `rate` ms since. */
export function usedAt(bucket: AttemptsUsed | undefined, now: number, limits: StageLimits): number {
  if (!bucket) return 0;
  const regained = limits.rate > 0 ? Math.max(0, now - bucket.at) / limits.rate : Infinity;
  return Math.max(0, bucket.used - regained);
}

/** True when no whole attempt is left. */
export const exhausted = (used: number, limits: StageLimits): boolean => used > limits.max_attempts - 1;

export class IpThrottle {
  #allowed: { entries: readonly string[]; matches: (ip: string) => boolean } | undefined;

  constructor(
    private readonly store: IpAttemptStore,
    private readonly settings: () => Promise<SuspiciousIpThrottling>,
    private readonly clock: Clock,
  ) {}

  async #applies(ip: string): Promise<SuspiciousIpThrottling | undefined> {
    const s = await this.settings();
    if (!s.enabled) return undefined;
    if (this.#allowed?.entries !== s.allowlist) this.#allowed = { entries: s.allowlist, matches: ipRangeMatcher(s.allowlist) };
    return this.#allowed.matches(ip) ? undefined : s;
  }

  /** Whether `ip` has no attempt left in `stage` (true only when the `block` shield is on). */
  async refused(stage: ThrottleStage, ip: string): Promise<boolean> {
    const s = await this.#applies(ip);
    if (!s || !s.shields.includes('block')) return false;
    const limits = s.stage[stage];
    return exhausted(usedAt(await this.store.get(stage, ip), this.clock.now(), limits), limits);
  }

  /** Takes one attempt of `ip` in `stage`; returns true when that used the last one. */
  async take(stage: ThrottleStage, ip: string): Promise<boolean> {
    const s = await this.#applies(ip);
    if (!s) return false;
    const limits = s.stage[stage];
    const now = this.clock.now();
    const after = await this.store.update(stage, ip, (current) => ({ used: Math.min(limits.max_attempts, usedAt(current, now, limits) + 1), at: now }));
    return exhausted(after.used, limits);
  }

  /** An attempt that counts whatever its outcome (a sign-up): false when refused, else one is taken. */
  async admit(stage: ThrottleStage, ip: string): Promise<boolean> {
    if (await this.refused(stage, ip)) return false;
    await this.take(stage, ip);
    return true;
  }

  /** Whether `ip` is refused in any stage now (Management API `GET /anomaly/blocks/ips/{ip}`). */
  async blockedAnywhere(ip: string): Promise<boolean> {
    for (const stage of THROTTLE_STAGES) if (await this.refused(stage, ip)) return true;
    return false;
  }

  /** Gives `ip` all its attempts back, in every stage. */
  async release(ip: string): Promise<void> {
    await this.store.clear(ip);
  }
}
