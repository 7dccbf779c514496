import { AppError } from '../../core/errors.js';
import { shapeOf, type ServiceModel, type Shape } from './model.js';

/**
 * awsQuery request bodies (`Action=…&Version=…&A.member.1=…`) decoded by the model:
 * lists as `Name.member.N` (1-based), maps as `Name.entry.N.key/value`, structures as
 * `Name.Member`, scalars parsed from their text.
 */
export function decodeQuery(model: ServiceModel, shapeName: string, params: URLSearchParams): Record<string, unknown> {
  const flat = new Map<string, string>();
  for (const [k, v] of params) if (!flat.has(k)) flat.set(k, v);
  return (decode(model, shapeOf(model, shapeName), '', flat) as Record<string, unknown> | undefined) ?? {};
}

function invalid(key: string, value: string, type: string): AppError {
  return new AppError('MalformedRequest', `Value (${value}) for parameter ${key} is invalid. Expected: '${type}'.`, { wireName: 'MalformedInput' });
}

function hasPrefix(flat: Map<string, string>, prefix: string): boolean {
  for (const k of flat.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

function decode(model: ServiceModel, shape: Shape, key: string, flat: Map<string, string>): unknown {
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const childKey = key ? `${key}.${ref.locationName ?? name}` : (ref.locationName ?? name);
        const v = decode(model, shapeOf(model, ref.shape), childKey, flat);
        if (v !== undefined) out[name] = v;
      }
      return key && Object.keys(out).length === 0 ? undefined : out;
    }
    case 'list': {
      const flattened = shape.flattened === true;
      const base = flattened ? key : `${key}.member`;
      // An empty list is sent as `Name=` (SDK v3); absent means unset.
      if (!hasPrefix(flat, `${base}.`)) return flat.has(key) ? [] : undefined;
      const member = shapeOf(model, shape.member!.shape);
      const out: unknown[] = [];
      for (let i = 1; ; i++) {
        const itemKey = `${base}.${i}`;
        if (!flat.has(itemKey) && !hasPrefix(flat, `${itemKey}.`)) break;
        out.push(decode(model, member, itemKey, flat));
      }
      return out;
    }
    case 'map': {
      const base = shape.flattened ? key : `${key}.entry`;
      if (!hasPrefix(flat, `${base}.`)) return flat.has(key) ? {} : undefined;
      const valueShape = shapeOf(model, shape.value!.shape);
      const out: Record<string, unknown> = {};
      for (let i = 1; flat.has(`${base}.${i}.key`); i++) {
        out[flat.get(`${base}.${i}.key`)!] = decode(model, valueShape, `${base}.${i}.value`, flat);
      }
      return out;
    }
    default: {
      const raw = flat.get(key);
      if (raw === undefined) return undefined;
      switch (shape.type) {
        case 'integer':
        case 'long': {
          if (!/^-?\d+$/.test(raw)) throw invalid(key, raw, 'integer');
          return Number(raw);
        }
        case 'double':
        case 'float': {
          const n = Number(raw);
          if (raw.trim() === '' || !Number.isFinite(n)) throw invalid(key, raw, 'double');
          return n;
        }
        case 'boolean':
          if (raw !== 'true' && raw !== 'false') throw invalid(key, raw, 'boolean');
          return raw === 'true';
        case 'timestamp': {
          const d = new Date(raw);
          if (Number.isNaN(d.getTime())) throw invalid(key, raw, 'timestamp');
          return d;
        }
        case 'blob':
          return Buffer.from(raw, 'base64');
        default:
          return raw;
      }
    }
  }
}
