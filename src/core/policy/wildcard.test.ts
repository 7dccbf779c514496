import { describe, expect, it } from 'vitest';
import { arnComponents, compileGlob, escapeLiteral, hasWildcard, rawGlob } from './wildcard.js';

const match = (pattern: string, value: string): boolean => compileGlob(rawGlob(pattern))(value);

/** A slow but obviously correct reference: glob → anchored regex. */
function reference(pattern: string, value: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`).test(value);
}

describe('compileGlob', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['*Object', 's3:GetObject', true],
    ['*Object', 's3:GetObjects', false],
    ['s3:?etObject', 's3:GetObject', true],
    ['s3:?etObject', 's3:etObject', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['a**b', 'ab', true],
    ['exact', 'exact', true],
    ['exact', 'Exact', false],
    ['', '', true],
    ['', 'x', false],
  ])('%j ~ %j → %s', (pattern, value, expected) => {
    expect(match(pattern, value)).toBe(expected);
  });

  it('lets * cross / and : (Cognito Sync ids contain colons)', () => {
    const arn =
      'arn:aws:cognito-sync:us-east-1:123456789012:identitypool/us-east-1:abc/identity/us-east-1:def/dataset/ds';
    expect(match('arn:aws:cognito-sync:*:123456789012:identitypool/*', arn)).toBe(true);
    expect(match('arn:aws:cognito-sync:us-east-1:123456789012:identitypool/us-east-1:abc/identity/*/dataset/ds', arn)).toBe(
      true,
    );
    expect(match('arn:aws:cognito-sync:us-east-1:123456789012:identitypool/us-east-1:abc/identity/us-east-1:xyz/*', arn)).toBe(
      false,
    );
  });

  it('treats escaped wildcards and backslashes literally', () => {
    expect(compileGlob(`a${escapeLiteral('*')}b`)('a*b')).toBe(true);
    expect(compileGlob(`a${escapeLiteral('*')}b`)('aXb')).toBe(false);
    expect(compileGlob(`${escapeLiteral('?')}*`)('?yes')).toBe(true);
    expect(compileGlob(`${escapeLiteral('?')}*`)('no')).toBe(false);
    expect(match('a\\b*', 'a\\bc')).toBe(true);
    expect(match('a\\*', 'a\\xyz')).toBe(true);
  });

  it('agrees with a regex reference on generated cases', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['a', 'b', '/', ':'];
    const word = (len: number, extra: string[]) =>
      Array.from({ length: len }, () => {
        const chars = [...alphabet, ...extra];
        return chars[rand(chars.length)]!;
      }).join('');
    for (let i = 0; i < 2000; i++) {
      const pattern = word(rand(7), ['*', '?']);
      const value = word(rand(9), []);
      expect(match(pattern, value), `${pattern} ~ ${value}`).toBe(reference(pattern, value));
    }
  });

  it('stays fast on patterns that make a backtracking regex explode', () => {
    const started = performance.now();
    expect(match('*a*a*a*a*a*a*a*a*b', 'a'.repeat(20_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('caches compiled matchers', () => {
    expect(compileGlob('cache-me*')).toBe(compileGlob('cache-me*'));
  });
});

describe('helpers', () => {
  it('hasWildcard ignores escaped wildcards', () => {
    expect(hasWildcard('a*')).toBe(true);
    expect(hasWildcard('a?')).toBe(true);
    expect(hasWildcard(escapeLiteral('a*?'))).toBe(false);
  });

  it('arnComponents splits into six, keeping later colons in the resource', () => {
    expect(arnComponents('arn:aws:cognito-sync:us-east-1:1:identitypool/us-east-1:abc', false)).toEqual([
      'arn',
      'aws',
      'cognito-sync',
      'us-east-1',
      '1',
      'identitypool/us-east-1:abc',
    ]);
    expect(arnComponents('arn:aws:s3:::bucket', false)).toEqual(['arn', 'aws', 's3', '', '', 'bucket']);
    expect(arnComponents('not-an-arn', false)).toBeUndefined();
    expect(arnComponents('arn:aws:s3', false)).toBeUndefined();
  });
});
