import type { Clock } from '../clock.js';
import { AppError, invalidParameter, notFound } from '../errors.js';
import { DEVELOPER_TOKEN_SECONDS, type CognitoTokens } from './cognito-token.js';
import type { IdentityService } from './identity-service.js';
import { mergeIdentities } from './linking.js';
import type { LoginValidator } from './login-validation.js';
import type { PoolService } from './pool-service.js';
import type { IdentityPoolRecord, IdentityRepository } from './ports.js';

export interface DeveloperServiceDeps {
  identities: IdentityService;
  repo: IdentityRepository;
  pools: PoolService;
  validator: LoginValidator;
  tokens: CognitoTokens;
  clock: Clock;
}

export interface DeveloperTokenRequest {
  poolId: string;
  identityId?: string;
  logins: Record<string, string>;
  principalTags?: Record<string, string>;
  tokenDuration?: number;
}

const userNotFound = (user: string): AppError => notFound(`DeveloperUserIdentifier '${user}' not found.`);

/** Developer-authenticated identities (aws-apis.md §1.3, §1.5). */
export class DeveloperService {
  constructor(private readonly deps: DeveloperServiceDeps) {}

  /** GetOpenIdTokenForDeveloperIdentity: find, create or link the identity of the developer's user; 15-minute token by default. */
  async openIdToken(req: DeveloperTokenRequest): Promise<{ identityId: string; token: string }> {
    const pool = await this.deps.pools.cached(req.poolId);
    const dev = this.#provider(pool);
    if (req.logins[dev] === undefined) throw invalidParameter(`Logins must contain the developer provider name ${dev}.`);
    const logins = await this.deps.validator.validate(pool, req.logins, 'developer');
    const keys = logins.map((l) => ({ provider: l.provider, subject: l.subject }));
    let anchor: string | undefined;
    if (req.identityId !== undefined) {
      const found = await this.deps.repo.getWithLogins(req.identityId);
      if (!found || found.identity.poolId !== pool.id) throw notFound(`Identity '${req.identityId}' not found.`);
      anchor = (await this.deps.identities.current(found)).identity.id;
      const [owner] = await this.deps.repo.findLogins(pool.id, [{ provider: dev, subject: req.logins[dev]! }]);
      if (owner && owner.identityId !== anchor) {
        throw new AppError('DeveloperUserAlreadyRegistered', 'The developer user identifier is already registered with a different identity id.');
      }
    }
    const { identityId } = await this.deps.identities.link(pool, anchor, keys);
    const amr = [...new Set(['authenticated', ...logins.flatMap((l) => l.amr)])];
    const { token } = await this.deps.tokens.issue({
      poolId: pool.id,
      identityId,
      amr,
      ...(req.principalTags && Object.keys(req.principalTags).length > 0 ? { principalTags: req.principalTags } : {}),
      lifetimeSeconds: req.tokenDuration ?? DEVELOPER_TOKEN_SECONDS,
    });
    return { identityId, token };
  }

  /** LookupDeveloperIdentity: by identity id, by user identifier, or both (which must agree). */
  async lookup(poolId: string, identityId: string | undefined, user: string | undefined, limit: number, nextToken: string | undefined): Promise<{ identityId: string; users: string[]; nextToken?: string }> {
    const pool = await this.deps.pools.get(poolId);
    if (identityId === undefined && user === undefined) throw invalidParameter('Either IdentityId or DeveloperUserIdentifier must be specified.');
    const dev = pool.config.developerProviderName;
    if (dev === undefined) throw user === undefined ? notFound(`Identity '${identityId}' not found.`) : userNotFound(user);
    let id = identityId;
    if (user !== undefined) {
      const [login] = await this.deps.repo.findLogins(pool.id, [{ provider: dev, subject: user }]);
      if (!login) throw userNotFound(user);
      if (identityId !== undefined && login.identityId !== identityId) throw new AppError('Conflict', 'The IdentityId and the DeveloperUserIdentifier do not match.');
      id = login.identityId;
    } else {
      const identity = await this.deps.repo.get(identityId!);
      if (!identity || identity.poolId !== pool.id) throw notFound(`Identity '${identityId}' not found.`);
    }
    const users = (await this.deps.repo.loginsOf([id!])).filter((l) => l.provider === dev).map((l) => l.subject);
    const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw invalidParameter('The pagination token is invalid.');
    const page = users.slice(start, start + limit);
    const more = start + limit < users.length;
    return { identityId: id!, users: page, ...(more ? { nextToken: Buffer.from(String(start + limit)).toString('base64url') } : {}) };
  }

  /** MergeDeveloperIdentities: the source user's identity joins the destination user's. */
  async merge(poolId: string, source: string, destination: string, providerName: string): Promise<string> {
    const pool = await this.deps.pools.get(poolId);
    const dev = this.#provider(pool, providerName);
    const [src] = await this.deps.repo.findLogins(pool.id, [{ provider: dev, subject: source }]);
    if (!src) throw userNotFound(source);
    const [dst] = await this.deps.repo.findLogins(pool.id, [{ provider: dev, subject: destination }]);
    if (!dst) throw userNotFound(destination);
    if (src.identityId !== dst.identityId) await mergeIdentities(this.deps.repo, pool.id, src.identityId, dst.identityId, dev, this.deps.clock.now());
    return dst.identityId;
  }

  /** UnlinkDeveloperIdentity: the user identifier leaves the identity; seen again, it makes a new one. */
  async unlink(identityId: string, poolId: string, providerName: string, user: string): Promise<void> {
    const pool = await this.deps.pools.get(poolId);
    const dev = this.#provider(pool, providerName);
    const key = { provider: dev, subject: user };
    const [login] = await this.deps.repo.findLogins(pool.id, [key]);
    if (!login || login.identityId !== identityId) throw userNotFound(user);
    await this.deps.repo.transact((tx) => tx.deleteLogins(pool.id, identityId, [key]));
  }

  #provider(pool: IdentityPoolRecord, named?: string): string {
    const dev = pool.config.developerProviderName;
    if (dev === undefined) throw invalidParameter(`IdentityPool '${pool.id}' has no developer provider.`);
    if (named !== undefined && named !== dev) throw invalidParameter(`${named} is not the developer provider of IdentityPool '${pool.id}'.`);
    return dev;
  }
}
