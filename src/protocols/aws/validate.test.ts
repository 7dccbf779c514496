import { describe, expect, it } from 'vitest';
import { loadModel, shapeOf, type ServiceModel, type ServiceName } from './model.js';
import { codePointLength, validateInput, validationErrors } from './validate.js';

/** A small deterministic PRNG, so a failure names a reproducible input. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values around each constraint's edges: lengths and ranges at and beyond min/max, enum or not, missing required members. */
function sample(model: ServiceModel, shapeName: string, rnd: () => number, depth: number): unknown {
  const shape = shapeOf(model, shapeName);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sizes = (): number => {
    const min = shape.min ?? 0;
    const max = Math.min(shape.max ?? min + 3, min + 40);
    return Math.max(0, pick([min - 1, min, min + 1, max, max + 1, 0]));
  };
  if (rnd() < 0.05) return pick([null, undefined, 'x', 7, [], {}]); // wrong JSON types are the codec's business: ignored here
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const required = shape.required?.includes(name) === true;
        if (depth > 3 || rnd() < (required ? 0.1 : 0.5)) continue;
        out[name] = sample(model, ref.shape, rnd, depth + 1);
      }
      return out;
    }
    case 'string': {
      if (shape.enum && rnd() < 0.7) return pick(shape.enum);
      const alphabet = ['a', 'Z', '0', '-', ':', '_', ' ', '€', '😀', '\ud800'];
      return Array.from({ length: sizes() }, () => pick(alphabet)).join('');
    }
    case 'list':
      return depth > 3 ? [] : Array.from({ length: Math.min(sizes(), 5) }, () => sample(model, shape.member!.shape, rnd, depth + 1));
    case 'map': {
      const out: Record<string, unknown> = {};
      const n = depth > 3 ? 0 : Math.min(sizes(), 5);
      for (let i = 0; i < n; i++) out[String(sample(model, shape.key!.shape, rnd, depth + 1) ?? `k${i}`)] = sample(model, shape.value!.shape, rnd, depth + 1);
      return out;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const min = shape.min ?? 0;
      const max = shape.max ?? min + 100;
      return pick([min - 1, min, max, max + 1, Math.floor((min + max) / 2)]);
    }
    case 'boolean':
      return rnd() < 0.5;
    default:
      return undefined;
  }
}

describe('validateInput', () => {
  it.each<ServiceName>(['cognito-identity', 'cognito-sync', 'iam', 'sts'])('answers exactly as the full walk on every input shape of %s', (name) => {
    const model = loadModel(name);
    const rnd = prng(42);
    let invalid = 0;
    for (const op of Object.values(model.operations)) {
      if (!op.input) continue;
      for (let i = 0; i < 60; i++) {
        const value = sample(model, op.input.shape, rnd, 0);
        const errors = validationErrors(model, op.input.shape, value);
        const message = validateInput(model, op.input.shape, value);
        if (errors.length > 0) invalid++;
        expect({ op: op.name, value, message: message === undefined }).toEqual({ op: op.name, value, message: errors.length === 0 });
      }
    }
    expect(invalid).toBeGreaterThan(10); // the samples do reach the constraints
  });

  it('counts lengths in code points', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀a')).toBe(2);
    expect(codePointLength('\ud800a')).toBe(2); // a lone surrogate counts as one
    expect(codePointLength('a\ud83d')).toBe(2);
    for (const s of ['', '😀😀', '\udc00\ud800', 'x😀\ud800y']) expect(codePointLength(s)).toBe([...s].length);
  });
});
