import type { Clock } from '../clock.js';
import { AppError, invalidParameter, notFound } from '../errors.js';
import { regionalUuid } from '../ids.js';
import type { OidcProviderLookup } from '../iam/ports.js';
import { oidcProviderUrl } from './login-validation.js';
import type { IdentityPoolRecord, IdentityPoolRepository, PoolConfig, PoolRoles, PrincipalTagMap, UpdateOutcome } from './ports.js';
import { TtlCache } from './ttl-cache.js';

/** aws-apis.md §8.2 */
export const MAX_POOLS = 1000;
export const MAX_TAGS = 50;
export const MAX_RULES = 25;
/** Hot-path reads may be this stale on other nodes. */
export const POOL_CACHE_MS = 2000;

export const poolNotFound = (id: string): AppError => notFound(`IdentityPool '${id}' not found.`);
const OIDC_ARN = /^arn:aws:iam::\d{12}:oidc-provider\/.+$/;
const ROLE_ARN = /^arn:aws:iam::\d{12}:role\/.+$/;

export interface PoolServiceDeps {
  pools: IdentityPoolRepository;
  providers: OidcProviderLookup;
  clock: Clock;
  region: string;
  accountId: string;
}

/** Identity pools: CRUD with PUT-semantics update (§1.3), roles, tags, principal-tag maps, and a short-lived cache. */
export class PoolService {
  readonly #cache: TtlCache<IdentityPoolRecord | undefined>;
  readonly #tagMaps: TtlCache<PrincipalTagMap | undefined>;

  constructor(private readonly deps: PoolServiceDeps) {
    this.#cache = new TtlCache(deps.clock, POOL_CACHE_MS, 10_000);
    this.#tagMaps = new TtlCache(deps.clock, POOL_CACHE_MS, 10_000);
  }

  arn(poolId: string): string {
    return `arn:aws:cognito-identity:${this.deps.region}:${this.deps.accountId}:identitypool/${poolId}`;
  }

  /** The pool id named by a pool ARN of this account and region, else undefined. */
  idFromArn(arn: string): string | undefined {
    const prefix = `arn:aws:cognito-identity:${this.deps.region}:${this.deps.accountId}:identitypool/`;
    return arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
  }

  async create(config: PoolConfig): Promise<IdentityPoolRecord> {
    await this.#check(config);
    const now = this.deps.clock.now();
    const pool: IdentityPoolRecord = { id: regionalUuid(this.deps.region), config, roles: { roles: {}, roleMappings: {} }, createdAt: now, updatedAt: now };
    if (!(await this.deps.pools.create(pool, MAX_POOLS))) throw new AppError('LimitExceeded', `The account has reached its limit of ${MAX_POOLS} identity pools.`);
    return pool;
  }

  /** A fresh read (developer operations). */
  async get(id: string): Promise<IdentityPoolRecord> {
    const pool = await this.deps.pools.get(id);
    if (!pool) throw poolNotFound(id);
    return pool;
  }

  /** A read at most POOL_CACHE_MS old (GetId, GetCredentialsForIdentity, …). */
  async cached(id: string): Promise<IdentityPoolRecord> {
    const pool = await this.#cache.get(id, () => this.deps.pools.get(id));
    if (!pool) throw poolNotFound(id);
    return pool;
  }

  async list(limit: number, nextToken: string | undefined): Promise<{ pools: { id: string; name: string }[]; nextToken?: string }> {
    const after = nextToken === undefined ? undefined : Buffer.from(nextToken, 'base64url').toString('utf8');
    if (after !== undefined && !/^[\w-]+:[0-9a-f-]+$/.test(after)) throw invalidParameter('The pagination token is invalid.');
    const rows = await this.deps.pools.list(limit + 1, after);
    const pools = rows.slice(0, limit);
    const last = pools[pools.length - 1];
    return rows.length > limit && last ? { pools, nextToken: Buffer.from(last.id).toString('base64url') } : { pools };
  }

