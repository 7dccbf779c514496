import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkCsrf, csrfToken } from '../../login/csrf.js';
import { loginCsp } from '../../login/html.js';
import { messagePage, resetPasswordPage } from '../../login/pages.js';
import { htmlHeaders, parseBody, str } from './http.js';
import type { Auth0Services } from './services.js';

const PATH = '/u/reset-password';

/** The page behind the emailed link (§6.1 `/u/reset-password`): CSRF-bound to the ticket. */
export function registerResetPasswordRoutes(app: FastifyInstance, s: Auth0Services): void {
  const key = async (): Promise<Buffer> => (await s.ctx.keyRing.keys('auth0-login-csrf'))[0]?.key ?? Buffer.alloc(32);
  const html = (reply: FastifyReply, status: number, body: string): FastifyReply => reply.code(status).headers(htmlHeaders(loginCsp())).send(body);
  const invalid = (reply: FastifyReply): FastifyReply => html(reply, 400, messagePage('Link expired', 'This link has expired or was already used. Request a new one.', { role: 'alert' }));
  const action = (ticket: string): string => `${PATH}?ticket=${encodeURIComponent(ticket)}`;

  app.get(PATH, async (req: FastifyRequest, reply) => {
    const ticket = str((req.query as Record<string, unknown>)['ticket']);
    const found = ticket ? await s.reset.peek(ticket) : undefined;
    if (!ticket || !found) return invalid(reply);
    return html(reply, 200, resetPasswordPage(action(ticket), csrfToken(await key(), `reset:${ticket}`), { email: found.email }));
  });

  app.post(PATH, async (req: FastifyRequest, reply) => {
    const ticket = str((req.query as Record<string, unknown>)['ticket']);
    const body = parseBody(req) ?? {};
    if (!ticket || !checkCsrf(await key(), `reset:${ticket}`, body['_csrf'])) return invalid(reply);
    const outcome = await s.reset.redeem(ticket, str(body['password']) ?? '');
    if (outcome.ok) return html(reply, 200, messagePage('Password changed', 'Your password has been changed. You can now log in with it.'));
    if (outcome.reason === 'invalid_ticket') return invalid(reply);
    const csrf = csrfToken(await key(), `reset:${ticket}`);
    return html(reply, 400, resetPasswordPage(action(ticket), csrf, { error: 'Password is too weak.', policy: outcome.policy.split('\n').map((l) => l.replace(/^\s*\*\s*/, '')) }));
  });
}
