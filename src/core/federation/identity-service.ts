import type { Clock } from '../clock.js';
import { AppError, notAuthorized, notFound } from '../errors.js';
import { regionalUuid } from '../ids.js';
import { linkLogins } from './linking.js';
import type { LoginUse, LoginValidator, ValidatedLogin } from './login-validation.js';
import type { PoolService } from './pool-service.js';
import type { IdentityPoolRecord, IdentityRecord, IdentityRepository, LinkedLogin, ListCursor, LoginKey } from './ports.js';

/** §1.8 */
export const UNAUTHENTICATED_NOT_SUPPORTED = 'Unauthenticated access is not supported for this identity pool.';
export const LOGINS_DONT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool.";
export const forbidden = (id: string): AppError => notAuthorized(`Access to Identity '${id}' is forbidden.`);
/** Public operations answer unknown identities with NotAuthorized: v2 clears its cached id only on that (§1.9). */
export const unknownIdentity = (id: string): AppError => notAuthorized(`Identity '${id}' not found.`);

export interface IdentityServiceDeps {
  identities: IdentityRepository;
  pools: PoolService;
  validator: LoginValidator;
  clock: Clock;
  region: string;
}

/** What a caller of GetCredentialsForIdentity / GetOpenIdToken / UnlinkIdentity is entitled to. */
export interface Access {
  /** may differ from the requested id after a merge (§1.3) */
  identityId: string;
  authenticated: boolean;
  pool: IdentityPoolRecord;
  logins: ValidatedLogin[];
}

export interface IdentityDescription {
  identity: IdentityRecord;
  providers: string[];
}

const keyOf = (l: ValidatedLogin): LoginKey => ({ provider: l.provider, subject: l.subject });

/** GetId, identity access and linking, and the identity admin operations (aws-apis.md §1.3, §1.5). */
export class IdentityService {
  constructor(private readonly deps: IdentityServiceDeps) {}

  /** GetId: a new guest each call without logins; with logins the identity linked to them, created if need be. */
  async getId(poolId: string, logins: Record<string, string> | undefined): Promise<string> {
    const pool = await this.deps.pools.cached(poolId);
    const now = this.deps.clock.now();
    if (!logins || Object.keys(logins).length === 0) {
      if (!pool.config.allowUnauthenticated) throw notAuthorized(UNAUTHENTICATED_NOT_SUPPORTED);
      const id = regionalUuid(this.deps.region);
      await this.deps.identities.insertGuest({ id, poolId, authenticated: false, mergedInto: null, createdAt: now, updatedAt: now });
      return id;
    }
    const validated = await this.deps.validator.validate(pool, logins, 'id');
    return (await this.link(pool, undefined, validated.map(keyOf))).identityId;
  }

  /** Links logins to `anchorId` (or finds/creates their identity), merging where they already belong elsewhere. */
  link(pool: IdentityPoolRecord, anchorId: string | undefined, logins: LoginKey[]) {
    return linkLogins(this.deps.identities, {
      poolId: pool.id,
      ...(anchorId === undefined ? {} : { anchorId }),
      logins,
      ...(pool.config.developerProviderName === undefined ? {} : { developerProvider: pool.config.developerProviderName }),
      now: this.deps.clock.now(),
      newId: () => regionalUuid(this.deps.region),
    });
  }

  /**
   * Checks that the caller may act as `identityId` (§1.6 step 1–2): a guest needs no logins
   * and a pool that allows guests; an authenticated or merged-away identity needs at least one
   * valid login already linked to it (or our own token for it). Presented logins not yet linked
   * are linked (unless `options.link` is false); logins of another identity merge it in.
   * `options.check` runs on the pool before any login is looked at.
   */
  async access(identityId: string, logins: Record<string, string> | undefined, use: LoginUse, options: { link?: boolean; check?: (pool: IdentityPoolRecord) => void } = {}): Promise<Access> {
    const found = await this.deps.identities.getWithLogins(identityId);
    if (!found) throw unknownIdentity(identityId);
    const pool = await this.deps.pools.cached(found.identity.poolId);
    options.check?.(pool);
    if (!logins || Object.keys(logins).length === 0) {
      if (found.identity.authenticated || found.identity.mergedInto !== null) throw forbidden(identityId);
      if (!pool.config.allowUnauthenticated) throw notAuthorized(UNAUTHENTICATED_NOT_SUPPORTED);
      return { identityId, authenticated: false, pool, logins: [] };
    }
    const validated = await this.deps.validator.validate(pool, logins, use);
    const effective = await this.current(found);
    const me = effective.identity.id;
    const proofs = validated.filter((l) => l.kind === 'cognito');
    if (proofs.some((p) => p.subject !== me && p.subject !== identityId)) throw notAuthorized(LOGINS_DONT_MATCH);
    const linkable = validated.filter((l) => l.kind !== 'cognito');
    const isLinked = (l: ValidatedLogin): boolean => effective.logins.some((x) => x.provider === l.provider && x.subject === l.subject);
    const proven = proofs.length > 0 || linkable.some(isLinked);
    if (!proven && (effective.identity.authenticated || found.identity.mergedInto !== null)) {
      throw found.identity.mergedInto !== null ? forbidden(identityId) : notAuthorized(LOGINS_DONT_MATCH);
    }
    if (options.link === false || linkable.every(isLinked)) return { identityId: me, authenticated: effective.identity.authenticated || proofs.length > 0, pool, logins: validated };
    const linked = await this.link(pool, me, linkable.map(keyOf));
    return { identityId: linked.identityId, authenticated: true, pool, logins: validated };
  }

