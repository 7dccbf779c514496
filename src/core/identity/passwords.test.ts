import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BruteForceGuard, type FailureCounter } from './brute-force.js';
import { checkPassword, describePolicy } from './password-policy.js';
import { hashesAtOnce, PasswordHasher } from './passwords.js';

describe('PasswordHasher', () => {
  it('hashes with argon2id m=19456 t=2 p=1 and verifies', async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash('s3cret-Pass');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hasher.verify(hash, 's3cret-Pass')).toEqual({ ok: true });
    expect((await hasher.verify(hash, 'wrong')).ok).toBe(false);
  });

  it('upgrades an older argon2 parameter set on successful login only', async () => {
    const old = await argon2.hash('legacy-Pass1', { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 });
    const hasher = new PasswordHasher();
    expect((await hasher.verify(old, 'nope')).rehash).toBeUndefined();
    const ok = await hasher.verify(old, 'legacy-Pass1');
    expect(ok.ok).toBe(true);
    expect(ok.rehash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies imported schemes through a registered legacy verifier and re-hashes them', async () => {
    const hasher = new PasswordHasher(undefined, [{ prefixes: ['$test$'], verify: async (h, p) => h === `$test$${p}` }]);
    const ok = await hasher.verify('$test$pw', 'pw');
    expect(ok.ok).toBe(true);
    expect(ok.rehash).toMatch(/^\$argon2id\$/);
    expect((await hasher.verify('$unknown$pw', 'pw')).ok).toBe(false);
  });
});

describe('PasswordHasher turns', () => {
  it('computes at most `concurrency` at once, the others in arrival order', async () => {
    let running = 0;
    let most = 0;
    const finished: string[] = [];
    const slow = { prefixes: ['$slow$'], verify: async (h: string) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      finished.push(h);
      return false;
    } };
    const hasher = new PasswordHasher(undefined, [slow], 2);
    const names = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `$slow$${x}`);
    const results = await Promise.all(names.map((n) => hasher.verify(n, 'pw')));
    expect(results.every((r) => r.ok === false)).toBe(true);
    expect(most).toBe(2);
    expect(finished).toEqual(names);
  });

  it('a verification that re-hashes takes a second turn after its first: one turn never deadlocks', async () => {
    const old = await argon2.hash('legacy-Pass1', { type: argon2.argon2i, memoryCost: 4096, timeCost: 3, parallelism: 1 });
    const hasher = new PasswordHasher(undefined, [], 1);
    const [a, b] = await Promise.all([hasher.verify(old, 'legacy-Pass1'), hasher.verifyDummy('x')]);
    expect(a.rehash).toMatch(/^\$argon2id\$/);
    expect(b).toBe(false);
  });

  it('a worker hashes its share of the cores at once, at least one', () => {
    expect([hashesAtOnce(2, 2), hashesAtOnce(1, 2), hashesAtOnce(0, 4), hashesAtOnce(8, 2), hashesAtOnce(1, 8), hashesAtOnce(3, 8)]).toEqual([1, 2, 1, 1, 8, 3]);
  });
});

describe('password policy (auth0-api.md §5)', () => {
  it.each([
    ['none', 'a', true],
    ['low', 'abcde', false],
    ['low', 'abcdef', true],
    ['fair', 'abcdefg1', false],
    ['fair', 'Abcdefg1', true],
    ['good', 'abcdefg1', false],
    ['good', 'abcdef1!', true],
    ['excellent', 'Abcdef1!x', false],
    ['excellent', 'Abcdef1!xy', true],
    ['excellent', 'Aaaa1!bcdef', false],
  ] as const)('%s: %s → %s', (level, password, ok) => {
    expect(checkPassword(password, level).verified).toBe(ok);
  });

  it('rejects more than 72 bytes and describes the rules', () => {
    const report = checkPassword(`Aa1!${'x'.repeat(70)}`, 'good');
    expect(report.verified).toBe(false);
    expect(describePolicy(checkPassword('x', 'good'))).toContain('* At least 8 characters in length');
  });
});

describe('BruteForceGuard', () => {
  it('blocks an identifier from one IP after 10 failures, not from another IP', async () => {
    const rows = new Map<string, { count: number; lastFailureAt: number; blockedAt: number | null }>();
    const counter: FailureCounter = {
      get: async (i, ip) => rows.get(`${i}|${ip}`),
      increment: async (i, ip, at, threshold) => {
        const r = rows.get(`${i}|${ip}`) ?? { count: 0, lastFailureAt: at, blockedAt: null };
        r.count++;
        r.lastFailureAt = at;
        if (r.count >= threshold) r.blockedAt ??= at;
        rows.set(`${i}|${ip}`, r);
        return r.count;
      },
      reset: async (i, ip) => void rows.delete(`${i}|${ip}`),
      resetIdentifier: async (i) => [...rows.keys()].filter((k) => k.startsWith(`${i}|`)).forEach((k) => rows.delete(k)),
    };
    const guard = new BruteForceGuard(counter, new ManualClock(0));
    for (let i = 0; i < 9; i++) await guard.recordFailure('A@x.test', '1.1.1.1');
    expect(await guard.status('a@x.test', '1.1.1.1')).toBe('failures');
    await guard.recordFailure('a@x.test', '1.1.1.1');
    expect(await guard.status('a@x.test', '1.1.1.1')).toBe('blocked');
    expect(await guard.status('a@x.test', '2.2.2.2')).toBe('clear');
    await guard.unblock('a@x.test');
    expect(await guard.status('a@x.test', '1.1.1.1')).toBe('clear');
  });
});
