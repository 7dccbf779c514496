import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginCsp } from '../../login/html.js';
import { messagePage } from '../../login/pages.js';
import { clientIp, htmlHeaders, str } from './http.js';
import type { ProviderHolder } from './mount.js';
import type { Auth0Services } from './services.js';

/** Auth0 matches returnTo exactly against the list; a trailing slash on either side is tolerated. */
const matches = (allowed: readonly string[], url: string): boolean => {
  const norm = (u: string): string => u.replace(/\/+$/, '');
  return allowed.some((a) => norm(a) === norm(url));
};

/**
 * GET /v2/logout (auth0-api.md §1.11, §10.13): ends the `auth0` session, then redirects to
 * `returnTo` when the client's (or, without client_id, the tenant's) allowed_logout_urls has
 * it; without returnTo, to the first allowed URL. Anything else is a 400 page, no redirect.
 */
export function registerLogoutRoutes(app: FastifyInstance, s: Auth0Services, holder: ProviderHolder): void {
  app.get('/v2/logout', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const clientId = str(q['client_id']);
    const returnTo = str(q['returnTo']);
    let allowed: string[];
    if (clientId) {
      const found = await s.apps.find(clientId);
      if (!found) return fail(reply, 'Invalid client_id.');
      allowed = found.app.allowed_logout_urls;
    } else {
      allowed = (await s.tenant.get()).allowed_logout_urls;
    }
    const target = returnTo ?? allowed[0];
    if (returnTo && !matches(allowed, returnTo)) {
      return fail(reply, `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`);
    }
    await endSession(s, holder, req, reply);
    if (!target) return reply.code(200).headers(htmlHeaders(loginCsp())).send(messagePage('Logged out', 'You have been logged out.'));
    return reply.code(302).header('location', target).header('cache-control', 'no-store').send();
  });
}

const fail = (reply: FastifyReply, detail: string): FastifyReply =>
  reply.code(400).headers(htmlHeaders(loginCsp())).send(messagePage('Oops!, something went wrong', 'The logout request could not be completed.', { role: 'alert', detail }));

/** Destroys oidc-provider's session for the browser's `auth0` cookie and expires the cookie. */
async function endSession(s: Auth0Services, holder: ProviderHolder, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const provider = await holder.forRequest(req.raw, clientIp(req));
  const kctx = provider.createContext(req.raw, reply.raw);
  const session = await provider.Session.get(kctx);
  if (session.accountId) await session.destroy();
  const secure = s.issuer().startsWith('https:') ? '; SameSite=None; Secure' : '; SameSite=Lax';
  const gone = 'Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly';
  reply.header('set-cookie', [`auth0=; ${gone}${secure}`, `auth0.sig=; ${gone}${secure}`]);
}
