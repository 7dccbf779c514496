import { describe, expect, it } from 'vitest';
import { parseDate, parseNumber } from './scalars.js';

describe('parseDate', () => {
  it.each([
    ['2024-06-30', Date.UTC(2024, 5, 30)],
    ['2024-06', Date.UTC(2024, 5, 1)],
    // Digits alone are epoch seconds, never a year.
    ['2024', 2_024_000],
    ['2024-06-30T12:34:56Z', Date.UTC(2024, 5, 30, 12, 34, 56)],
    ['2024-06-30t12:34:56z', Date.UTC(2024, 5, 30, 12, 34, 56)],
    ['2024-06-30T12:34Z', Date.UTC(2024, 5, 30, 12, 34)],
    ['2024-06-30T12:34:56.789Z', Date.UTC(2024, 5, 30, 12, 34, 56, 789)],
    ['2024-06-30T12:34:56', Date.UTC(2024, 5, 30, 12, 34, 56)],
    ['2024-06-30T12:34:56+02:00', Date.UTC(2024, 5, 30, 10, 34, 56)],
    ['2024-06-30T12:34:56-0130', Date.UTC(2024, 5, 30, 14, 4, 56)],
    ['1700000000', 1_700_000_000_000],
    ['0', 0],
  ])('%s', (text, ms) => {
    expect(parseDate(text)).toBe(ms);
  });

  it.each(['', 'tomorrow', '2024-13-01', '2024-02-30', '2024-06-30T25:00:00Z', 'June 30, 2024', '-5', '2024-06-30T12'])(
    'rejects %j',
    (text) => {
      expect(parseDate(text)).toBeUndefined();
    },
  );
});

describe('parseNumber', () => {
  it.each([
    ['3600', 3600],
    ['-1.5', -1.5],
    ['+2', 2],
    ['.5', 0.5],
    ['1e3', 1000],
    [' 7 ', 7],
  ])('%s', (text, n) => {
    expect(parseNumber(text)).toBe(n);
  });

  it.each(['', 'abc', '0x10', '1,000', 'Infinity', 'NaN', '1e999'])('rejects %j', (text) => {
    expect(parseNumber(text)).toBeUndefined();
  });
});
