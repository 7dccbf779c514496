import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { DispatchDeps } from '../protocols/aws/surface.js';
import { registerRestJsonRoutes } from './rest-routes.js';
import { AWS_CORS_HEADERS, kernelError, registerAwsRoutes, send, toAwsRequest, type AwsSurfaces } from './aws-routes.js';
import { kernelFault, pathErrorsOf, rawPathOf, type KernelFault } from './framework-errors.js';

export interface HttpServerOptions {
  bodyLimit: number;
  https?: { key: string; cert: string };
  surfaces: AwsSurfaces;
  deps: DispatchDeps;
  /** Trusted reverse proxies (IPs, CIDRs, named ranges): `req.ip` is then the client X-Forwarded-For names. */
  trustProxy?: readonly string[];
  /** Further routes (OIDC discovery of the Cognito token issuer, the Auth0 surfaces). */
  register?: (app: FastifyInstance) => void | Promise<void>;
  ready: () => boolean;
}

/**
 * Path parameters are ids (Auth0 user ids such as `samlp|corp|someone@example.com`, interaction
 * uids): fastify's default of 100 characters would turn a long id into a router error instead of
 * the surface's own "does not exist".
 */
const MAX_PARAM_LENGTH = 2048;

/** A kernel fault (or an internal error) on a path no surface claimed: the AWS protocols' answer. */
function awsKernelError(fault: KernelFault | undefined): AppError {
  switch (fault) {
    case 'too_large':
      return new AppError('PayloadTooLarge', 'Request entity too large');
    case 'bad_url':
    case 'url_too_long':
    case 'bad_request':
      return new AppError('MalformedRequest', 'Malformed request');
    default:
      return new AppError('Internal', 'internal');
  }
}

/**
 * The HTTP kernel: one listener for every surface. Bodies are kept raw (SigV4 hashes the
 * exact bytes); each surface decodes its own protocol. Errors fastify raises itself (a URL that
 * does not decode, a body over the limit) answer in the shape of the surface that claimed the
 * path (framework-errors.ts), the AWS protocols' everywhere else; never fastify's own shape.
 */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { deps, surfaces } = options;
  const onError = (error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const fault = kernelFault(error);
    if (!fault) deps.onInternalError(error, 'kernel');
    const owner = pathErrorsOf(app, rawPathOf(req));
    if (!owner) return send(reply, kernelError(surfaces, toAwsRequest(req), awsKernelError(fault), deps)).header('x-content-type-options', 'nosniff');
    const res = owner.render(fault, req);
    return reply.code(res.status).headers(res.headers).header('x-content-type-options', 'nosniff').send(res.body);
  };

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    ...(options.https ? { https: options.https } : {}),
    // Without trusted proxies req.ip is the peer's address and X-Forwarded-For is ignored.
    trustProxy: options.trustProxy?.length ? [...options.trustProxy] : false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router failures (before any route, hook or error handler): same treatment as the rest.
    frameworkErrors: (error, req, reply) => onError(error, req, reply),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A callback hook, not an async one: no promise per response.
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });

  app.setErrorHandler((error, req, reply) => onError(error, req, reply));

  app.options('/*', async (_req, reply) => reply.code(204).headers(AWS_CORS_HEADERS).send());
  app.options('/', async (_req, reply) => reply.code(204).headers(AWS_CORS_HEADERS).send());
  app.get('/health', async (_req, reply) =>
    options.ready() ? reply.code(200).send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );
  registerAwsRoutes(app, options.surfaces, options.deps);
  registerRestJsonRoutes(app, options.surfaces.rest, options.deps);
  await options.register?.(app);
  return app;
}
