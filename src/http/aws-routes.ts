import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { credentialScope } from '../core/sigv4/index.js';
import { dispatchJsonRpc, jsonRpc } from '../protocols/aws/json-rpc.js';
import { renderError } from '../protocols/aws/pipeline.js';
import { awsQuery, dispatchQuery } from '../protocols/aws/query-rpc.js';
import { restJson } from '../protocols/aws/rest-json.js';
import type { AwsHttpRequest, AwsHttpResponse, AwsSurface, DispatchDeps } from '../protocols/aws/surface.js';

/** CORS for browser use of the AWS SDKs (aws-apis.md §0.7). */
export const AWS_CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers':
    'authorization, content-type, x-amz-date, x-amz-security-token, x-amz-target, x-amz-user-agent, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request, x-amz-client-context',
  'access-control-expose-headers': 'x-amzn-requestid, x-amzn-errortype, x-amzn-errormessage, date',
  'access-control-max-age': '86400',
};

export function toAwsRequest(req: FastifyRequest): AwsHttpRequest {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    // Node builds headersDistinct on first access; only SigV4 verification needs it.
    get headersDistinct() {
      return req.raw.headersDistinct;
    },
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    sourceIp: req.ip,
  };
}

export function send(reply: FastifyReply, res: AwsHttpResponse): FastifyReply {
  return reply.code(res.status).headers(AWS_CORS_HEADERS).headers(res.headers).send(res.body);
}

/** A route handler answering with what `route` makes of the request; built once at registration. */
export function awsHandler(route: (req: AwsHttpRequest) => Promise<AwsHttpResponse>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => send(reply, await route(toAwsRequest(req)));
}

export interface AwsSurfaces {
  /** awsJson1_1 surfaces by X-Amz-Target prefix */
  json: AwsSurface[];
  /** awsQuery surfaces (IAM, STS) */
  query: AwsSurface[];
  /** restJson1 surfaces (Cognito Sync) under `/identitypools` */
  rest: AwsSurface[];
}

/** restJson1 paths (Cognito Sync); everything else AWS arrives on `/`. */
export const isRestJsonPath = (rawPath: string): boolean => rawPath === '/identitypools' || rawPath.startsWith('/identitypools/');

/** Picks the awsJson1_1 surface by the `X-Amz-Target` prefix, else the first. */
function pickJsonSurface(surfaces: AwsSurface[], target: string): AwsSurface {
  const prefix = target.slice(0, target.indexOf('.') + 1);
  return surfaces.find((s) => `${s.model.metadata.targetPrefix}.` === prefix) ?? surfaces[0]!;
}

/** Picks the awsQuery surface: the SigV4 scope's service when signed, else the one whose model has the Action. */
function pickQuerySurface(surfaces: AwsSurface[], req: AwsHttpRequest, action: string): AwsSurface | undefined {
  const scope = credentialScope({ headers: req.headers, rawQuery: req.rawQuery });
  if (scope) {
    const bySigning = surfaces.find((s) => s.signingName === scope.service);
    if (bySigning) return bySigning;
  }
  return surfaces.find((s) => s.model.operations[action] !== undefined);
}

/**
 * Routes AWS calls on `/`: by `X-Amz-Target` (awsJson1_1), else by the Query `Action`
 * (form body or query string) and the SigV4 credential scope's service.
 */
export function routeAws(surfaces: AwsSurfaces, req: AwsHttpRequest, deps: DispatchDeps): Promise<AwsHttpResponse> {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return dispatchJsonRpc(pickJsonSurface(surfaces.json, target), target, req, deps);
  const params = new URLSearchParams(req.rawQuery);
  const contentType = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
  }
  const action = params.get('Action') ?? '';
  const surface = pickQuerySurface(surfaces.query, req, action) ?? surfaces.query[0]!;
  return dispatchQuery(surface, params, req, deps);
}

/** Renders kernel-level failures (body too large, unparsable) in the protocol the request used. */
export function kernelError(surfaces: AwsSurfaces, req: AwsHttpRequest, error: AppError, deps: DispatchDeps): AwsHttpResponse {
  const id = deps.requestId();
  const rest = surfaces.rest[0];
  if (rest && isRestJsonPath(req.rawPath)) return renderError(restJson, rest, error, id, deps);
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return renderError(jsonRpc, pickJsonSurface(surfaces.json, target), error, id, deps);
  // The body may be what failed: only the credential scope names the surface, not the Action.
  return renderError(awsQuery, pickQuerySurface(surfaces.query, req, '') ?? surfaces.query[0]!, error, id, deps);
}

export function registerAwsRoutes(app: FastifyInstance, surfaces: AwsSurfaces, deps: DispatchDeps): void {
  const handler = awsHandler((req) => routeAws(surfaces, req, deps));
  app.post('/', handler);
  app.get('/', async (req, reply) => {
    if (!(req.raw.url ?? '').includes('Action=')) return reply.code(200).send({ service: 'cognate' });
    return handler(req, reply);
  });
}
