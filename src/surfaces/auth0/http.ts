import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** Remote address for rate limits and brute-force counters (no proxy trust by default). */
export const clientIp = (req: FastifyRequest): string => req.raw.socket.remoteAddress ?? 'unknown';

/** §1.1 CORS for Auth0 JSON endpoints called from browsers (headers A0JS/Lock send, incl. Auth0-Client). */
export const AUTH0_PREFLIGHT_HEADERS: Record<string, string> = {
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'content-type, auth0-client, authorization, x-request-language, dpop',
  'access-control-max-age': '86400',
};

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
