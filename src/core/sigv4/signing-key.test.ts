import { describe, expect, it } from 'vitest';
import { deriveSigningKey, SigningKeyCache } from './index.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

describe('deriveSigningKey', () => {
  it('matches the IAM User Guide example (20120215, us-east-1, iam)', () => {
    expect(deriveSigningKey(SECRET, '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });
});

describe('SigningKeyCache', () => {
  it('derives once per secret, date, region and service', () => {
    const cache = new SigningKeyCache(8);
    const a = cache.get(SECRET, '20150830', 'us-east-1', 'sts');
    expect(cache.get(SECRET, '20150830', 'us-east-1', 'sts')).toBe(a);
    expect(a.equals(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'sts'))).toBe(true);
    expect(cache.get(SECRET, '20150830', 'us-east-1', 'iam')).not.toBe(a);
    expect(cache.get(`${SECRET}x`, '20150830', 'us-east-1', 'sts')).not.toBe(a);
    expect(cache.size).toBe(3);
  });

  it('stays bounded and evicts the least recently used entry', () => {
    const cache = new SigningKeyCache(2);
    const first = cache.get('s1', '20150830', 'r', 'x');
    cache.get('s2', '20150830', 'r', 'x');
    expect(cache.get('s1', '20150830', 'r', 'x')).toBe(first); // s1 now most recent
    cache.get('s3', '20150830', 'r', 'x'); // evicts s2
    expect(cache.size).toBe(2);
    expect(cache.get('s1', '20150830', 'r', 'x')).toBe(first);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('s1', '20150830', 'r', 'x')).not.toBe(first);
  });
});
