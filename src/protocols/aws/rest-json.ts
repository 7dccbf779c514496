import { AppError } from '../../core/errors.js';
import { jsonAuthErrors, mapError } from './errors.js';
import { headerSafe } from './json-rpc.js';
import type { ServiceModel } from './model.js';
import { invoke } from './operation.js';
import { decodeRestJsonInput, decodeSegment, encodeRestJsonOutput } from './rest-json-bindings.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from './surface.js';
import { validateInput } from './validate.js';

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
export function matchRestJson(surface: AwsSurface, method: string, rawPath: string): { name: string; pathParams: Record<string, string> } | undefined {
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

/** restJson1: method + `requestUri` template select the operation; JSON out, errors per aws-apis.md §0.4. */
export async function dispatchRestJson(surface: AwsSurface, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  const requestId = deps.requestId();
  try {
    const matched = matchRestJson(surface, req.method, req.rawPath);
    const op = matched ? surface.operations[matched.name] : undefined;
    const model = matched ? surface.model.operations[matched.name] : undefined;
    if (!matched || !op || !model) throw new AppError('RouteNotFound', `No operation matches ${req.method} ${req.rawPath}`);
    const { principal, region } = await deps.authenticate(req, surface, op.auth);
    const input = model.input ? decodeRestJsonInput(surface.model, model.input.shape, req, matched.pathParams) : {};
    if (model.input) {
      const problem = validateInput(surface.model, model.input.shape, input);
      if (problem) throw new AppError('ValidationError', problem);
    }
    const output = await invoke(op, input, {
      requestId,
      now: deps.now(),
      sourceIp: req.sourceIp,
      principal,
      region,
      headers: req.headers,
      pathParams: matched.pathParams,
    });
    const encoded = encodeRestJsonOutput(surface.model, model.output?.shape, output);
    return {
      status: encoded.status ?? model.http.responseCode ?? 200,
      headers: { ...encoded.headers, 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: encoded.body,
    };
  } catch (e) {
    return renderRestJsonError(surface, e, requestId, deps);
  }
}

/** Header `x-amzn-errortype` and body `__type` + `message`; the status from the model's error shape. */
export function renderRestJsonError(surface: AwsSurface, e: unknown, requestId: string, deps: Pick<DispatchDeps, 'onInternalError'>): AwsHttpResponse {
  const err = mapError(e, { ...jsonAuthErrors, RouteNotFound: { name: 'UnknownOperationException', status: 404 }, ...surface.errors }, surface.internalErrorName);
  if (err.internal) deps.onInternalError(e, requestId);
  const modeled = surface.model.shapes[err.name];
  const status = modeled?.exception && modeled.error?.httpStatusCode ? modeled.error.httpStatusCode : err.status;
  return {
    status,
    headers: {
      'content-type': CONTENT_TYPE,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': `${err.name}:`,
      'x-amzn-errormessage': headerSafe(err.message),
    },
    body: JSON.stringify({ __type: err.name, message: err.message }),
  };
}
