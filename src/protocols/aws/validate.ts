import { camel, shapeOf, type ServiceModel, type Shape } from './model.js';

/**
 * Validates a decoded input against the model's constraints (required, length, range,
 * pattern, enum) and returns AWS's own "N validation errors detected: …" message, or
 * undefined. Type mismatches are the codec's business (SerializationException), not this.
 */
export function validateInput(model: ServiceModel, shapeName: string, value: unknown): string | undefined {
  const errors: string[] = [];
  walk(model, shapeOf(model, shapeName), value, '', errors);
  if (errors.length === 0) return undefined;
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
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
      const len = [...value].length;
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
