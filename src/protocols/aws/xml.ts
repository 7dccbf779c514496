import { shapeOf, type ServiceModel, type Shape } from './model.js';

/** XML text escaping for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"'\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : '&#13;'));
}

/**
 * awsQuery success response: `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…`
 * with members in model order, lists as `<member>`, maps as `<entry><key/><value/></entry>`,
 * timestamps ISO-8601, booleans `true`/`false`.
 */
export function encodeQueryResponse(model: ServiceModel, operation: string, output: Record<string, unknown> | undefined, requestId: string): string {
  const op = model.operations[operation]!;
  const ns = model.metadata.xmlNamespace ?? '';
  let result = '';
  if (op.output) {
    const wrapper = op.output.resultWrapper ?? `${operation}Result`;
    result = `<${wrapper}>${encodeMembers(model, shapeOf(model, op.output.shape), output ?? {})}</${wrapper}>`;
  }
  return `<${operation}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}

function encodeMembers(model: ServiceModel, shape: Shape, value: Record<string, unknown>): string {
  let out = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const tag = ref.locationName ?? name;
    const child = shapeOf(model, ref.shape);
    if (child.type === 'list' && child.flattened) {
      for (const item of v as unknown[]) out += `<${tag}>${encodeValue(model, shapeOf(model, child.member!.shape), item)}</${tag}>`;
    } else {
      out += `<${tag}>${encodeValue(model, child, v)}</${tag}>`;
    }
  }
  return out;
}

function encodeValue(model: ServiceModel, shape: Shape, value: unknown): string {
  switch (shape.type) {
    case 'structure':
      return encodeMembers(model, shape, value as Record<string, unknown>);
    case 'list': {
      const member = shapeOf(model, shape.member!.shape);
      const tag = shape.member!.locationName ?? 'member';
      return (value as unknown[]).map((item) => `<${tag}>${encodeValue(model, member, item)}</${tag}>`).join('');
    }
    case 'map': {
      const valueShape = shapeOf(model, shape.value!.shape);
      return Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${encodeValue(model, valueShape, v)}</value></entry>`)
        .join('');
    }
    case 'timestamp':
      return (value instanceof Date ? value : new Date(value as number)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    case 'blob':
      return Buffer.isBuffer(value) ? value.toString('base64') : escapeXml(String(value));
    default:
      return escapeXml(String(value));
  }
}

/** awsQuery error envelope (aws-apis.md §0.4). */
export function encodeQueryError(ns: string, code: string, message: string, requestId: string, sender: boolean): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
