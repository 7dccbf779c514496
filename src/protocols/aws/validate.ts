import { camel, shapeOf, type ServiceModel, type Shape } from './model.js';

/**
 * Validates a decoded input against the model's constraints (required, length, range,
 * pattern, enum) and returns AWS's own "N validation errors detected: …" message, or
 * undefined. Type mismatches are the codec's business (SerializationException), not this.
 */
export function validateInput(model: ServiceModel, shapeName: string, value: unknown): string | undefined {
  // Almost every request is valid: a check compiled per shape answers that without building a
  // path string per member; only a failing input is walked again for AWS's messages.
  if (checkerOf(model, shapeName)(value)) return undefined;
  const errors = validationErrors(model, shapeName, value);
  if (errors.length === 0) return undefined;
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

/** Length in Unicode code points, as AWS counts it (`[...s].length` without the array). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Every constraint violation of `value`, in AWS's wording, walking the model (the slow path). */
export function validationErrors(model: ServiceModel, shapeName: string, value: unknown): string[] {
  const errors: string[] = [];
  walk(model, shapeOf(model, shapeName), value, '', errors);
  return errors;
}

const patternCache = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      try {
        re = new RegExp(`^(?:${pattern})$`);
      } catch {
        re = null; // a Java-only construct; the domain validates such members itself
      }
    }
    patternCache.set(pattern, re);
  }
  return re;
}

function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `'[${value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]'`;
  if (typeof value === 'object') return `'{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}}'`;
  return `'${String(value)}'`;
}

function fail(errors: string[], value: unknown, path: string, constraint: string): void {
  errors.push(`Value ${render(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
}

function walk(model: ServiceModel, shape: Shape, value: unknown, path: string, errors: string[]): void {
  if (value === undefined || value === null) return;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      const obj = value as Record<string, unknown>;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const childPath = path ? `${path}.${camel(name)}` : camel(name);
        const child = obj[name];
        if ((child === undefined || child === null) && shape.required?.includes(name)) {
          errors.push(`Value null at '${childPath}' failed to satisfy constraint: Member must not be null`);
          continue;
        }
        walk(model, shapeOf(model, ref.shape), child, childPath, errors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return;
      const len = codePointLength(value);
      if (shape.min !== undefined && len < shape.min) fail(errors, value, path, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && len > shape.max) fail(errors, value, path, `Member must have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value)) fail(errors, value, path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern && len > 0) {
        const re = compile(shape.pattern);
        if (re && !re.test(value)) fail(errors, value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      if (shape.min !== undefined && value.length < shape.min) fail(errors, value, path, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) fail(errors, value, path, `Member must have length less than or equal to ${shape.max}`);
      const member = shapeOf(model, shape.member!.shape);
      value.forEach((v, i) => walk(model, member, v, `${path}.${i + 1}.member`, errors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min) fail(errors, value, path, `Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max) fail(errors, value, path, `Member must have length less than or equal to ${shape.max}`);
      const keyShape = shapeOf(model, shape.key!.shape);
      const valueShape = shapeOf(model, shape.value!.shape);
      for (const [k, v] of entries) {
        walk(model, keyShape, k, `${path}.key`, errors);
        walk(model, valueShape, v, `${path}.${k}.member`, errors);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      if (typeof value !== 'number') return;
      if (shape.min !== undefined && value < shape.min) fail(errors, value, path, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(errors, value, path, `Member must have value less than or equal to ${shape.max}`);
      return;
    }
    default:
      return;
  }
}

/** True when `value` meets every constraint {@link walk} checks; compiled once per shape. */
type Checker = (value: unknown) => boolean;

const checkers = new WeakMap<ServiceModel, Map<string, Checker>>();

function checkerOf(model: ServiceModel, shapeName: string): Checker {
  let byShape = checkers.get(model);
  if (byShape === undefined) checkers.set(model, (byShape = new Map()));
  let checker = byShape.get(shapeName);
  if (checker === undefined) byShape.set(shapeName, (checker = compileChecker(model, shapeOf(model, shapeName))));
  return checker;
}

/** The checker of a member shape, looked up on first use (shapes may be recursive). */
function lazy(model: ServiceModel, shapeName: string): Checker {
  let checker: Checker | undefined;
  return (v) => (checker ??= checkerOf(model, shapeName))(v);
}

const inRange = (n: number, shape: Shape): boolean => !(shape.min !== undefined && n < shape.min) && !(shape.max !== undefined && n > shape.max);

/** Mirrors {@link walk} case by case, answering only whether it would report nothing. */
function compileChecker(model: ServiceModel, shape: Shape): Checker {
  switch (shape.type) {
    case 'structure': {
      const members = Object.entries(shape.members ?? {}).map(([name, ref]) => ({
        name,
        required: shape.required?.includes(name) === true,
        check: lazy(model, ref.shape),
      }));
      return (value) => {
        if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return true;
        const obj = value as Record<string, unknown>;
        for (const m of members) {
          const child = obj[m.name];
          if (child === undefined || child === null) {
            if (m.required) return false;
          } else if (!m.check(child)) return false;
        }
        return true;
      };
    }
    case 'string': {
      const re = shape.pattern ? compile(shape.pattern) : null;
      const counted = shape.min !== undefined || shape.max !== undefined || re !== null;
      return (value) => {
        if (typeof value !== 'string') return true;
        if (shape.enum && !shape.enum.includes(value)) return false;
        if (!counted) return true;
        const len = codePointLength(value);
        return inRange(len, shape) && !(re !== null && len > 0 && !re.test(value));
      };
    }
    case 'list': {
      const member = lazy(model, shape.member!.shape);
      return (value) => Array.isArray(value) ? inRange(value.length, shape) && value.every((v) => v === undefined || v === null || member(v)) : true;
    }
    case 'map': {
      const key = lazy(model, shape.key!.shape);
      const val = lazy(model, shape.value!.shape);
      return (value) => {
        if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return true;
        let n = 0;
        for (const k in value as Record<string, unknown>) {
          if (!Object.hasOwn(value, k)) continue;
          n++;
          const v = (value as Record<string, unknown>)[k];
          if (!key(k) || (v !== undefined && v !== null && !val(v))) return false;
        }
        return inRange(n, shape);
      };
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return (value) => typeof value !== 'number' || inRange(value, shape);
    default:
      return () => true;
  }
}
