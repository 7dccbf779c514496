import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { claimPathErrors } from '../../http/framework-errors.js';
import { STYLESHEET_PATH } from '../../login/html.js';
import { LOGIN_CSS } from '../../login/style.js';
import { bootstrapTenant } from './bootstrap.js';
import { registerDbConnectionRoutes } from './dbconnections.js';
import { auth0PathErrors, clientIp, tooManyRequests } from './http.js';
import { registerInteractionRoutes } from './interactions.js';
import { registerLogoutRoutes } from './logout.js';
import { isProviderPath, mountProvider, PROVIDER_ROUTES, ProviderHolder } from './mount.js';
import { registerResetPasswordRoutes } from './reset-password.js';
import { createAuth0Services, type Auth0Services } from './services.js';

const AUTH0_PREFIXES = ['/dbconnections/', '/u/', '/v2/logout'];

const notFound = (_req: FastifyRequest, reply: FastifyReply): void => reply.callNotFound();

/** §5 rate limit on the Authentication API, per IP, per process; a callback hook: no promise per request. */
function globalRateLimit(s: Auth0Services): onRequestHookHandler {
  return function auth0GlobalRateLimit(req, reply, done) {
    if (s.rateRules.global.limit === 0) return done(); // the default: no volume limit
    const path = (req.raw.url ?? '').split('?', 1)[0] ?? '';
    if (!isProviderPath(path) && !AUTH0_PREFIXES.some((p) => path.startsWith(p))) return done();
    const decision = s.limiter.hit(`global:${clientIp(req)}`, s.rateRules.global);
    if (decision.allowed) return done();
    tooManyRequests(reply, decision);
  };
}

/**
 * oidc-provider reads its own bodies (mount.ts), past fastify's body limit: a body announced over
 * the limit is refused here, in the path's shape, before anything reads it. fastify's own routes
 * would refuse it the same way a moment later.
 */
function announcedBodyLimit(s: Auth0Services): onRequestHookHandler {
  return function auth0BodyLimit(req, reply, done) {
    if (!(Number(req.headers['content-length']) > s.ctx.config.bodyLimit)) return done();
    const res = auth0PathErrors.render('too_large', req);
    // The body stays unread: the connection cannot carry another request (as fastify does).
    reply.code(res.status).headers(res.headers).header('connection', 'close').send(res.body);
  };
}

/**
 * The Auth0 Authentication API and Universal Login (auth0-api.md §1, §2, §6.1) on the shared
 * fastify kernel: oidc-provider serves the OAuth/OIDC endpoints (mount.ts), fastify the rest.
 * Everything lives in one encapsulated plugin, so its onRequest hooks (rate limit, body limit,
 * the hand-over to oidc-provider) run for these routes only: AWS traffic on the same listener
 * (`POST /`, `/identitypools*`, `/health`) never enters them.
 * Call before `listen`; the provider itself is built on the first request (final issuer).
 */
export async function registerAuth0Routes(app: FastifyInstance, ctx: AppContext): Promise<Auth0Services> {
  const s = createAuth0Services(ctx);
  await bootstrapTenant(s);
  const holder = new ProviderHolder(s);
  claimPathErrors(app, auth0PathErrors);

  await app.register(async (scope) => {
    // Hooks run in the order added: count the request first (§5), then refuse an oversized body.
    scope.addHook('onRequest', globalRateLimit(s));
    scope.addHook('onRequest', announcedBodyLimit(s));
    mountProvider(scope, s, holder);
    // oidc-provider's paths are routes of this scope so that its hooks run for them; mount.ts hands
    // them over in its hook, and this handler only answers a sub-path it declines (every method:
    // oidc-provider answers CORS preflights and wrong methods itself).
    for (const url of PROVIDER_ROUTES) scope.all(url, notFound);
    registerDbConnectionRoutes(scope, s);
    registerLogoutRoutes(scope, s, holder);
    registerResetPasswordRoutes(scope, s);
    registerInteractionRoutes(scope, s, holder);
    scope.get(STYLESHEET_PATH, async (_req, reply) =>
      reply.code(200).headers({ 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }).send(LOGIN_CSS),
    );
    // Unknown paths under the Auth0 prefixes still count against the limit, as before; OPTIONS
    // stays with the kernel's preflight answer.
    for (const url of ['/dbconnections/*', '/u/*']) scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'], url, handler: notFound });
  });
  return s;
}
