import { describe, expect, it } from 'vitest';
import { checkTags, mergeTags, removeTags } from './tags.js';

describe('IAM tags', () => {
  it('refuses a key repeated in any case', () => {
    expect(() => checkTags([{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }])).toThrow('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  });

  it('overwrites by key case-insensitively and removes by key case-insensitively', () => {
    const merged = mergeTags([{ Key: 'Env', Value: 'dev' }, { Key: 'team', Value: 'x' }], [{ Key: 'ENV', Value: 'prod' }]);
    expect(merged).toEqual([{ Key: 'ENV', Value: 'prod' }, { Key: 'team', Value: 'x' }]);
    expect(removeTags(merged, ['env', 'missing'])).toEqual([{ Key: 'team', Value: 'x' }]);
  });

  it('allows at most 50', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
    expect(mergeTags(fifty, [{ Key: 'k0', Value: 'again' }])).toHaveLength(50);
    expect(() => mergeTags(fifty, [{ Key: 'k50', Value: '' }])).toThrow(expect.objectContaining({ code: 'LimitExceeded' }));
  });
});
