import type { FastifyInstance } from 'fastify';
import type { ServeConfig } from '../config/schema.js';
import { defaultIssuer } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { requestId } from '../core/ids.js';
import { ensureLocalTls } from '../core/tls/local-ca.js';
import { buildHttpServer } from '../http/server.js';
import { createCognitoSyncSurface } from '../surfaces/cognito-sync/surface.js';
import { createSyncWebhooks } from './sync-webhooks.js';
import { createCognitoIdentitySurface, registerCognitoIdentityRoutes } from '../surfaces/cognito-identity/surface.js';
import { createIamSurface } from '../surfaces/iam/surface.js';
import { createStsSurface } from '../surfaces/sts/surface.js';
import { registerAuth0Routes } from '../surfaces/auth0/routes.js';
import { registerManagementRoutes } from '../surfaces/management/routes.js';
import { closeTenantLog } from '../surfaces/management/log-sink.js';
import { createAuthenticator } from './authenticator.js';
import { createBaseContext, type AppContext } from './context.js';
import { wireIam } from './iam-wiring.js';
import type { Logger } from './logger.js';
import type { RootCredentials } from './secrets.js';
import { join } from 'node:path';

export interface RunningServer {
  /** Base URL clients use (scheme, host, bound port). */
  url: string;
  port: number;
  context: AppContext;
  http: FastifyInstance;
  /** Stops accepting, drains in-flight requests, closes storage. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: ServeConfig;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  onGeneratedRoot?: (root: RootCredentials) => void;
}

/** Builds the app and listens. Used by `cognate serve` (each worker) and by in-process tests. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const base = await createBaseContext(options);
  const context: AppContext = { ...base, ...wireIam(base) };
  let ready = false;
  const tls = config.tls === 'auto' ? await ensureLocalTls(join(config.data, 'tls')) : undefined;
  const syncWebhooks = createSyncWebhooks(context, context.env);
  const deps = {
    authenticate: createAuthenticator(base),
    now: () => context.clock.now(),
    requestId,
    onInternalError: (e: unknown, id: string) =>
      logger.error({ requestId: id, err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'internal error'),
  };
  const http = await buildHttpServer({
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    ...(tls ? { https: { key: tls.keyPem, cert: tls.certChainPem } } : {}),
    surfaces: {
      json: [createCognitoIdentitySurface(context)],
      query: [createIamSurface(context), createStsSurface(context)],
      rest: [createCognitoSyncSurface(context, syncWebhooks)],
    },
    deps,
    register: async (app) => {
      registerCognitoIdentityRoutes(app, context);
      const auth0 = await registerAuth0Routes(app, context);
      await registerManagementRoutes(app, context, auth0);
    },
    ready: () => ready,
  });
  await http.listen({ port: config.port, host: config.host });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (!config.issuerExplicit && config.port === 0) config.issuer = defaultIssuer(config.tls, config.host, port);
  ready = true;
  syncWebhooks.deliverer.start();
  const url = `${config.tls === 'auto' ? 'https' : 'http'}://${config.tls === 'auto' ? 'localhost' : config.host}:${port}`;
  return {
    url,
    port,
    context,
    http,
    close: async () => {
      ready = false;
      await http.close();
      await syncWebhooks.deliverer.stop();
      await closeTenantLog(context);
      await context.storage.close();
    },
  };
}
