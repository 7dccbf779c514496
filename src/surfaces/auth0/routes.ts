import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { STYLESHEET_PATH } from '../../login/html.js';
import { LOGIN_CSS } from '../../login/style.js';
import { bootstrapTenant } from './bootstrap.js';
import { registerDbConnectionRoutes } from './dbconnections.js';
import { clientIp, tooManyRequests } from './http.js';
import { registerInteractionRoutes } from './interactions.js';
import { registerLogoutRoutes } from './logout.js';
import { isProviderPath, mountProvider, ProviderHolder } from './mount.js';
import { registerResetPasswordRoutes } from './reset-password.js';
import { createAuth0Services, type Auth0Services } from './services.js';

const AUTH0_PREFIXES = ['/dbconnections/', '/u/', '/v2/logout'];

/**
 * The Auth0 Authentication API and Universal Login (auth0-api.md §1, §2, §6.1) on the shared
 * fastify kernel: oidc-provider serves the OAuth/OIDC endpoints (mount.ts), fastify the rest.
 * Call before `listen`; the provider itself is built on the first request (final issuer).
 */
export async function registerAuth0Routes(app: FastifyInstance, ctx: AppContext): Promise<Auth0Services> {
  const s = createAuth0Services(ctx);
  await bootstrapTenant(s);
  const holder = new ProviderHolder(s);

  // §5 rate limits on the Authentication API (per IP, per process), before anything else runs.
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (!isProviderPath(path) && !AUTH0_PREFIXES.some((p) => path.startsWith(p))) return;
    const decision = s.limiter.hit(`global:${clientIp(req)}`, s.rateRules.global);
    if (!decision.allowed) return tooManyRequests(reply, decision);
  });
  mountProvider(app, s, holder);
  registerDbConnectionRoutes(app, s);
  registerLogoutRoutes(app, s, holder);
  registerResetPasswordRoutes(app, s);
  registerInteractionRoutes(app, s, holder);
  app.get(STYLESHEET_PATH, async (_req, reply) =>
    reply.code(200).headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).send(LOGIN_CSS),
  );
  return s;
}
