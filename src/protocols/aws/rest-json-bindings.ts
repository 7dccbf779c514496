import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../core/errors.js';
import { decodeJsonValue, headerSafe } from './json-codec.js';
import { shapeOf, type ServiceModel, type Shape } from './model.js';
import type { AwsHttpRequest } from './surface.js';

/**
 * restJson1 HTTP bindings, driven by the model's `location` traits: path labels, query
 * parameters and headers in; headers, status and the JSON body out (aws-apis.md §0.3, §7.1).
 */

/** Percent-decodes one path segment or query component; undefined when malformed. */
export function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Query string pairs, percent-decoded; `+` stays a `+`, as SigV4 reads it (aws-apis.md §6.2). */
function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const k = decodeSegment(eq < 0 ? pair : pair.slice(0, eq));
    const v = decodeSegment(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === undefined || v === undefined) throw new AppError('MalformedRequest', 'Malformed query string');
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

function mismatch(where: string): AppError {
  return new AppError('MalformedRequest', `Unexpected value type in payload for ${where}`, { wireName: 'SerializationException' });
}

/** A scalar carried as text (label, query value, header) typed by its shape. */
function scalar(shape: Shape, text: string, where: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long': {
      if (!/^-?\d+$/.test(text.trim())) throw mismatch(where);
      return Number(text.trim());
    }
    case 'double':
    case 'float': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw mismatch(where);
      return n;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw mismatch(where);
      return text === 'true';
    case 'timestamp': {
      // Headers default to HTTP dates, labels and query values to ISO 8601; epoch seconds are accepted too.
      const n = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text);
      if (!Number.isFinite(n)) throw mismatch(where);
      return new Date(n);
    }
    case 'blob':
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Builds the operation input from path labels, query, headers and the JSON body. */
export function decodeRestJsonInput(model: ServiceModel, shapeName: string, req: AwsHttpRequest, pathParams: Record<string, string>): Record<string, unknown> {
  const shape = shapeOf(model, shapeName);
  const members = shape.members ?? {};
  const bound: Record<string, unknown> = {};
  const query = parseQuery(req.rawQuery);
  const bodyKeys = new Set<string>();
  for (const [name, ref] of Object.entries(members)) {
    const memberShape = shapeOf(model, ref.shape);
    const wireName = ref.locationName ?? name;
    if (ref.location === 'uri') {
      const v = pathParams[wireName];
      if (v !== undefined) bound[name] = scalar(memberShape, v, name);
    } else if (ref.location === 'querystring') {
      if (memberShape.type === 'map') {
        bound[name] = Object.fromEntries([...query].map(([k, vs]) => [k, vs[0] ?? '']));
        continue;
      }
      const vs = query.get(wireName);
      if (!vs) continue;
      if (memberShape.type === 'list') bound[name] = vs.map((v) => scalar(shapeOf(model, memberShape.member!.shape), v, name));
      else bound[name] = scalar(memberShape, vs[0]!, name);
    } else if (ref.location === 'header') {
      const v = headerValue(req.headers, wireName);
      if (v !== undefined) bound[name] = scalar(memberShape, v, name);
    } else if (ref.location === 'headers') {
      const prefix = wireName.toLowerCase();
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = String(v);
      if (Object.keys(map).length > 0) bound[name] = map;
    } else if (ref.location === undefined) {
      bodyKeys.add(wireName);
    }
  }
  let body: Record<string, unknown> = {};
  if (req.body.length > 0 && bodyKeys.size > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body.toString('utf8'));
    } catch {
      throw new AppError('MalformedRequest', 'Could not parse request body into json', { wireName: 'SerializationException' });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw mismatch(shapeName);
    // Only body members: a body may not override what the path, query or headers carry.
    const onlyBody = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter(([k]) => bodyKeys.has(k)));
    body = (decodeJsonValue(model, shapeName, onlyBody) as Record<string, unknown> | undefined) ?? {};
  }
  return { ...body, ...bound };
}

/** Output members bound to headers go to headers; the rest is the JSON body (aws-apis.md §0.3). */
export function encodeRestJsonOutput(model: ServiceModel, shapeName: string | undefined, output: unknown): { headers: Record<string, string>; body: string; status?: number } {
  const headers: Record<string, string> = {};
  if (!shapeName || output === null || typeof output !== 'object') return { headers, body: '{}' };
  const members = shapeOf(model, shapeName).members ?? {};
  const body: Record<string, unknown> = {};
  let status: number | undefined;
  for (const [k, v] of Object.entries(output as Record<string, unknown>)) {
    const ref = members[k];
    if (v === undefined) continue;
    if (ref?.location === 'header') headers[(ref.locationName ?? k).toLowerCase()] = headerSafe(v instanceof Date ? v.toUTCString() : String(v));
    else if (ref?.location === 'headers' && typeof v === 'object') {
      for (const [hk, hv] of Object.entries(v as Record<string, unknown>)) headers[`${(ref.locationName ?? '').toLowerCase()}${hk}`] = headerSafe(String(hv));
    } else if (ref?.location === 'statusCode' && typeof v === 'number') status = v;
    else body[k] = v;
  }
  return { headers, body: JSON.stringify(toWire(body)), ...(status === undefined ? {} : { status }) };
}

/**
 * What `encodeJson` does (`Date` → epoch seconds, `Buffer` → base64, undefined members dropped),
 * copying only the objects and arrays that hold a Date or Buffer: JSON.stringify already drops
 * undefined members, so the rest is serialized as it is. Outputs can be large (ListRecords: up
 * to 1024 records), and the copy of every object was most of the encoding cost.
 */
function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.getTime() / 1000;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const wire = toWire(item);
      if (wire !== item) (copy ??= value.slice())[i] = wire;
    }
    return copy ?? value;
  }
  const obj = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(obj)) {
    const member = obj[k];
    if (member === null || typeof member !== 'object') continue;
    const wire = toWire(member);
    if (wire !== member) (copy ??= { ...obj })[k] = wire;
  }
  return copy ?? obj;
}
