import type { AppContext } from '../../app/context.js';
import { COGNITO_TOKEN_PURPOSE, CognitoTokens, attachCognitoTokens } from '../../core/federation/cognito-token.js';
import { CredentialsService } from '../../core/federation/credentials-service.js';
import { DeveloperService } from '../../core/federation/developer-service.js';
import { IdentityService } from '../../core/federation/identity-service.js';
import { LoginValidator, type IdTokenValidator } from '../../core/federation/login-validation.js';
import { POOL_CACHE_MS, PoolService } from '../../core/federation/pool-service.js';
import { TtlCache } from '../../core/federation/ttl-cache.js';
import type { OidcProviderLookup, OidcProviderRecord } from '../../core/iam/ports.js';
import { SigningKeyRing } from '../../core/keys/signing-key-ring.js';
import { KyselyIdentityPoolRepository, KyselyIdentityRepository } from '../../storage/repositories/cognito-identity.js';
import { KyselySigningKeyRepository } from '../../storage/repositories/signing-keys.js';

/** Everything the Cognito Identity operations call. */
export interface CognitoIdentityServices {
  ctx: AppContext;
  pools: PoolService;
  identities: IdentityService;
  credentials: CredentialsService;
  developer: DeveloperService;
  tokens: CognitoTokens;
}

/** How third-party ID tokens are checked (core/oidc-providers), injected so the core stays testable. */
export interface IdTokenChecks {
  validateIdToken: IdTokenValidator;
  loginError: (e: unknown) => unknown;
}

const built = new WeakMap<object, CognitoIdentityServices>();

/** OIDC provider records cached briefly: the hot path reads one per sign-in (§8.1 rates). */
function cachedProviders(ctx: AppContext): OidcProviderLookup {
  const byArn = new TtlCache<OidcProviderRecord | undefined>(ctx.clock, POOL_CACHE_MS, 1000);
  const byUrl = new TtlCache<OidcProviderRecord | undefined>(ctx.clock, POOL_CACHE_MS, 1000);
  return {
    byArn: (arn) => byArn.get(arn, () => ctx.oidcProviders.byArn(arn)),
    byUrl: (url) => byUrl.get(url, () => ctx.oidcProviders.byUrl(url)),
  };
}

/**
 * The Cognito Identity composition root: one set of services per running app (keyed by its
 * storage, which every copy of the context shares), so the surface, the discovery routes and
 * STS (through `verifyCognitoToken`) see the same signing keys and caches.
 */
export function cognitoIdentityServices(ctx: AppContext, checks: IdTokenChecks): CognitoIdentityServices {
  const existing = built.get(ctx.storage);
  if (existing) return existing;
  const { config, clock } = ctx;
  const ring = new SigningKeyRing(new KyselySigningKeyRepository(ctx.storage), ctx.master, clock, {
    purpose: COGNITO_TOKEN_PURPOSE,
    alg: 'RS512',
    // §1.7: real kids look like `us-east-1-7`.
    kid: (n) => `${config.region}-${n}`,
  });
  const tokens = new CognitoTokens(ring, { baseUrl: () => config.issuer, region: config.region, accountId: config.accountId, clock });
  attachCognitoTokens(ctx, tokens);
  const providers = cachedProviders(ctx);
  const repo = new KyselyIdentityRepository(ctx.storage);
  const pools = new PoolService({ pools: new KyselyIdentityPoolRepository(ctx.storage), providers, clock, region: config.region, accountId: config.accountId });
  const validator = new LoginValidator({ validateIdToken: checks.validateIdToken, loginError: checks.loginError, providers, tokens, clock });
  const identities = new IdentityService({ identities: repo, pools, validator, clock, region: config.region });
  const services: CognitoIdentityServices = {
    ctx,
    pools,
    identities,
    credentials: new CredentialsService({ identities, pools, tokens, roleAssumer: ctx.roleAssumer }),
    developer: new DeveloperService({ identities, repo, pools, validator, tokens, clock }),
    tokens,
  };
  built.set(ctx.storage, services);
  return services;
}
