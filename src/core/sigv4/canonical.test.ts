import { describe, expect, it } from 'vitest';
import {
  canonicalHeaders,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalQueryComponent,
  canonicalUri,
  EMPTY_SHA256,
  formatAmzDate,
  normalizePath,
  parseAmzDate,
  trimAll,
  uriEncode,
} from './index.js';

describe('canonicalUri', () => {
  it('encodes the raw path again, never decoding it first', () => {
    expect(canonicalUri('/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/ds.1/records')).toBe(
      '/identitypools/us-east-1%253Aabc/identities/us-east-1%253Adef/datasets/ds.1/records',
    );
    expect(canonicalUri('/a:b')).toBe('/a%3Ab');
    expect(canonicalUri('/100%25')).toBe('/100%2525');
    expect(canonicalUri('/a%2Fb')).toBe('/a%252Fb');
    expect(canonicalUri('/ሴ/😀')).toBe('/%E1%88%B4/%F0%9F%98%80');
    expect(canonicalUri("/!'()*+ ,;=@")).toBe('/%21%27%28%29%2A%2B%20%2C%3B%3D%40');
  });

  it('returns clean paths unchanged (same string)', () => {
    const p = '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/x/';
    expect(canonicalUri(p)).toBe(p);
    expect(canonicalUri('')).toBe('/');
  });

  it('normalizes dot segments and empty segments unless told not to', () => {
    expect(normalizePath('/example/..')).toBe('/');
    expect(normalizePath('/example1/example2/../..')).toBe('/');
    expect(normalizePath('//example//')).toBe('/example/');
    expect(normalizePath('/./example')).toBe('/example');
    expect(normalizePath('/a/b/../c/./d/')).toBe('/a/c/d/');
    expect(normalizePath('/a/%2E%2E/b')).toBe('/a/%2E%2E/b');
    expect(normalizePath('/../../a')).toBe('/a');
    expect(canonicalUri('//', false)).toBe('//');
    expect(canonicalUri('/./example', false)).toBe('/./example');
  });
});

describe('canonicalQuery', () => {
  it('decodes and re-encodes strictly, keeping "+" a plus', () => {
    expect(canonicalQuery('a=b+c')).toBe('a=b%2Bc');
    expect(canonicalQuery('a=b%2bc')).toBe('a=b%2Bc');
    expect(canonicalQuery('a=b c')).toBe('a=b%20c');
    expect(canonicalQuery('t=a/b==')).toBe('t=a%2Fb%3D%3D');
    expect(canonicalQuery('k=%41%7e%7E')).toBe('k=A~~');
    expect(canonicalQuery('ሴ=bar')).toBe('%E1%88%B4=bar');
  });

  it('sorts by name then value, in byte order', () => {
    expect(canonicalQuery('Param-3=Value3&Param=Value2&%E1%88%B4=Value1')).toBe('%E1%88%B4=Value1&Param=Value2&Param-3=Value3');
    expect(canonicalQuery('b=2&a=3&b=1&B=0')).toBe('B=0&a=3&b=1&b=2');
  });

  it('writes "name=" for valueless parameters and skips empty pieces', () => {
    expect(canonicalQuery('flag&x=&y=1')).toBe('flag=&x=&y=1');
    expect(canonicalQuery('&a=1&&')).toBe('a=1');
    expect(canonicalQuery('')).toBe('');
  });

  it('leaves out X-Amz-Signature, and X-Amz-Security-Token on request', () => {
    const q = 'X-Amz-Signature=abc&x-amz-signature=def&X-Amz-Security-Token=t&a=1';
    expect(canonicalQuery(q)).toBe('X-Amz-Security-Token=t&a=1');
    expect(canonicalQuery(q, true)).toBe('a=1');
  });

  it('keeps bytes that are not UTF-8 and stray "%" instead of throwing', () => {
    expect(canonicalQueryComponent('%e1')).toBe('%E1');
    expect(canonicalQueryComponent('100%')).toBe('100%25');
    expect(canonicalQueryComponent('%zz')).toBe('%25zz');
  });
});

describe('uriEncode', () => {
  it('encodes lone surrogates as U+FFFD like Buffer does', () => {
    expect(uriEncode('\ud800', false)).toBe('%EF%BF%BD');
    expect(uriEncode('a/b', false)).toBe('a%2Fb');
    expect(uriEncode('a/b', true)).toBe('a/b');
  });
});

describe('canonical headers', () => {
  it('trims and collapses whitespace, folded lines included', () => {
    expect(trimAll('  "a   b   c"  ')).toBe('"a b c"');
    expect(trimAll('value1\n  value2\r\n\t value3')).toBe('value1 value2 value3');
    expect(trimAll('clean value')).toBe('clean value');
    expect(trimAll('   ')).toBe('');
  });

  it('joins repeated headers with "," in order received', () => {
    expect(canonicalHeaderValue(['value4', ' value1 ', 'value3'])).toBe('value4,value1,value3');
    expect(canonicalHeaderValue(undefined)).toBe('');
  });

  it('uses only the listed headers, falling back to :authority for host', () => {
    const headers = { ':authority': 'example.com', 'x-amz-date': '20150830T123600Z', other: 'no' };
    expect(canonicalHeaders(headers, ['host', 'x-amz-date'])).toBe('host:example.com\nx-amz-date:20150830T123600Z\n');
  });
});

describe('dates', () => {
  it('parses and formats ISO-8601 basic format strictly', () => {
    expect(parseAmzDate('20150830T123600Z')).toBe(Date.parse('2015-08-30T12:36:00Z'));
    for (const bad of ['20150830T123600', '2015-08-30T12:36:00Z', '20150230T123600Z', '20151330T123600Z', '20150830T246000Z', '2015083aT123600Z']) {
      expect(parseAmzDate(bad)).toBeUndefined();
    }
    expect(formatAmzDate(Date.parse('2015-08-30T12:36:00.999Z'))).toBe('20150830T123600Z');
  });

  it('has the empty-body hash', () => {
    expect(EMPTY_SHA256).toMatch(/^e3b0c442.*b855$/);
  });
});
