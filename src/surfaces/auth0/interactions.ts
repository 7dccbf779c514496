import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InteractionDetails } from 'oidc-provider';
import type { LoginOutcome } from '../../core/identity/authenticate.js';
import { BLOCKED_MESSAGE } from '../../core/identity/brute-force.js';
import { SUSPICIOUS_IP_MESSAGE } from '../../core/identity/ip-throttle.js';
import { DEFAULT_DATABASE_CONNECTION, isEnabledFor, type Connection } from '../../core/identity/connections.js';
import { checkCsrf, csrfToken } from '../../login/csrf.js';
import { loginCsp } from '../../login/html.js';
import { forgotPage, loginPage, messagePage, signupPage, type FormContext } from '../../login/pages.js';
import { clientIp, htmlHeaders, parseBody, str } from './http.js';
import type { ProviderHolder } from './mount.js';
import { sendResetMail } from './password-mail.js';
import { logLogin, logPasswordChangeRequest, logSignup } from '../management/auth0-log-hooks.js';
import type { Auth0Services } from './services.js';

type Req = FastifyRequest<{ Params: { uid: string } }>;

interface Transaction {
  details: InteractionDetails;
  clientId: string;
  clientName: string;
  connection: Connection | undefined;
  csrf: string;
  csrfKey: Buffer;
  form: FormContext;
  csp: string;
}

