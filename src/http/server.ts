import Fastify, { type FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';
import type { DispatchDeps } from '../protocols/aws/surface.js';
import { registerRestJsonRoutes } from './rest-routes.js';
import { AWS_CORS_HEADERS, kernelError, registerAwsRoutes, send, toAwsRequest, type AwsSurfaces } from './aws-routes.js';

export interface HttpServerOptions {
  bodyLimit: number;
  https?: { key: string; cert: string };
  surfaces: AwsSurfaces;
  deps: DispatchDeps;
  /** Further routes (OIDC discovery of the Cognito token issuer, later the Auth0 surface). */
  register?: (app: FastifyInstance) => void | Promise<void>;
  ready: () => boolean;
}

/**
 * The HTTP kernel: one listener for every surface. Bodies are kept raw (SigV4 hashes the
 * exact bytes); each surface decodes its own protocol.
 */
export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit,
    ...(options.https ? { https: options.https } : {}),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: 65_000,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // A callback hook, not an async one: no promise per response.
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done(null, payload);
  });

  app.setErrorHandler(async (error, req, reply) => {
    const { deps, surfaces } = options;
    const code = (error as { code?: string }).code;
    const appError =
      code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new AppError('PayloadTooLarge', 'Request entity too large')
        : code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? new AppError('MalformedRequest', 'Malformed request')
          : undefined;
    if (!appError) deps.onInternalError(error, 'kernel');
    const res = kernelError(surfaces, toAwsRequest(req), appError ?? new AppError('Internal', 'internal'), deps);
    return send(reply, res);
  });

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
