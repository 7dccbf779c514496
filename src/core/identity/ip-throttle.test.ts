import { describe, expect, it } from 'vitest';
import { ipRangeMatcher, isIpOrRange } from '../ip-ranges.js';
import { DEFAULT_IP_THROTTLING, exhausted, IpThrottle, usedAt, type AttemptsUsed, type IpAttemptStore, type SuspiciousIpThrottling } from './ip-throttle.js';

class MemoryStore implements IpAttemptStore {
  readonly rows = new Map<string, AttemptsUsed>();
  async get(stage: string, ip: string) {
    return this.rows.get(`${stage} ${ip}`);
  }
  async update(stage: string, ip: string, next: (c: AttemptsUsed | undefined) => AttemptsUsed) {
    const value = next(this.rows.get(`${stage} ${ip}`));
    this.rows.set(`${stage} ${ip}`, value);
    return value;
  }
  async clear(ip: string) {
    for (const k of [...this.rows.keys()]) if (k.endsWith(` ${ip}`)) this.rows.delete(k);
  }
}

function throttle(settings: Partial<SuspiciousIpThrottling> = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const store = new MemoryStore();
  const s: SuspiciousIpThrottling = { ...DEFAULT_IP_THROTTLING, stage: { 'pre-login': { max_attempts: 3, rate: 1_000 }, 'pre-user-registration': { max_attempts: 2, rate: 500 } }, ...settings };
  return { clock, store, t: new IpThrottle(store, async () => s, clock) };
}

describe('suspicious IP throttling buckets', () => {
  it('regains one attempt per rate, never below zero used', () => {
    const limits = { max_attempts: 3, rate: 1_000 };
    expect(usedAt(undefined, 5, limits)).toBe(0);
    expect(usedAt({ used: 3, at: 0 }, 500, limits)).toBe(2.5);
    expect(usedAt({ used: 3, at: 0 }, 10_000, limits)).toBe(0);
    expect(exhausted(2.5, limits)).toBe(true);
    expect(exhausted(2, limits)).toBe(false);
  });

  it('refuses once max_attempts are used, lets one through per rate after, and releases', async () => {
    const { t, clock } = throttle();
    for (let i = 0; i < 2; i++) expect(await t.take('pre-login', '10.0.0.1')).toBe(false);
    expect(await t.refused('pre-login', '10.0.0.1')).toBe(false);
    expect(await t.take('pre-login', '10.0.0.1')).toBe(true);
    expect(await t.refused('pre-login', '10.0.0.1')).toBe(true);
    expect(await t.refused('pre-login', '10.0.0.2')).toBe(false);
    expect(await t.refused('pre-user-registration', '10.0.0.1')).toBe(false);
    clock.t += 999;
    expect(await t.refused('pre-login', '10.0.0.1')).toBe(true);
    clock.t += 1;
    expect(await t.refused('pre-login', '10.0.0.1')).toBe(false);
    expect(await t.take('pre-login', '10.0.0.1')).toBe(true);
    expect(await t.blockedAnywhere('10.0.0.1')).toBe(true);
    await t.release('10.0.0.1');
    expect(await t.blockedAnywhere('10.0.0.1')).toBe(false);
  });

  it('admits counted attempts (sign-ups) until none are left', async () => {
    const { t } = throttle();
    expect(await t.admit('pre-user-registration', '::1')).toBe(true);
    expect(await t.admit('pre-user-registration', '::1')).toBe(true);
    expect(await t.admit('pre-user-registration', '::1')).toBe(false);
  });

  it('never refuses allowlisted IPs, a disabled throttle, or without the block shield; allowlisted IPs are not even counted', async () => {
    const allow = throttle({ allowlist: ['10.1.0.0/16', '2001:db8::1'] });
    for (let i = 0; i < 5; i++) await allow.t.take('pre-login', '10.1.2.3');
    expect(allow.store.rows.size).toBe(0);
    expect(await allow.t.refused('pre-login', '10.1.2.3')).toBe(false);
    const off = throttle({ enabled: false });
    for (let i = 0; i < 5; i++) await off.t.take('pre-login', '10.0.0.1');
    expect(await off.t.refused('pre-login', '10.0.0.1')).toBe(false);
    const notify = throttle({ shields: ['admin_notification'] });
    for (let i = 0; i < 5; i++) await notify.t.take('pre-login', '10.0.0.1');
    expect(await notify.t.refused('pre-login', '10.0.0.1')).toBe(false);
  });

  it('allowlists hold IPv4/IPv6 addresses and CIDR ranges', () => {
    const m = ipRangeMatcher(['10.1.0.0/16', '2001:db8::/32', '192.0.2.7', 'junk']);
    expect([m('10.1.255.1'), m('10.2.0.1'), m('2001:db8:1::5'), m('2001:db9::1'), m('192.0.2.7'), m('192.0.2.8'), m('junk')]).toEqual([true, false, true, false, true, false, false]);
    expect(['10.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/128'].every(isIpOrRange)).toBe(true);
    expect(['10.0.0.0/33', '::/129', 'x', '10.0.0.1/8/1', '10.0.0.0/a', ''].some(isIpOrRange)).toBe(false);
  });
});
