import { describe, expect, it } from 'vitest';
import { buildLogEvent, newLogId } from './events.js';
import { parseQuery, QuerySyntaxError } from './lucene.js';

describe('Management API query strings (lucene subset)', () => {
  it('parses fields, quotes, wildcards, ranges, _exists_, NOT and AND/OR precedence', () => {
    expect(parseQuery('')).toEqual([]);
    expect(parseQuery('email:"a b@x.test" AND name:jo*')).toEqual([
      [
        { field: 'email', negate: false, match: { kind: 'term', value: 'a b@x.test', quoted: true } },
        { field: 'name', negate: false, match: { kind: 'term', value: 'jo*', quoted: false } },
      ],
    ]);
    expect(parseQuery('type:s OR type:f -user_id:"x" NOT _exists_:app_metadata.plan')).toEqual([
      [{ field: 'type', negate: false, match: { kind: 'term', value: 's', quoted: false } }],
      [
        { field: 'type', negate: false, match: { kind: 'term', value: 'f', quoted: false } },
        { field: 'user_id', negate: true, match: { kind: 'term', value: 'x', quoted: true } },
        { field: 'app_metadata.plan', negate: true, match: { kind: 'exists' } },
      ],
    ]);
    expect(parseQuery('logins_count:[10 TO 100} date:[2024-01-01 TO *]')[0]?.map((c) => c.match)).toEqual([
      { kind: 'range', lo: '10', hi: '100', loInclusive: true, hiInclusive: false },
      { kind: 'range', lo: '2024-01-01', hi: null, loInclusive: true, hiInclusive: true },
    ]);
    expect(parseQuery('user_id:auth0|abc john')).toEqual([
      [
        { field: 'user_id', negate: false, match: { kind: 'term', value: 'auth0|abc', quoted: false } },
        { field: null, negate: false, match: { kind: 'term', value: 'john', quoted: false } },
      ],
    ]);
  });

  it('rejects what it does not support instead of guessing', () => {
    for (const q of ['(a OR b)', 'name:', 'email:"open', 'a OR', 'OR a', 'x:[1 TO', 'name:a^2', '1bad:x', 'NOT']) {
      expect(() => parseQuery(q), q).toThrow(QuerySyntaxError);
    }
    expect(() => parseQuery('a '.repeat(100))).toThrow(/too many clauses/);
  });
});

describe('log events', () => {
  it('ids sort by time and are unique; absent members are omitted; secrets never kept in details', () => {
    const a = newLogId(1_700_000_000_000);
    const b = newLogId(1_700_000_000_000);
    const c = newLogId(1_700_000_000_001);
    expect(a < b && b < c).toBe(true);
    expect(a).toMatch(/^900\d+$/);
    const e = buildLogEvent({ type: 's', client_id: 'c', user_name: '', details: { password: 'p', nested: { client_secret: 's', ok: 1 }, refresh_token: 't' } }, 0, 'id');
    expect(e).toEqual({ log_id: 'id', date: '1970-01-01T00:00:00.000Z', type: 's', client_id: 'c', details: { nested: { ok: 1 } } });
  });
});