  /** The identity that `found` was (perhaps transitively) merged into, with its logins; `found` itself if it was not. */
  async current(found: { identity: IdentityRecord; logins: LinkedLogin[] }): Promise<{ identity: IdentityRecord; logins: LinkedLogin[] }> {
    let at = found;
    // A merge only rewrites the identities merged at that moment, so older ones point along a chain.
    for (let hops = 0; at.identity.mergedInto !== null && hops < 20; hops++) {
      const next = await this.deps.identities.getWithLogins(at.identity.mergedInto);
      if (!next) break;
      at = next;
    }
    return at;
  }

  async describe(identityId: string): Promise<IdentityDescription> {
    const found = await this.deps.identities.getWithLogins(identityId);
    if (!found) throw notFound(`Identity '${identityId}' not found.`);
    return { identity: found.identity, providers: [...new Set(found.logins.map((l) => l.provider))] };
  }

  /** The pool an identity belongs to (to authorize admin calls on it), or undefined. */
  async poolOf(identityId: string): Promise<string | undefined> {
    return (await this.deps.identities.get(identityId))?.poolId;
  }

  async list(poolId: string, limit: number, nextToken: string | undefined, hideDisabled: boolean): Promise<{ identities: IdentityDescription[]; nextToken?: string }> {
    await this.deps.pools.get(poolId);
    const after = decodeCursor(nextToken);
    const rows = await this.deps.identities.list(poolId, limit + 1, after, hideDisabled);
    const page = rows.slice(0, limit);
    const logins = await this.deps.identities.loginsOf(page.map((r) => r.id));
    const identities = page.map((identity) => ({ identity, providers: [...new Set(logins.filter((l) => l.identityId === identity.id).map((l) => l.provider))] }));
    const last = page[page.length - 1];
    return rows.length > limit && last ? { identities, nextToken: encodeCursor({ createdAt: last.createdAt, id: last.id }) } : { identities };
  }

  /** DeleteIdentities: per-id failures are reported, never thrown (§1.3). */
  async delete(ids: string[], authorize: (poolId: string) => Promise<void>): Promise<{ identityId: string; errorCode: 'AccessDenied' | 'InternalServerError' }[]> {
    const failed: { identityId: string; errorCode: 'AccessDenied' | 'InternalServerError' }[] = [];
    for (const id of new Set(ids)) {
      try {
        const poolId = await this.poolOf(id);
        if (poolId === undefined) continue;
        await authorize(poolId);
        await this.deps.identities.delete(id);
      } catch (e) {
        failed.push({ identityId: id, errorCode: e instanceof AppError && e.code === 'AccessDenied' ? 'AccessDenied' : 'InternalServerError' });
      }
    }
    return failed;
  }

  /** UnlinkIdentity: the caller proves the identity with `logins`, then drops every login of the named providers. */
  async unlink(identityId: string, logins: Record<string, string>, providers: string[]): Promise<void> {
    const access = await this.access(identityId, logins, 'credentials', { link: false });
    await this.deps.identities.transact(async (tx) => {
      const remove = (await tx.loginsOf([access.identityId])).filter((l) => providers.includes(l.provider));
      await tx.deleteLogins(access.pool.id, access.identityId, remove);
    });
  }
}

function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt, c.id])).toString('base64url');
}

function decodeCursor(token: string | undefined): ListCursor | undefined {
  if (token === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw new AppError('InvalidParameter', 'The pagination token is invalid.');
}
