import { readFileSync } from 'node:fs';

/** The parts of AWS's own service model (botocore `service-2.json`) that the codecs read. */
export interface ShapeRef {
  shape: string;
  location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  locationName?: string;
  flattened?: boolean;
  xmlNamespace?: unknown;
}

export interface Shape {
  type: 'structure' | 'string' | 'list' | 'map' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  members?: Record<string, ShapeRef>;
  required?: string[];
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  error?: { code?: string; httpStatusCode?: number; senderFault?: boolean };
  exception?: boolean;
  sensitive?: boolean;
  flattened?: boolean;
  timestampFormat?: string;
}

export interface OperationModel {
  name: string;
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: { shape: string }[];
  authtype?: string;
  auth?: string[];
}

export interface ServiceModel {
  metadata: {
    apiVersion: string;
    endpointPrefix: string;
    protocol: string;
    targetPrefix?: string;
    xmlNamespace?: string;
    signingName?: string;
  };
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}

export type ServiceName = 'iam' | 'sts' | 'cognito-identity' | 'cognito-sync';

const cache = new Map<ServiceName, ServiceModel>();

/** Loads a model from `models/aws/` (same relative place from `src/` and from `dist/`). */
export function loadModel(name: ServiceName): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    const url = new URL(`../../../models/aws/${name}.json`, import.meta.url);
    model = JSON.parse(readFileSync(url, 'utf8')) as ServiceModel;
    cache.set(name, model);
  }
  return model;
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} is not in the ${model.metadata.endpointPrefix} model`);
  return shape;
}

/** `IdentityPoolName` → `identityPoolName`, as AWS names members in validation messages. */
export const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