  /** Replaces the configuration; members left out return to their defaults, except the developer provider (immutable) and tags. */
  async update(id: string, config: PoolConfig, tagsGiven: boolean): Promise<IdentityPoolRecord> {
    const pool = await this.get(id);
    const dev = pool.config.developerProviderName;
    if (dev !== undefined && config.developerProviderName !== undefined && config.developerProviderName !== dev) {
      throw invalidParameter('Cannot change DeveloperProviderName once it is set.');
    }
    const next: PoolConfig = { ...config, ...(dev !== undefined ? { developerProviderName: dev } : {}), tags: tagsGiven ? config.tags : pool.config.tags };
    await this.#check(next);
    this.#settle(id, await this.deps.pools.updateConfig(id, next, pool.updatedAt, this.deps.clock.now()));
    return { ...pool, config: next };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.deps.pools.delete(id))) throw poolNotFound(id);
    this.#cache.delete(id);
    this.#tagMaps.deletePrefix(`${id}\n`);
  }

  async setRoles(id: string, roles: PoolRoles): Promise<void> {
    const pool = await this.get(id);
    checkRoles(pool.config, roles);
    this.#settle(id, await this.deps.pools.updateRoles(id, roles, pool.updatedAt, this.deps.clock.now()));
  }

  async tag(id: string, tags: Record<string, string>): Promise<void> {
    const pool = await this.get(id);
    const merged = { ...pool.config.tags, ...tags };
    if (Object.keys(merged).length > MAX_TAGS) throw invalidParameter(`An identity pool can have at most ${MAX_TAGS} tags.`);
    this.#settle(id, await this.deps.pools.updateConfig(id, { ...pool.config, tags: merged }, pool.updatedAt, this.deps.clock.now()));
  }

  async untag(id: string, keys: string[]): Promise<void> {
    const pool = await this.get(id);
    const tags = Object.fromEntries(Object.entries(pool.config.tags).filter(([k]) => !keys.includes(k)));
    this.#settle(id, await this.deps.pools.updateConfig(id, { ...pool.config, tags }, pool.updatedAt, this.deps.clock.now()));
  }

  async setPrincipalTagMap(id: string, provider: string, map: PrincipalTagMap): Promise<void> {
    await this.get(id);
    await this.deps.pools.putPrincipalTagMap(id, provider, map);
    this.#tagMaps.delete(`${id}\n${provider}`);
  }

  async principalTagMap(id: string, provider: string): Promise<PrincipalTagMap | undefined> {
    await this.get(id);
    return this.deps.pools.getPrincipalTagMap(id, provider);
  }

  /** The hot-path read of a principal-tag map (GetCredentialsForIdentity). */
  cachedPrincipalTagMap(id: string, provider: string): Promise<PrincipalTagMap | undefined> {
    return this.#tagMaps.get(`${id}\n${provider}`, () => this.deps.pools.getPrincipalTagMap(id, provider));
  }

  #settle(id: string, outcome: UpdateOutcome): void {
    this.#cache.delete(id);
    if (outcome === 'missing') throw poolNotFound(id);
    if (outcome === 'conflict') throw new AppError('ConcurrentModification', `IdentityPool '${id}' was modified concurrently; retry.`);
  }

  async #check(config: PoolConfig): Promise<void> {
    if (Object.keys(config.tags).length > MAX_TAGS) throw invalidParameter(`An identity pool can have at most ${MAX_TAGS} tags.`);
    for (const arn of config.openIdConnectProviderArns ?? []) {
      if (!OIDC_ARN.test(arn)) throw invalidParameter(`Invalid OpenIdConnectProviderARN: ${arn}`);
      if (!(await this.deps.providers.byArn(arn))) throw invalidParameter(`OpenIdConnectProviderARN ${arn} does not exist.`);
    }
  }
}

/** Every name a RoleMapping may be keyed by for this pool (§1.4). */
export function providerNames(config: PoolConfig): Set<string> {
  const names = new Set<string>(Object.keys(config.supportedLoginProviders ?? {}));
  for (const arn of config.openIdConnectProviderArns ?? []) {
    names.add(arn);
    const url = oidcProviderUrl(arn);
    if (url) names.add(url);
  }
  for (const p of config.cognitoIdentityProviders ?? []) {
    if (p.providerName) names.add(p.providerName).add(`${p.providerName}:${p.clientId ?? ''}`);
  }
  for (const arn of config.samlProviderArns ?? []) names.add(arn);
  return names;
}

function checkRoles(config: PoolConfig, roles: PoolRoles): void {
  const arns = [...Object.values(roles.roles)];
  const known = providerNames(config);
  for (const [key, m] of Object.entries(roles.roleMappings)) {
    if (!known.has(key)) throw invalidParameter(`The role mapping key ${key} is not an identity provider of this identity pool.`);
    if (m.ambiguousRoleResolution === undefined) throw invalidParameter('AmbiguousRoleResolution must be specified for Token and Rules role mappings.');
    if (m.type === 'Rules') {
      const rules = m.rules ?? [];
      if (rules.length === 0) throw invalidParameter('RulesConfiguration is required for a Rules role mapping.');
      if (rules.length > MAX_RULES) throw invalidParameter(`A role mapping can have at most ${MAX_RULES} rules.`);
      arns.push(...rules.map((r) => r.roleArn));
    }
  }
  for (const arn of arns) if (!ROLE_ARN.test(arn)) throw invalidParameter(`Invalid role ARN: ${arn}`);
}
