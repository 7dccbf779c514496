import type { FastifyReply, FastifyRequest } from 'fastify';
import { faultStatus, rawPathOf, type KernelFault, type PathErrors, type WireResponse } from '../../http/framework-errors.js';
import { loginCsp } from '../../login/html.js';
import { messagePage } from '../../login/pages.js';
import { legacyError } from './errors.js';
import { rateLimitHeaders, type RateDecision } from './rate-limit.js';

/** A request body as a flat record: JSON objects and form bodies both accepted (§1.1). */
export function parseBody(req: FastifyRequest): Record<string, unknown> | undefined {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(text || '{}');
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The client's address for rate limits, brute-force counters and logs: the peer's, or behind a
 * trusted reverse proxy (`--trust-proxy`) the one its X-Forwarded-For names — fastify resolves it.
 */
export const clientIp = (req: FastifyRequest): string => req.ip || 'unknown';

/** §1.1 CORS for Auth0 JSON endpoints called from browsers (headers A0JS/Lock send, incl. Auth0-Client). */
export const AUTH0_PREFLIGHT_HEADERS: Record<string, string> = {
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'content-type, auth0-client, authorization, x-request-language, dpop',
  'access-control-max-age': '86400',
};

/**
 * What a token-family answer (/oauth/token, /userinfo) carries for a browser origin the client
 * allows, as oidc-provider's client-based CORS gives it: the origin, and WWW-Authenticate readable.
 */
export const allowedOriginHeaders = (origin: string): Record<string, string> => ({
  'access-control-allow-origin': origin,
  'access-control-expose-headers': 'WWW-Authenticate',
  vary: 'Origin',
});

export function corsHeaders(req: FastifyRequest, allowed: (origin: string) => boolean): Record<string, string> {
  const origin = req.headers.origin;
  return origin && allowed(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
}

/** 429 in the OAuth shape with X-RateLimit-* headers (§1.1). */
export function tooManyRequests(reply: FastifyReply, d: RateDecision): FastifyReply {
  return reply
    .code(429)
    .headers(rateLimitHeaders(d))
    .send({ error: 'too_many_requests', error_description: 'Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.' });
}

/** Security headers of every HTML page we render ourselves. */
export function htmlHeaders(csp: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

/** Where the Authentication API and Universal Login live (auth0-api.md §1, §2, §6.1). */
const AUTH0_PATH_PREFIXES = ['/oauth/', '/userinfo', '/.well-known/', '/authorize', '/oidc/logout', '/v2/logout', '/dbconnections/', '/u/'];
/** Of those, the pages a browser navigates to: they answer with an error page, not JSON. */
const PAGE_PREFIXES = ['/authorize', '/oidc/logout', '/v2/logout', '/u/'];

const FAULT_TEXT: Record<KernelFault | 'internal', string> = {
  bad_url: 'Invalid request path: malformed percent-encoding.',
  url_too_long: 'Request URI too long.',
  too_large: 'Request entity too large.',
  bad_request: 'Malformed request.',
  internal: 'Internal error',
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Kernel faults (a URL that does not decode, a body over the limit) and errors a handler let
 * escape, in the shape each Auth0 path speaks (§1.15): the legacy shape on /dbconnections/*, an
 * error page on browser pages, OAuth `{error, error_description}` everywhere else.
 */
export const auth0PathErrors: PathErrors = {
  owns: (rawPath) => AUTH0_PATH_PREFIXES.some((p) => rawPath.startsWith(p)),
  render(fault, req): WireResponse {
    const path = rawPathOf(req);
    const status = faultStatus(fault);
    const text = FAULT_TEXT[fault ?? 'internal'];
    if (path.startsWith('/dbconnections/')) {
      const code = fault === 'too_large' ? 'payload_too_large' : fault ? 'invalid_request' : 'internal_error';
      const e = legacyError(status, fault ? 'BadRequestError' : 'Error', code, text);
      return { status, headers: JSON_HEADERS, body: JSON.stringify(e.body) };
    }
    if (PAGE_PREFIXES.some((p) => path.startsWith(p))) {
      return { status, headers: htmlHeaders(loginCsp()), body: messagePage('Oops!, something went wrong', text, { role: 'alert' }) };
    }
    return { status, headers: JSON_HEADERS, body: JSON.stringify({ error: fault ? 'invalid_request' : 'server_error', error_description: text }) };
  },
};
