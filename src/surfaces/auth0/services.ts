import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../app/context.js';
import { PasswordAuthenticator } from '../../core/identity/authenticate.js';
import { BruteForceGuard } from '../../core/identity/brute-force.js';
import { IpThrottle } from '../../core/identity/ip-throttle.js';
import { hashesAtOnce, OWASP_ARGON2ID, PasswordHasher } from '../../core/identity/passwords.js';
import { PasswordReset, type TicketStore, type TicketValue } from '../../core/identity/password-reset.js';
import { DatabaseSignup } from '../../core/identity/signup.js';
import type { ConnectionRepository, UserRepository } from '../../core/identity/ports.js';
import type { ApplicationRepository } from '../../core/oauth/applications.js';
import type { ResourceServerRepository } from '../../core/oauth/resource-servers.js';
import type { TenantRepository } from '../../core/oauth/tenant.js';
import { SigningKeyRing } from '../../core/keys/signing-key-ring.js';
import { KyselyResourceServerRepository } from '../../storage/repositories/auth0-apis.js';
import { KyselyApplicationRepository } from '../../storage/repositories/auth0-clients.js';
import { KyselyConnectionRepository } from '../../storage/repositories/auth0-connections.js';
import { KyselyIpAttemptStore } from '../../storage/repositories/auth0-ip-attempts.js';
import { KyselyFailureCounter } from '../../storage/repositories/auth0-login-failures.js';
import { KyselyOidcPayloadRepository } from '../../storage/repositories/auth0-oidc-payloads.js';
import { KyselyTenantRepository } from '../../storage/repositories/auth0-tenant.js';
import { KyselyUserRepository } from '../../storage/repositories/auth0-users.js';
import { KyselySigningKeyRepository } from '../../storage/repositories/signing-keys.js';
import { Outbox } from './outbox.js';
import { RateLimiter, rateRules, type RateRules } from './rate-limit.js';

/** Purpose of the tenant's ID-token signing keys in the `keys` table (auth0-api.md §2.4). */
export const SIGNING_PURPOSE = 'auth0-signing';

/** Reset tickets share oidc-provider's payload table under their own model name. */
const RESET_TICKET_MODEL = 'Auth0PasswordReset';

/**
 * Announces changes this process made to the signing keys (Management API rotation and
 * revocation), so that this worker's oidc-provider picks them up at once (mount.ts
 * ProviderHolder); other workers notice within their 60 s re-check.
 */
export class SigningKeysChanged {
  readonly #listeners = new Set<() => void>();

  /** Calls `listener` on every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Call after the change is committed. Never throws. */
  notify(): void {
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // a listener's failure must not fail the Management call that changed the keys
      }
    }
  }
}

/** Everything the Auth0 surface uses, built once per process from the app context. */
export interface Auth0Services {
  ctx: AppContext;
  /** `https://DOMAIN/` — the issuer WITH its trailing slash (§10.1); read lazily (port 0 binds late). */
  issuer(): string;
  apps: ApplicationRepository;
  connections: ConnectionRepository;
  users: UserRepository;
  apis: ResourceServerRepository;
  tenant: TenantRepository;
  payloads: KyselyOidcPayloadRepository;
  hasher: PasswordHasher;
  guard: BruteForceGuard;
  /** Suspicious IP throttling (§5), settings from the tenant. */
  throttle: IpThrottle;
  authenticator: PasswordAuthenticator;
  signingKeys: SigningKeyRing;
  signingRepo: KyselySigningKeyRepository;
  /** Signing keys changed in this process: rebuild providers now (see {@link SigningKeysChanged}). */
  signingKeysChanged: SigningKeysChanged;
  outbox: Outbox;
  limiter: RateLimiter;
  /** Authentication API limits from the config (§5). */
  rateRules: RateRules;
  signup: DatabaseSignup;
  reset: PasswordReset;
}

export function createAuth0Services(ctx: AppContext): Auth0Services {
  const { storage, master, clock } = ctx;
  const now = (): number => clock.now();
  const users = new KyselyUserRepository(storage);
  const hasher = new PasswordHasher(OWASP_ARGON2ID, [], hashesAtOnce(ctx.config.workers));
  const guard = new BruteForceGuard(new KyselyFailureCounter(storage), clock);
  const tenant = new KyselyTenantRepository(storage, now);
  const throttle = new IpThrottle(new KyselyIpAttemptStore(storage), async () => (await tenant.get()).suspicious_ip_throttling, clock);
  const signingRepo = new KyselySigningKeyRepository(storage);
  const payloads = new KyselyOidcPayloadRepository(storage, now);
  const connections = new KyselyConnectionRepository(storage);
  const tickets: TicketStore = {
    put: (id, value, expiresAt) => payloads.upsert(RESET_TICKET_MODEL, id, { ...value }, expiresAt),
    get: async (id) => (await payloads.find(RESET_TICKET_MODEL, 'id', id))?.payload as TicketValue | undefined,
    delete: (id) => payloads.destroy(RESET_TICKET_MODEL, id),
  };
  return {
    ctx,
    issuer: () => `${ctx.config.issuer}/`,
    apps: new KyselyApplicationRepository(storage, master),
    connections,
    users,
    apis: new KyselyResourceServerRepository(storage, master),
    tenant,
    payloads,
    hasher,
    guard,
    throttle,
    authenticator: new PasswordAuthenticator(users, hasher, guard, throttle, clock),
    // Auth0 kids are opaque base64url strings (§2.4); a kid is fixed when its key is generated.
    signingKeys: new SigningKeyRing(signingRepo, master, clock, { purpose: SIGNING_PURPOSE, alg: 'RS256', kid: () => randomBytes(24).toString('base64url') }),
    signingRepo,
    signingKeysChanged: new SigningKeysChanged(),
    outbox: new Outbox(ctx.config.data, ctx.logger, now),
    limiter: new RateLimiter(now),
    rateRules: rateRules(ctx.config.auth0RateLimits),
    signup: new DatabaseSignup(users, hasher, clock),
    reset: new PasswordReset(users, connections, tickets, hasher, guard, clock),
  };
}
