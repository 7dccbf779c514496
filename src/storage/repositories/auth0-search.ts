import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { unescapeTerm, type Clause, type Match, type Query } from '../../core/logs/lucene.js';
import type { Dialect } from '../database.js';

/**
 * Translates a parsed Management API query (core/logs/lucene.ts) into a portable SQL predicate
 * over declared fields only: every value is a bound parameter, every column comes from a field
 * table, JSON paths are restricted to `[A-Za-z0-9_-]` segments. SQLite and PostgreSQL agree on
 * the semantics used: exact text equality, case-insensitive wildcards (both sides lower-cased),
 * `IS NOT TRUE` for negation (a NULL column matches a negated clause, as in Lucene).
 */
export type FieldKind = 'exact' | 'ci' | 'number' | 'bool' | 'date' | 'json';

export interface FieldSpec {
  column: string;
  kind: FieldKind;
  /** the column already holds lower-case text (e.g. `email_key`) */
  lowerStored?: boolean;
  /** for `json`: the path inside the column's JSON object */
  path?: string[];
}

export type FieldResolver = (field: string) => FieldSpec | undefined;

/** A query naming an unknown field or a value of the wrong type (400 invalid_query_string). */
export class SearchFieldError extends Error {
  override readonly name = 'SearchFieldError';
}

const SEGMENT = /^[A-Za-z0-9_\-]{1,64}$/;

/** `app_metadata.plan.tier` → json spec over `app_metadata` with path [plan, tier]. */
export function jsonField(column: string, rest: string): FieldSpec | undefined {
  const path = rest.split('.');
  return path.length <= 8 && path.every((p) => SEGMENT.test(p)) ? { column, kind: 'json', path } : undefined;
}

function ref(spec: FieldSpec, dialect: Dialect): RawBuilder<unknown> {
  const col = sql.ref(spec.column);
  if (spec.kind !== 'json') return sql`${col}`;
  const path = spec.path ?? [];
  if (dialect === 'postgres') return sql`(${col}::jsonb #>> ${`{${path.join(',')}}`}::text[])`;
  const p = `$${path.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `."${s}"`)).join('')}`;
  return sql`(case json_type(${col}, ${p}) when 'true' then 'true' when 'false' then 'false' else cast(json_extract(${col}, ${p}) as text) end)`;
}

const likePattern = (text: string, wildcards: boolean): string => {
  let out = '';
  for (const c of text.toLowerCase()) {
    if (c === '%' || c === '_' || c === '\\') out += `\\${c}`;
    else if (wildcards && c === '*') out += '%';
    else if (wildcards && c === '?') out += '_';
    else out += c;
  }
  return out;
};

function parseDate(v: string): { from: number; to: number } {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const ms = Date.parse(day ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(ms)) throw new SearchFieldError(`invalid date: ${v}`);
  return { from: ms, to: day ? ms + 86_400_000 : ms + 1 };
}

function scalar(spec: FieldSpec, v: string): string | number {
  if (spec.kind === 'number') {
    const n = Number(v);
    if (!Number.isFinite(n) || v.trim() === '') throw new SearchFieldError(`expected a number: ${v}`);
    return n;
  }
  if (spec.kind === 'date') return parseDate(v).from;
  return v;
}

function termSql(spec: FieldSpec, m: Extract<Match, { kind: 'term' }>, bare: boolean, dialect: Dialect): RawBuilder<SqlBool> {
  const col = ref(spec, dialect);
  const { text, wildcard } = m.quoted ? { text: m.value, wildcard: false } : unescapeTerm(m.value);
  if (spec.kind === 'bool') {
    if (text !== 'true' && text !== 'false') throw new SearchFieldError(`expected true or false: ${text}`);
    return sql<SqlBool>`${col} = ${text === 'true' ? 1 : 0}`;
  }
  if (spec.kind === 'number') return sql<SqlBool>`${col} = ${scalar(spec, text)}`;
  if (spec.kind === 'date') {
    const { from, to } = parseDate(text);
    return sql<SqlBool>`(${col} >= ${from} and ${col} < ${to})`;
  }
  if (wildcard || (bare && !m.quoted)) {
    if (wildcard && text.startsWith('*') && text.replace(/[*?]/g, '').length < 3) {
      throw new SearchFieldError('wildcard searches need at least 3 characters besides the wildcards');
    }
    const pattern = wildcard ? likePattern(text, true) : `${likePattern(text, false)}%`;
    return sql<SqlBool>`lower(${col}) like ${pattern} escape '\\'`;
  }
  if (spec.lowerStored) return sql<SqlBool>`${col} = ${text.toLowerCase()}`;
  if (spec.kind === 'ci') return sql<SqlBool>`lower(${col}) = ${text.toLowerCase()}`;
  return sql<SqlBool>`${col} = ${text}`;
}

function rangeSql(spec: FieldSpec, m: Extract<Match, { kind: 'range' }>, dialect: Dialect): RawBuilder<SqlBool> {
  if (spec.kind === 'bool') throw new SearchFieldError('ranges need a number, date or text field');
  const col = ref(spec, dialect);
  const parts: RawBuilder<SqlBool>[] = [];
  const norm = (v: string): string | number => (spec.lowerStored ? v.toLowerCase() : scalar(spec, v));
  if (m.lo !== null) parts.push(m.loInclusive ? sql<SqlBool>`${col} >= ${norm(m.lo)}` : sql<SqlBool>`${col} > ${norm(m.lo)}`);
  if (m.hi !== null) {
    const hi = spec.kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(m.hi) && m.hiInclusive ? parseDate(m.hi).to : norm(m.hi);
    const inclusive = m.hiInclusive && !(spec.kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(m.hi));
    parts.push(inclusive ? sql<SqlBool>`${col} <= ${hi}` : sql<SqlBool>`${col} < ${hi}`);
  }
  if (parts.length === 0) return sql<SqlBool>`${col} is not null`;
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

function clauseSql(c: Clause, resolve: FieldResolver, bare: readonly FieldSpec[], dialect: Dialect): RawBuilder<SqlBool> {
  let specs: readonly FieldSpec[];
  if (c.field === null) specs = bare;
  else {
    const spec = resolve(c.field);
    if (!spec) throw new SearchFieldError(`unsupported search field: ${c.field}`);
    specs = [spec];
  }
  if (specs.length === 0) throw new SearchFieldError('a field name is required');
  const alternatives = specs.map((spec) => {
    if (c.match.kind === 'exists') return sql<SqlBool>`${ref(spec, dialect)} is not null`;
    if (c.match.kind === 'range') return rangeSql(spec, c.match, dialect);
    return termSql(spec, c.match, c.field === null, dialect);
  });
  const expr = alternatives.length === 1 ? alternatives[0]! : sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
  return c.negate ? sql<SqlBool>`((${expr}) is not true)` : expr;
}

/** The predicate for `query`, or undefined for an empty query (match all). */
export function queryToSql(query: Query, resolve: FieldResolver, bare: readonly FieldSpec[], dialect: Dialect): RawBuilder<SqlBool> | undefined {
  if (query.length === 0) return undefined;
  const groups = query.map((g) => sql<SqlBool>`(${sql.join(g.map((c) => clauseSql(c, resolve, bare, dialect)), sql` and `)})`);
  return groups.length === 1 ? groups[0] : sql<SqlBool>`(${sql.join(groups, sql` or `)})`;
}
