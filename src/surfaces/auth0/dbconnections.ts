import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isEnabledFor, type Connection } from '../../core/identity/connections.js';
import { SUSPICIOUS_IP_MESSAGE } from '../../core/identity/ip-throttle.js';
import { corsOrigins } from './client-metadata.js';
import { legacyError, type LegacyError } from './errors.js';
import { AUTH0_PREFLIGHT_HEADERS, clientIp, corsHeaders, parseBody, str, tooManyRequests } from './http.js';
import { RESET_SENT_TEXT, sendResetMail } from './password-mail.js';
import { rateLimitHeaders } from './rate-limit.js';
import type { Auth0Services } from './services.js';
import { logPasswordChangeRequest, logSignup } from '../management/auth0-log-hooks.js';

const send = (reply: FastifyReply, cors: Record<string, string>, e: LegacyError): FastifyReply => reply.code(e.statusCode).headers(cors).send(e.body);

/** Resolves client and connection, or the legacy error to answer (§1.8). */
async function resolve(s: Auth0Services, body: Record<string, unknown>): Promise<{ connection: Connection; clientId: string } | LegacyError> {
  const clientId = str(body['client_id']);
  if (!clientId || !(await s.apps.find(clientId))) return legacyError(400, 'BadRequestError', 'invalid_request', 'Invalid client_id');
  const name = str(body['connection']);
  if (!name) return legacyError(400, 'BadRequestError', 'invalid_request', 'Missing required property: connection');
  const connection = await s.connections.findByName(name);
  if (!connection || connection.strategy !== 'auth0' || !isEnabledFor(connection, clientId)) {
    return legacyError(400, 'BadRequestError', 'invalid_connection', 'Connection does not exist or is not enabled for this client');
  }
  return { connection, clientId };
}

async function cors(s: Auth0Services, req: FastifyRequest, body: Record<string, unknown> | undefined): Promise<Record<string, string>> {
  const found = body && str(body['client_id']) ? await s.apps.find(str(body['client_id']) ?? '') : undefined;
  return corsHeaders(req, (origin) => (found ? corsOrigins(found.app).has(origin) : false));
}

/** POST /dbconnections/signup and /dbconnections/change_password (auth0-api.md §1.8, legacy error shape). */
export function registerDbConnectionRoutes(app: FastifyInstance, s: Auth0Services): void {
  for (const path of ['/dbconnections/signup', '/dbconnections/change_password']) {
    app.options(path, async (req, reply) => reply.code(204).headers({ ...AUTH0_PREFLIGHT_HEADERS, ...corsHeaders(req, () => true) }).send());
  }

  app.post('/dbconnections/signup', async (req, reply) => {
    const body = parseBody(req);
    const h = await cors(s, req, body);
    const rate = s.limiter.hit(`signup:${clientIp(req)}`, s.rateRules.signup);
    if (!rate.allowed) return tooManyRequests(reply.headers(h), rate);
    if (!body) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_body', 'Invalid JSON body'));
    const target = await resolve(s, body);
    if ('statusCode' in target) return send(reply, h, target);
    const email = str(body['email']);
    const password = str(body['password']);
    if (!email) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_signup', 'Missing required property: email'));
    if (!password) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_signup', 'Missing required property: password'));
    const meta = body['user_metadata'];
    if (meta !== undefined && !validMetadata(meta)) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_signup', 'Invalid user_metadata'));
    // Suspicious IP throttling, pre-user-registration stage (§5): every well-formed sign-up counts.
    if (!(await s.throttle.admit('pre-user-registration', clientIp(req)))) {
      return send(reply, h, legacyError(429, 'TooManyAttemptsError', 'too_many_attempts', SUSPICIOUS_IP_MESSAGE));
    }
    const outcome = await s.signup.signup(target.connection, {
      email,
      password,
      username: str(body['username']),
      name: str(body['name']),
      nickname: str(body['nickname']),
      picture: str(body['picture']),
      given_name: str(body['given_name']),
      family_name: str(body['family_name']),
      user_metadata: meta as Record<string, string> | undefined,
    });
    logSignup(s, { clientId: target.clientId, connection: target.connection, email, outcome, ip: clientIp(req), userAgent: req.headers['user-agent'] });
    if (!outcome.ok) {
      if (outcome.reason === 'invalid_password') {
        return send(reply, h, legacyError(400, 'PasswordStrengthError', 'invalid_password', outcome.report, { message: 'Password is too weak', policy: outcome.policy }));
      }
      if (outcome.reason === 'user_exists') return send(reply, h, legacyError(400, 'BadRequestError', 'user_exists', 'The user already exists.'));
      if (outcome.reason === 'signup_disabled') return send(reply, h, legacyError(403, 'BadRequestError', 'operation_not_allowed', 'public signup is disabled'));
      return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_signup', `Object didn't pass validation for format email: ${email}`));
    }
    const u = outcome.user;
    return reply.code(200).headers(h).send({
      _id: u.user_id.slice(u.user_id.indexOf('|') + 1),
      email: u.email,
      email_verified: u.email_verified,
      ...(u.username ? { username: u.username } : {}),
      ...u.profile,
      ...(str(body['name']) ? { name: u.name } : {}),
      ...(str(body['nickname']) ? { nickname: u.nickname } : {}),
      ...(meta ? { user_metadata: u.user_metadata } : {}),
    });
  });

  app.post('/dbconnections/change_password', async (req, reply) => {
    const body = parseBody(req);
    const h = await cors(s, req, body);
    if (!body) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_body', 'Invalid JSON body'));
    const email = str(body['email']);
    if (!email) return send(reply, h, legacyError(400, 'BadRequestError', 'invalid_request', 'Missing required property: email'));
    const rate = s.limiter.hit(`change_password:${clientIp(req)}:${email.toLowerCase()}`, s.rateRules.changePassword);
    if (!rate.allowed) return tooManyRequests(reply.headers(h), rate);
    const target = await resolve(s, body);
    if ('statusCode' in target) return send(reply, h, target);
    await sendResetMail(s, target.connection, email);
    logPasswordChangeRequest(s, { clientId: target.clientId, connection: target.connection, email, ip: clientIp(req), userAgent: req.headers['user-agent'] });
    // §10.17: the same text/plain 200 for known and unknown emails.
    return reply.code(200).headers({ ...h, ...rateLimitHeaders(rate) }).type('text/plain; charset=utf-8').send(RESET_SENT_TEXT);
  });
}

/** §1.8: at most 10 keys, names ≤ 100 chars, string values ≤ 500 chars. */
function validMetadata(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= 10 && entries.every(([k, x]) => k.length <= 100 && typeof x === 'string' && x.length <= 500);
}
