import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { LogRecorder } from '../../core/logs/recorder.js';
import { KyselyResourceServerRepository } from '../../storage/repositories/auth0-apis.js';
import { KyselyApplicationRepository } from '../../storage/repositories/auth0-clients.js';
import { KyselyConnectionRepository } from '../../storage/repositories/auth0-connections.js';
import { KyselyFailureCounter } from '../../storage/repositories/auth0-login-failures.js';
import { KyselyLogRepository } from '../../storage/repositories/auth0-logs.js';
import { KyselySigningKeyAdmin } from '../../storage/repositories/auth0-signing-keys.js';
import { KyselyUserSearch } from '../../storage/repositories/auth0-user-search.js';
import { KyselyUserRepository } from '../../storage/repositories/auth0-users.js';
import { clientIp } from '../auth0/http.js';
import { RateLimiter, type RateRule } from '../auth0/rate-limit.js';
import type { Auth0Services } from '../auth0/services.js';
import { TokenVerifier, type Caller } from './auth.js';
import { logRecorder } from './log-sink.js';
import type { Operation } from './router.js';

/**
 * Management API rate limits (auth0-api.md §4.2, §5 "Management"): per client, fixed windows in
 * process memory. Generous by default (local development and load tests), like the Auth API's.
 */
export const MGMT_RATE = {
  perClient: { limit: 50_000, windowMs: 60_000 },
  /** POST /keys/signing/rotate: 5 a day (§2.4) */
  rotate: { limit: 5, windowMs: 86_400_000 },
} as const satisfies Record<string, RateRule>;

/** Everything the operations use: the Auth0 services plus the repositories' Management methods. */
export interface Mgmt {
  s: Auth0Services;
  users: KyselyUserRepository;
  userSearch: KyselyUserSearch;
  apps: KyselyApplicationRepository;
  connections: KyselyConnectionRepository;
  apis: KyselyResourceServerRepository;
  failures: KyselyFailureCounter;
  logs: KyselyLogRepository;
  keyAdmin: KyselySigningKeyAdmin;
  recorder: LogRecorder;
  verifier: TokenVerifier;
  limiter: RateLimiter;
  rateRule: RateRule;
  now(): number;
  /** `sapi` / `fapi` event for a write (never its body: it may hold passwords and secrets). */
  apiEvent(op: Operation, caller: Caller, path: string, status: number, req: FastifyRequest): void;
}

export function createMgmt(ctx: AppContext, s: Auth0Services): Mgmt {
  const { storage, master } = ctx;
  const now = (): number => ctx.clock.now();
  const recorder = logRecorder(ctx);
  const apps = new KyselyApplicationRepository(storage, master);
  return {
    s,
    users: new KyselyUserRepository(storage),
    userSearch: new KyselyUserSearch(storage),
    apps,
    connections: new KyselyConnectionRepository(storage),
    apis: new KyselyResourceServerRepository(storage, master),
    failures: new KyselyFailureCounter(storage),
    logs: new KyselyLogRepository(storage),
    keyAdmin: new KyselySigningKeyAdmin(storage),
    recorder,
    verifier: new TokenVerifier(s),
    limiter: new RateLimiter(now),
    rateRule: MGMT_RATE.perClient,
    now,
    apiEvent(op, caller, path, status, req) {
      const ok = status < 400;
      const userAgent = req.headers['user-agent'];
      recorder.record(async () => ({
        type: ok ? 'sapi' : 'fapi',
        description: op.description,
        client_id: caller.clientId,
        client_name: (await apps.find(caller.clientId))?.app.name,
        ip: clientIp(req),
        hostname: new URL(s.issuer()).host,
        user_agent: typeof userAgent === 'string' ? userAgent : undefined,
        details: { request: { method: op.method.toLowerCase(), path }, response: { statusCode: status } },
      }));
    },
  };
}
