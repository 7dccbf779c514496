import { AppError } from '../../core/errors.js';
import type { RenderedError } from './errors.js';
import { shapeOf, type ServiceModel, type Shape } from './model.js';
import type { AwsHttpResponse } from './surface.js';

/**
 * awsJson1_1 / restJson1 body values, typed by the model: timestamps are epoch seconds
 * (numbers, possibly fractional) on the wire and `Date` inside; a value of the wrong JSON
 * type is a SerializationException, as AWS answers it.
 */
export function decodeJsonValue(model: ServiceModel, shapeName: string, value: unknown): unknown {
  return decode(model, shapeOf(model, shapeName), value, shapeName);
}

function mismatch(where: string): AppError {
  return new AppError('MalformedRequest', `Unexpected value type in payload for ${where}`, { wireName: 'SerializationException' });
}

function decode(model: ServiceModel, shape: Shape, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(where);
      const out: Record<string, unknown> = {};
      const members = shape.members ?? {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const ref = members[k];
        if (!ref) continue; // unknown members are ignored, as AWS does
        const d = decode(model, shapeOf(model, ref.shape), v, k);
        if (d !== undefined) out[k] = d;
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) throw mismatch(where);
      const member = shapeOf(model, shape.member!.shape);
      return value.map((v) => decode(model, member, v, where));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(where);
      const valueShape = shapeOf(model, shape.value!.shape);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = decode(model, valueShape, v, where);
      return out;
    }
    case 'string':
      if (typeof value !== 'string') throw mismatch(where);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(where);
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(where);
      return value;
    case 'double':
    case 'float':
      if (typeof value !== 'number') throw mismatch(where);
      return value;
    case 'timestamp': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw mismatch(where);
      return new Date(n * 1000);
    }
    case 'blob':
      if (typeof value !== 'string') throw mismatch(where);
      return Buffer.from(value, 'base64');
    default:
      return value;
  }
}

/** Output values to JSON text: `Date` → epoch seconds, `undefined` members dropped. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(toWire(value));
}

function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

/**
 * The AWS JSON error (awsJson1_1 and restJson1 alike): body `__type` + `message`, and the
 * `x-amzn-*` headers real services send (aws-apis.md §0.4).
 */
export function encodeJsonError(contentType: string, status: number, err: RenderedError, requestId: string): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      // Real services send the name with a trailing colon (aws-apis.md §0.4).
      'x-amzn-errortype': `${err.name}:`,
      'x-amzn-errormessage': headerSafe(err.message),
    },
    body: JSON.stringify({ __type: err.name, message: err.message }),
  };
}

/** Header values must be Latin-1 without control characters. */
export function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, ' ').slice(0, 1024);
}
