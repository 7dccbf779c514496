import { badPayload, badQuery } from './errors.js';

/**
 * Request validation and response shaping shared by every Management API resource
 * (auth0-api.md §4.2): strict JSON bodies (unknown properties are a 400, as Auth0's schemas),
 * offset paging with the `include_totals` object shapes, `fields`/`include_fields` projection.
 * Values are data: nothing from a request is ever evaluated.
 */
export type Json = Record<string, unknown>;
export type Query = Record<string, unknown>;

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const wrongType = (key: string, expected: string, v: unknown): Error =>
  badPayload(`Expected type ${expected} but found type ${typeName(v)}`, key);

/** The body as an object with only `allowed` keys (and `required` present). */
export function objectBody(body: unknown, allowed: readonly string[], required: readonly string[] = []): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badPayload(`Expected type object but found type ${typeName(body)}`);
  const o = body as Json;
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw badPayload(`Additional properties not allowed: ${extra.join(',')}`);
  const missing = required.find((k) => o[k] === undefined);
  if (missing) throw badPayload(`Missing required property: ${missing}`);
  return o;
}

export interface StrRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
}

export function optStr(o: Json, key: string, rule: StrRule = {}): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw wrongType(key, 'string', v);
  if (v.length < (rule.min ?? 0)) throw badPayload(`String is too short (${v.length} chars), minimum ${rule.min ?? 0}`, key);
  if (v.length > (rule.max ?? 10_000)) throw badPayload(`String is too long (${v.length} chars), maximum ${rule.max ?? 10_000}`, key);
  if (rule.pattern && !rule.pattern.test(v)) throw badPayload(`String does not match pattern ${rule.pattern.source}`, key);
  return v;
}

export function optBool(o: Json, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw wrongType(key, 'boolean', v);
  return v;
}

export function optInt(o: Json, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(key, 'integer', v);
  if (v < min || v > max) throw badPayload(`Value ${v} is outside the range ${min}..${max}`, key);
  return v;
}

export function optStrArray(o: Json, key: string, rule: StrRule & { maxItems?: number } = {}): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw wrongType(key, 'array', v);
  if (v.length > (rule.maxItems ?? 1000)) throw badPayload(`Array is too long (${v.length}), maximum ${rule.maxItems ?? 1000}`, key);
  return v.map((x, i) => optStr({ [`${key}[${i}]`]: x }, `${key}[${i}]`, rule) ?? '');
}

export function optObject(o: Json, key: string): Json | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw wrongType(key, 'object', v);
  return v as Json;
}

/** Metadata objects: bounded size; values are stored and returned verbatim (never interpreted). */
export function optMetadata(o: Json, key: string, allowNullValues: boolean): Json | undefined {
  const v = optObject(o, key);
  if (!v) return v;
  if (JSON.stringify(v).length > 16_384) throw badPayload(`Object is too large`, key);
  if (!allowNullValues && Object.values(v).some((x) => x === null)) throw badPayload(`Expected a value, found null`, key);
  return v;
}

/** First value of a query parameter (repeated parameters: the first wins). */
export function qStr(q: Query, key: string): string | undefined {
  const v = q[key];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

export function qBool(q: Query, key: string): boolean | undefined {
  const v = qStr(q, key);
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw badQuery(`Invalid value "${v}" for property ${key}: expected a boolean`);
}

export function qInt(q: Query, key: string, min: number, max: number): number | undefined {
  const v = qStr(q, key);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw badQuery(`Invalid value "${v.slice(0, 40)}" for property ${key}: expected an integer from ${min} to ${max}`);
  return n;
}

export interface Paging {
  page: number;
  perPage: number;
  includeTotals: boolean;
}

/** `page` (0-based), `per_page` (≤ 100, default 50), `include_totals` (§4.2). */
export function paging(q: Query, maxPerPage = 100): Paging {
  return { page: qInt(q, 'page', 0, 1_000_000) ?? 0, perPage: qInt(q, 'per_page', 1, maxPerPage) ?? 50, includeTotals: qBool(q, 'include_totals') ?? false };
}

/** A page of a list already in memory. */
export const slicePage = <T>(items: readonly T[], p: Paging): T[] => items.slice(p.page * p.perPage, (p.page + 1) * p.perPage);

/** Bare array, or `{start, limit, [length,] total, <key>}` with include_totals (§4.2, §10.21). */
export function listBody(key: string, items: unknown[], p: Paging, total: number, withLength = false): unknown {
  if (!p.includeTotals) return items;
  return { start: p.page * p.perPage, limit: p.perPage, ...(withLength ? { length: items.length } : {}), total, [key]: items };
}

/** `fields=a,b&include_fields=true|false` (§4.2); returns a projector for response objects. */
export function projection(q: Query): (o: Json) => Json {
  const raw = qStr(q, 'fields');
  if (!raw) return (o) => o;
  const fields = new Set(raw.split(',').map((f) => f.trim()).filter(Boolean));
  const include = qBool(q, 'include_fields') ?? true;
  return (o) => Object.fromEntries(Object.entries(o).filter(([k]) => fields.has(k) === include));
}

/** Drops undefined members (JSON would anyway; keeps projections and tests honest). */
export const compact = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * A list endpoint's answer (§4.2): checkpoint paging when `from` or `take` is given —
 * `{<key>, next?}` where `next` is the id to pass as `from` — else offset paging.
 */
export function pagedList<T>(q: Query, key: string, items: readonly T[], idOf: (item: T) => string, shape: (item: T) => Json): unknown {
  const from = qStr(q, 'from');
  const take = qInt(q, 'take', 1, 100);
  if (from !== undefined || take !== undefined) {
    let start = 0;
    if (from) {
      const at = items.findIndex((x) => idOf(x) === from);
      if (at < 0) throw badQuery(`Invalid value "${from.slice(0, 60)}" for property from`);
      start = at + 1;
    }
    const page = items.slice(start, start + (take ?? 50));
    const last = page[page.length - 1];
    const more = start + page.length < items.length && last !== undefined;
    return { [key]: page.map(shape), ...(more ? { next: idOf(last) } : {}) };
  }
  const p = paging(q);
  return listBody(key, slicePage(items, p).map(shape), p, items.length);
}
