import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { claimPathErrors, type PathErrors } from '../../http/framework-errors.js';
import { rateLimitHeaders, type RateDecision } from '../auth0/rate-limit.js';
import { requireScope, type Caller } from './auth.js';
import { badRequest, boom, faultToBoom, toBoom, tooManyRequests, type Boom } from './errors.js';
import type { Query } from './shapes.js';
import type { Mgmt } from './context.js';

/** A Management API operation (auth0-api.md §4.3), mounted under `/api/v2`. */
export interface Operation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** fastify path below /api/v2, e.g. `/users/:id` (params arrive url-decoded, §4.2) */
  path: string;
  /** any one of these scopes is enough */
  scopes: readonly string[];
  /** for `sapi` log events, e.g. "Create a User" */
  description: string;
  handle(req: OpRequest): Promise<OpResult>;
}

export interface OpRequest {
  params: Record<string, string>;
  query: Query;
  body: unknown;
  caller: Caller;
  /** `/api/v2/...` without the query string */
  path: string;
}

export interface OpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const PREFIX = '/api/v2';
/** Auth0 accepts JSON bodies up to 1 MB (§4.2). */
export const BODY_LIMIT = 1_048_576;

const JSON_TYPE = 'application/json; charset=utf-8';

function parseBody(req: FastifyRequest): unknown {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (text.trim() === '') return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type && !type.startsWith('application/json') && !type.includes('+json')) throw badRequest('Unsupported Media Type: expected application/json', 'invalid_body');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Invalid request payload JSON format', 'invalid_body');
  }
}

export function sendBoom(reply: FastifyReply, b: Boom, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(b.statusCode).headers({ ...headers, 'content-type': JSON_TYPE, 'cache-control': 'no-store' }).send(JSON.stringify(b));
}

/** Kernel faults under /api/v2 (a URL that does not decode, a body over 1 MB…) in the Boom shape, never the AWS one. */
const pathErrors: PathErrors = {
  owns: (rawPath) => rawPath === PREFIX || rawPath.startsWith(`${PREFIX}/`),
  render: (fault) => {
    const b = faultToBoom(fault, BODY_LIMIT);
    return { status: b.statusCode, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store' }, body: JSON.stringify(b) };
  },
};

/** Mounts operations: rate limit, bearer auth, scope check, body parsing, Boom errors, `sapi`/`fapi` events. */
export function mountOperations(app: FastifyInstance, m: Mgmt, ops: readonly Operation[]): void {
  claimPathErrors(app, pathErrors);
  for (const op of ops) {
    app.route({
      method: op.method,
      url: `${PREFIX}${op.path}`,
      bodyLimit: BODY_LIMIT,
      handler: async (req, reply) => {
        let rate: RateDecision | undefined;
        let caller: Caller | undefined;
        const path = req.url.split('?', 1)[0] ?? '';
        try {
          caller = await m.verifier.verify(req.headers.authorization);
          rate = m.limiter.hit(`mgmt:${caller.clientId}`, m.rateRule);
          if (!rate.allowed) throw tooManyRequests('Global limit has been reached');
          requireScope(caller, op.scopes);
          const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : parseBody(req);
          const result = await op.handle({ params: req.params as Record<string, string>, query: (req.query ?? {}) as Query, body, caller, path });
          if (op.method !== 'GET') m.apiEvent(op, caller, path, result.status, req);
          const headers = { ...rateLimitHeaders(rate), 'cache-control': 'no-store', ...result.headers };
          if (result.body === undefined) return reply.code(result.status).headers(headers).send();
          return reply.code(result.status).headers({ ...headers, 'content-type': JSON_TYPE }).send(JSON.stringify(result.body));
        } catch (e) {
          const b = toBoom(e);
          if (b.statusCode >= 500) m.s.ctx.logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e), path }, 'management api error');
          if (caller && op.method !== 'GET' && b.statusCode !== 401) m.apiEvent(op, caller, path, b.statusCode, req);
          const extra: Record<string, string> = rate ? rateLimitHeaders(rate) : {};
          if (b.statusCode === 429 && rate) extra['retry-after'] = String(Math.max(1, rate.reset - Math.floor(m.now() / 1000)));
          return sendBoom(reply, b, extra);
        }
      },
    });
  }
  // Anything else under /api/v2 is a Boom 404, not the AWS kernel's answer.
  app.route({
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: `${PREFIX}/*`,
    bodyLimit: BODY_LIMIT,
    handler: async (_req, reply) => sendBoom(reply, boom(404, 'Not Found')),
  });
}
