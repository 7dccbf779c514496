import type { KoaContext, OIDCProviderError, Provider } from 'oidc-provider';
import type { LoginOutcome } from '../../core/identity/authenticate.js';
import { DEFAULT_BRUTE_FORCE } from '../../core/identity/brute-force.js';
import type { Connection } from '../../core/identity/connections.js';
import type { SignupOutcome } from '../../core/identity/signup.js';
import { strategyType, type LogEventInput, type LogEventType } from '../../core/logs/events.js';
import type { Auth0Services } from '../auth0/services.js';
import { recordEvent } from './log-sink.js';

/**
 * Tenant log events of the Authentication API (auth0-api.md §5 "Logs"), called at the narrow
 * points where they happen (password grants, the hosted login and sign-up pages,
 * /dbconnections/*, oidc-provider's token exchanges). Each call returns at once: lookups
 * (client name, user id) happen in the background, and no password or token is ever recorded.
 */
interface Where {
  clientId: string | undefined;
  /** The client's name when the caller has the client at hand (no lookup then). */
  clientName?: string | undefined;
  connection?: Connection | undefined;
  ip: string;
  userAgent?: string | undefined;
}

let hostOf: { issuer: string; host: string } | undefined;
/** The issuer's host, parsed once per issuer (it is final once the listener is bound). */
function issuerHost(s: Auth0Services): string {
  const issuer = s.issuer();
  if (hostOf?.issuer !== issuer) hostOf = { issuer, host: new URL(issuer).host };
  return hostOf.host;
}

async function common(s: Auth0Services, w: Where): Promise<Omit<LogEventInput, 'type'>> {
  const clientName = w.clientName ?? (w.clientId ? (await s.apps.find(w.clientId))?.app.name : undefined);
  return known(s, { ...w, clientName });
}

/** The common members when nothing needs looking up. */
function known(s: Auth0Services, w: Where): Omit<LogEventInput, 'type'> {
  return {
    client_id: w.clientId,
    client_name: w.clientName,
    ip: w.ip,
    hostname: issuerHost(s),
    user_agent: w.userAgent,
    connection: w.connection?.name,
    connection_id: w.connection?.id,
    strategy: w.connection?.strategy,
    strategy_type: w.connection ? strategyType(w.connection.strategy) : undefined,
  };
}

/** s / fp / fu / f for the hosted login page, sepft for password grants; limit_wc when a failure blocks the pair, limit_mu for a throttled IP (§5). */
export function logLogin(s: Auth0Services, w: Where & { connection: Connection; identifier: string; outcome: LoginOutcome; grant: boolean }): void {
  recordEvent(s.ctx, async () => {
    const base = await common(s, w);
    const o = w.outcome;
    if (o.ok) return { ...base, type: w.grant ? 'sepft' : 's', user_id: o.user.user_id, user_name: o.user.email ?? o.user.username ?? w.identifier };
    if (o.reason === 'blocked_user') return { ...base, type: 'f', description: 'user is blocked', user_name: w.identifier };
    if (o.reason === 'too_many_attempts') return { ...base, type: 'f', description: 'Too many failed login attempts: this identifier is blocked for this IP address.', user_name: w.identifier };
    if (o.reason === 'suspicious_ip') return { ...base, type: 'limit_mu', description: 'Too many failed logins from this IP address: logins from it are throttled.', user_name: w.identifier };
    const user = w.identifier.includes('@') ? await s.users.findByEmail(w.connection.id, w.identifier) : await s.users.findByUsername(w.connection.id, w.identifier);
    const failed: LogEventInput = { ...base, type: user ? 'fp' : 'fu', description: 'Wrong email or password.', user_id: user?.user_id, user_name: w.identifier };
    const bfp = w.connection.options.brute_force_protection !== false;
    if ((await s.guard.status(w.identifier, w.ip, bfp)) !== 'blocked') return failed;
    const blocked: LogEventInput = {
      ...base,
      type: 'limit_wc',
      description: `${DEFAULT_BRUTE_FORCE.maxAttempts} failed login attempts for this identifier from this IP address: logins blocked.`,
      user_id: user?.user_id,
      user_name: w.identifier,
    };
    return [failed, blocked];
  });
}