const originOf = (u: unknown): string | undefined => {
  try {
    return typeof u === 'string' ? new URL(u).origin : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Universal Login (auth0-api.md §6.1): oidc-provider sends interactive /authorize requests to
 * `/u/<uid>`; these pages log in, sign up or start a reset, then resume at `/authorize/<uid>`.
 * Server-rendered, no JavaScript, CSRF token bound to the transaction.
 */
/** The hosted login page's status and message per failed login (§5: lockouts 429). */
const LOGIN_FAILURE_PAGE: Record<Exclude<LoginOutcome, { ok: true }>['reason'], [number, string]> = {
  wrong_credentials: [401, 'Wrong email or password.'],
  blocked_user: [401, 'Your account has been blocked.'],
  too_many_attempts: [429, BLOCKED_MESSAGE],
  suspicious_ip: [429, SUSPICIOUS_IP_MESSAGE],
};

export function registerInteractionRoutes(app: FastifyInstance, s: Auth0Services, holder: ProviderHolder): void {
  const load = async (req: Req, reply: FastifyReply): Promise<Transaction | undefined> => {
    const provider = await holder.forRequest(req.raw, clientIp(req));
    let details: InteractionDetails;
    try {
      details = await provider.interactionDetails(req.raw, reply.raw);
    } catch {
      return undefined;
    }
    if (details.uid !== req.params.uid) return undefined;
    const clientId = String(details.params.client_id ?? '');
    const found = await s.apps.find(clientId);
    const csrfKey = (await s.ctx.keyRing.keys('auth0-login-csrf'))[0]?.key ?? Buffer.alloc(32);
    const csrf = csrfToken(csrfKey, details.uid);
    const connection = await loginConnection(s, clientId, details.params.connection);
    const base = `/u/${encodeURIComponent(details.uid)}`;
    const canSignup = connection && !connection.options.disable_signup;
    return {
      details,
      clientId,
      clientName: found?.app.name ?? clientId,
      connection,
      csrf,
      csrfKey,
      csp: loginCsp(originOf(details.params.redirect_uri)),
      form: { action: '', csrf, clientName: found?.app.name ?? clientId, links: { login: base, signup: canSignup ? `${base}/signup` : undefined, forgot: connection ? `${base}/forgot` : undefined } },
    };
  };
  const expired = (reply: FastifyReply): FastifyReply =>
    reply.code(400).headers(htmlHeaders(loginCsp())).send(messagePage('Session expired', 'Your login session has expired or was not found. Go back to the application and try again.', { role: 'alert' }));
  const page = (reply: FastifyReply, t: Transaction, body: string, status = 200): FastifyReply => reply.code(status).headers(htmlHeaders(t.csp)).send(body);
  const finish = async (req: Req, reply: FastifyReply, result: Record<string, unknown>): Promise<FastifyReply> => {
    const provider = await holder.forRequest(req.raw, clientIp(req));
    const to = await provider.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.code(303).header('location', to).header('cache-control', 'no-store').send();
  };
  const loginResult = (accountId: string): Record<string, unknown> => ({ login: { accountId, remember: true, amr: ['pwd'] } });

  app.get('/u/:uid', async (req: Req, reply) => {
    const t = await load(req, reply);
    if (!t) return expired(reply);
    if (t.details.prompt.name !== 'login') return finish(req, reply, await consent(holder, t));
    const form = { ...t.form, action: `/u/${encodeURIComponent(t.details.uid)}/login` };
    if (t.details.params.screen_hint === 'signup' && t.form.links.signup) return page(reply, t, signupPage({ ...t.form, action: t.form.links.signup }));
    return page(reply, t, loginPage(form, { username: str(t.details.params.login_hint) }));
  });

  app.post('/u/:uid/login', async (req: Req, reply) => {
    const t = await load(req, reply);
    const body = parseBody(req) ?? {};
    if (!t || !checkCsrf(t.csrfKey, t.details.uid, body['_csrf'])) return expired(reply);
    const form = { ...t.form, action: `/u/${encodeURIComponent(t.details.uid)}/login` };
    const username = str(body['username']) ?? '';
    const password = str(body['password']) ?? '';
    if (!t.connection || !username || !password) return page(reply, t, loginPage(form, { error: 'Enter your email address and password.', username }), 400);
    const outcome = await s.authenticator.login(t.connection, username, password, clientIp(req));
    logLogin(s, { clientId: t.clientId, connection: t.connection, identifier: username, outcome, grant: false, ip: clientIp(req), userAgent: req.headers['user-agent'] });
    if (outcome.ok) return finish(req, reply, loginResult(outcome.user.user_id));
    const [status, error] = LOGIN_FAILURE_PAGE[outcome.reason];
    return page(reply, t, loginPage(form, { error, username }), status);
  });

  app.get('/u/:uid/signup', async (req: Req, reply) => {
    const t = await load(req, reply);
    if (!t?.form.links.signup) return expired(reply);
    return page(reply, t, signupPage({ ...t.form, action: t.form.links.signup }));
  });

  app.post('/u/:uid/signup', async (req: Req, reply) => {
    const t = await load(req, reply);
    const body = parseBody(req) ?? {};
    if (!t?.connection || !t.form.links.signup || !checkCsrf(t.csrfKey, t.details.uid, body['_csrf'])) return expired(reply);
    const form = { ...t.form, action: t.form.links.signup };
    const email = str(body['email']) ?? '';
    if (!(await s.throttle.admit('pre-user-registration', clientIp(req)))) return page(reply, t, signupPage(form, { email, error: SUSPICIOUS_IP_MESSAGE }), 429);
    const outcome = await s.signup.signup(t.connection, { email, password: str(body['password']) ?? '' });
    logSignup(s, { clientId: t.clientId, connection: t.connection, email, outcome, ip: clientIp(req), userAgent: req.headers['user-agent'] });
    if (outcome.ok) return finish(req, reply, loginResult(outcome.user.user_id));
    if (outcome.reason === 'invalid_password') {
      return page(reply, t, signupPage(form, { email, error: 'Password is too weak.', policy: outcome.policy.split('\n').map((l) => l.replace(/^\s*\*\s*/, '')) }), 400);
    }
    const error = outcome.reason === 'user_exists' ? 'Something went wrong, please try again later.' : outcome.reason === 'invalid_email' ? 'Email is not valid.' : 'Sign up is disabled.';
    return page(reply, t, signupPage(form, { email, error }), 400);
  });

  app.get('/u/:uid/forgot', async (req: Req, reply) => {
    const t = await load(req, reply);
    if (!t?.form.links.forgot) return expired(reply);
    return page(reply, t, forgotPage({ ...t.form, action: t.form.links.forgot }));
  });

  app.post('/u/:uid/forgot', async (req: Req, reply) => {
    const t = await load(req, reply);
    const body = parseBody(req) ?? {};
    if (!t?.connection || !t.form.links.forgot || !checkCsrf(t.csrfKey, t.details.uid, body['_csrf'])) return expired(reply);
    const email = str(body['email']);
    if (email) await sendResetMail(s, t.connection, email);
    if (email) logPasswordChangeRequest(s, { clientId: t.clientId, connection: t.connection, email, ip: clientIp(req), userAgent: req.headers['user-agent'] });
    return page(reply, t, forgotPage({ ...t.form, action: t.form.links.forgot }, { sent: true }));
  });
}

/** The database connection of a login: `connection=` if given and enabled, else the first enabled one (default first). */
async function loginConnection(s: Auth0Services, clientId: string, requested: unknown): Promise<Connection | undefined> {
  const all = (await s.connections.list()).filter((c) => c.strategy === 'auth0' && isEnabledFor(c, clientId));
  if (typeof requested === 'string' && requested) return all.find((c) => c.name === requested);
  return all.find((c) => c.name === DEFAULT_DATABASE_CONNECTION) ?? all[0];
}

/** Consent for third-party applications: granted as requested (a consent page is not part of this slice). */
async function consent(holder: ProviderHolder, t: Transaction): Promise<Record<string, unknown>> {
  const provider = await holder.get();
  const accountId = t.details.session?.accountId ?? '';
  const grant = new provider.Grant({ clientId: t.clientId, accountId });
  const details = t.details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  return { consent: { grantId: await grant.save() } };
}
