import { describe, expect, it } from 'vitest';
import { parseOperator } from './conditions.js';

const BASES = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
];
const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

describe('parseOperator', () => {
  it.each(BASES)('%s, with IfExists and both set qualifiers', (base) => {
    for (const prefix of ['', 'ForAnyValue:', 'ForAllValues:']) {
      for (const suffix of ['', 'IfExists']) {
        const op = parseOperator(`${prefix}${base}${suffix}`);
        expect(op, `${prefix}${base}${suffix}`).toBeDefined();
        expect(op!.base).toBe(base);
        expect(op!.ifExists).toBe(suffix === 'IfExists');
        expect(op!.set).toBe(prefix === '' ? undefined : prefix === 'ForAnyValue:' ? 'any' : 'all');
        expect(op!.spec.negated).toBe(NEGATED.has(base));
      }
    }
  });

  it('knows Null but not NullIfExists', () => {
    expect(parseOperator('Null')?.spec.family).toBe('null');
    expect(parseOperator('NullIfExists')).toBeUndefined();
  });

  it.each([
    '',
    'Foo',
    'stringequals',
    'StringEqual',
    'ForAnyValues:StringEquals',
    'ForAnyValue:',
    'IfExists',
    'StringEqualsIfExistsIfExists',
    'toString',
    'constructor',
  ])('rejects %j', (name) => {
    expect(parseOperator(name)).toBeUndefined();
  });
});
