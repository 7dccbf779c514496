import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * What went wrong before (or outside) a surface's handler, in the kernel's words: fastify's own
 * errors, which otherwise answer in fastify's shape, not the wire shape clients of the path expect.
 */
export type KernelFault =
  /** percent-escapes in the path that do not decode (FST_ERR_BAD_URL) */
  | 'bad_url'
  /** a path parameter over the router's length limit (FST_ERR_MAX_PARAM_LENGTH) */
  | 'url_too_long'
  /** a body over the route's limit (FST_ERR_CTP_BODY_TOO_LARGE) */
  | 'too_large'
  /** any other client error fastify names: a Content-Length that lies, an empty JSON body… */
  | 'bad_request';

/** The HTTP status of each fault (an internal error is a 500). */
export const faultStatus = (fault: KernelFault | undefined): number =>
  fault === 'too_large' ? 413 : fault === 'url_too_long' ? 414 : fault ? 400 : 500;

/** fastify's error → its fault; undefined for anything else (an internal error: log it, answer opaquely). */
export function kernelFault(error: unknown): KernelFault | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (code === 'FST_ERR_BAD_URL') return 'bad_url';
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return 'url_too_long';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'too_large';
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? 'bad_request' : undefined;
}

/** A whole answer, so that a surface's error rendering stays a pure function. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A surface's claim on its paths for kernel faults and for errors its handlers let escape. The
 * AWS protocols answer every path nobody claimed (they own `/` and `/identitypools*`).
 */
export interface PathErrors {
  /** Cheap and synchronous: is this raw path (no query string, not decoded) the surface's? */
  owns(rawPath: string): boolean;
  /** The fault in the surface's shape; `undefined` is an internal error, already logged. */
  render(fault: KernelFault | undefined, req: FastifyRequest): WireResponse;
}

const claims = new WeakMap<FastifyInstance, PathErrors[]>();

/** Claims paths on the root instance (the one `buildHttpServer` made); call before `listen`. */
export function claimPathErrors(app: FastifyInstance, errors: PathErrors): void {
  const list = claims.get(app);
  if (list) list.push(errors);
  else claims.set(app, [errors]);
}

/** The surface that claimed `rawPath`, if any. */
export function pathErrorsOf(app: FastifyInstance, rawPath: string): PathErrors | undefined {
  return claims.get(app)?.find((c) => c.owns(rawPath));
}

/** The path of the request line, before any decoding. */
export function rawPathOf(req: FastifyRequest): string {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
