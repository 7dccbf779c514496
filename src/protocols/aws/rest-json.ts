import { AppError } from '../../core/errors.js';
import { jsonAuthErrors } from './errors.js';
import { encodeJsonError } from './json-codec.js';
import type { ServiceModel } from './model.js';
import { runPipeline, type AwsProtocol } from './pipeline.js';
import { decodeRestJsonInput, decodeSegment, encodeRestJsonOutput } from './rest-json-bindings.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';

export { decodeRestJsonInput, encodeRestJsonOutput } from './rest-json-bindings.js';

const CONTENT_TYPE = 'application/json';

/** One `requestUri` template, split into literal and label segments. */
interface Route {
  name: string;
  method: string;
  segments: { literal?: string; label?: string; greedy?: boolean }[];
  literals: number;
}

const routeCache = new WeakMap<ServiceModel, Route[]>();

function routesOf(model: ServiceModel): Route[] {
  let routes = routeCache.get(model);
  if (!routes) {
    routes = Object.entries(model.operations).map(([name, op]) => {
      const path = op.http.requestUri.split('?')[0] ?? '/';
      const segments = path.split('/').filter((s) => s !== '').map((s) => {
        const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
        return m ? { label: m[1]!, greedy: m[2] === '+' } : { literal: s };
      });
      return { name, method: op.http.method.toUpperCase(), segments, literals: segments.filter((s) => s.literal !== undefined).length };
    });
    // Most literal segments first, so `/x/{Id}/events` wins over `/x/{Id}/{Other}`.
    routes.sort((a, b) => b.literals - a.literals);
    routeCache.set(model, routes);
  }
  return routes;
}

/**
 * Finds the operation whose method and `requestUri` template match a raw (still
 * percent-encoded) path. Labels come back decoded (aws-apis.md §7.1: `%3A` → `:`); the
 * raw path itself is left alone for SigV4 (§6.2).
 */
export function matchRestJson(surface: AwsSurface, method: string, rawPath: string): RestJsonMatch | undefined {
  const raw = rawPath.split('/').filter((s) => s !== '');
  const parts = raw.map(decodeSegment);
  if (parts.some((p) => p === undefined)) return undefined;
  const wanted = method.toUpperCase();
  for (const route of routesOf(surface.model)) {
    if (route.method !== wanted) continue;
    const params = matchSegments(route, parts as string[]);
    if (params) return { name: route.name, pathParams: params };
  }
  return undefined;
}

function matchSegments(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    if (seg.greedy && seg.label) {
      if (i >= parts.length) return undefined;
      params[seg.label] = parts.slice(i).join('/');
      return i === route.segments.length - 1 ? params : undefined;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.literal !== undefined ? seg.literal !== part : part === '') return undefined;
    if (seg.label) params[seg.label] = part;
  }
  return parts.length === route.segments.length ? params : undefined;
}

/** The operation a restJson1 request's method and path select, with its decoded path labels. */
export interface RestJsonMatch {
  name: string;
  pathParams: Record<string, string>;
}

/** restJson1: method + `requestUri` template select the operation; JSON out, errors per aws-apis.md §0.4. The wire part is the match. */
export const restJson: AwsProtocol<RestJsonMatch | undefined> = {
  errors: { ...jsonAuthErrors, RouteNotFound: { name: 'UnknownOperationException', status: 404 } },
  operationName: (_surface, _req, matched) => matched?.name ?? '',
  unknownOperation: (req) => new AppError('RouteNotFound', `No operation matches ${req.method} ${req.rawPath}`),
  decodeInput: (surface, operation, req, matched) => (operation.input ? decodeRestJsonInput(surface.model, operation.input.shape, req, matched?.pathParams ?? {}) : {}),
  pathParams: (matched) => matched?.pathParams ?? {},
  encodeOutput(surface, _name, operation, output, requestId) {
    const encoded = encodeRestJsonOutput(surface.model, operation.output?.shape, output);
    return {
      status: encoded.status ?? operation.http.responseCode ?? 200,
      headers: { ...encoded.headers, 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: encoded.body,
    };
  },
  encodeError(surface, err, requestId) {
    // The status of a modeled error comes from the model's error shape.
    const modeled = surface.model.shapes[err.name];
    const status = modeled?.exception && modeled.error?.httpStatusCode ? modeled.error.httpStatusCode : err.status;
    return encodeJsonError(CONTENT_TYPE, status, err, requestId);
  },
};

/** Dispatches to `surface`; `matched` is the router's own match of this surface, when it has one. */
export function dispatchRestJson(surface: AwsSurface, req: AwsHttpRequest, deps: DispatchDeps, matched = matchRestJson(surface, req.method, req.rawPath)): Promise<AwsHttpResponse> {
  return runPipeline(restJson, surface, req, matched, deps);
}