const SIGNUP_FAILURE: Record<string, string> = {
  invalid_password: 'Password is too weak',
  user_exists: 'The user already exists.',
  signup_disabled: 'public signup is disabled',
  invalid_email: 'Invalid email address',
};

/** ss / fs (§1.8 sign-up). */
export function logSignup(s: Auth0Services, w: Where & { connection: Connection; email: string; outcome: SignupOutcome }): void {
  recordEvent(s.ctx, async () => {
    const base = await common(s, w);
    const o = w.outcome;
    if (o.ok) return { ...base, type: 'ss', user_id: o.user.user_id, user_name: o.user.email ?? w.email };
    return { ...base, type: 'fs', description: SIGNUP_FAILURE[o.reason] ?? o.reason, user_name: w.email };
  });
}

/** scpr for a known email, fcpr otherwise (the requester is told the same either way, §10.17). */
export function logPasswordChangeRequest(s: Auth0Services, w: Where & { connection: Connection; email: string }): void {
  recordEvent(s.ctx, async () => {
    const base = await common(s, w);
    const user = await s.users.findByEmail(w.connection.id, w.email);
    if (user) return { ...base, type: 'scpr', description: 'Password change request sent', user_id: user.user_id, user_name: user.email ?? w.email };
    return { ...base, type: 'fcpr', description: 'No user with this email in the connection', user_name: w.email };
  });
}

const EXCHANGES: Record<string, [LogEventType, LogEventType]> = {
  client_credentials: ['seccft', 'feccft'],
  authorization_code: ['seacft', 'feacft'],
  refresh_token: ['sertft', 'fertft'],
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function exchange(s: Auth0Services, ctx: KoaContext, error: OIDCProviderError | undefined): void {
  const p = ctx.oidc?.params;
  const grantType = p?.grant_type ?? '';
  if (!p || !EXCHANGES[grantType]) return; // password grants are logged where the password is checked (grants/password-realm.ts)
  const client = ctx.oidc.client;
  const account = ctx.oidc.entities?.['Account'] as { accountId?: unknown } | undefined;
  const body = ctx.body as { scope?: unknown } | undefined;
  logExchange(s, grantType, {
    clientId: client?.clientId ?? str(p['client_id']),
    // The authenticated client is at hand: its name needs no lookup (an unknown client has none).
    clientName: client ? (str(client['clientName']) ?? '') : undefined,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
    error: error ? (error.error_description ?? error.message) : undefined,
    userId: str(account?.accountId),
    audience: str(p['audience']) ?? str(p['resource']),
    scope: error ? undefined : str(body?.scope),
  });
}

/** One token exchange's outcome: `error` (its description) for a failure. */
export interface Exchange extends Where {
  error?: string | undefined;
  userId?: string | undefined;
  audience?: string | undefined;
  scope?: string | undefined;
}

/** seccft/feccft, seacft/feacft or sertft/fertft for one exchange, by grant type; other grants log elsewhere. */
export function logExchange(s: Auth0Services, grantType: string, x: Exchange): void {
  const pair = EXCHANGES[grantType];
  if (!pair) return;
  const event = { type: x.error === undefined ? pair[0] : pair[1], description: x.error, user_id: x.userId, audience: x.audience, scope: x.scope };
  // The usual case (an authenticated client) needs no lookup: recorded as is, no background work.
  if (x.clientName !== undefined || x.clientId === undefined) recordEvent(s.ctx, { ...known(s, x), ...event });
  else recordEvent(s.ctx, async () => ({ ...(await common(s, x)), ...event }));
}

/** seccft/feccft, seacft/feacft, sertft/fertft from oidc-provider's grant events. */
export function observeTokenExchanges(provider: Provider, s: Auth0Services): void {
  provider.on('grant.success', (ctx: KoaContext) => exchange(s, ctx, undefined));
  provider.on('grant.error', (ctx: KoaContext, error: OIDCProviderError) => exchange(s, ctx, error));
}
