/**
 * The policies that apply to a role's sessions — inline policies, the default versions of
 * attached managed policies, the permissions boundary — parsed, and kept for a few seconds
 * per role (bounded), so that authorizing a request costs no database read in the common case.
 * Writes in this process invalidate at once; other worker processes see a change within the TTL.
 */
import type { Clock } from '../clock.js';
import type { NamedPolicy } from '../policy/index.js';
import type { ParsedPolicyCache } from './policy-cache.js';
import type { IamStore } from './ports.js';

/** The reads the loader needs. */
export type RolePolicySource = Pick<IamStore, 'roleById' | 'rolePolicies' | 'attachedPolicies' | 'policyByArn' | 'policyVersion'>;

export interface RolePolicies {
  identity: NamedPolicy[];
  boundary?: NamedPolicy;
}

/** `SourcePolicyType` of SimulatePolicy results, kept in each policy's id as `<type>:<name>`. */
export type PolicySourceType = 'role' | 'user-managed' | 'aws-managed' | 'resource' | 'none';

export const sourcePolicyId = (type: PolicySourceType, name: string): string => `${type}:${name}`;

export function policySource(id: string): { type: PolicySourceType; name: string } {
  const i = id.indexOf(':');
  return { type: id.slice(0, i) as PolicySourceType, name: id.slice(i + 1) };
}

interface Entry<V> {
  expires: number;
  value: Promise<V>;
}

/** Promise-valued, TTL-bounded, size-bounded (oldest out first); concurrent loads share one promise. */
class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    this.#entries.delete(key);
    this.#entries.set(key, { expires: now + this.ttlMs, value });
    value.catch(() => this.#entries.get(key)?.value === value && this.#entries.delete(key));
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}

export interface RolePolicyLoaderOptions {
  /** Default 5000 ms. */
  ttlMs?: number;
  /** Roles (and managed policies) kept; default 1000. */
  max?: number;
}

export class RolePolicyLoader {
  readonly #roles: TtlCache<RolePolicies>;
  readonly #managed: TtlCache<NamedPolicy | undefined>;

  constructor(
    private readonly store: RolePolicySource,
    clock: Clock,
    private readonly parsed: ParsedPolicyCache,
    options: RolePolicyLoaderOptions = {},
  ) {
    this.#roles = new TtlCache(clock, options.ttlMs ?? 5000, options.max ?? 1000);
    this.#managed = new TtlCache(clock, options.ttlMs ?? 5000, options.max ?? 1000);
  }

  /** A role that no longer exists has no policies (so every request is an implicit deny). */
  forRole(roleId: string): Promise<RolePolicies> {
    return this.#roles.get(roleId, async () => {
      const role = await this.store.roleById(roleId);
      if (!role) return { identity: [] };
      const inline = (await this.store.rolePolicies(roleId)).map((p) => ({
        id: sourcePolicyId('role', p.policyName),
        doc: this.parsed.parse(p.document, 'identity'),
      }));
      const attached = await Promise.all((await this.store.attachedPolicies(roleId)).map((a) => this.managed(a.policyArn)));
      const identity = [...inline, ...attached.filter((p): p is NamedPolicy => p !== undefined)];
      if (role.permissionsBoundary === undefined) return { identity };
      // A boundary whose policy is gone allows nothing: fail closed.
      const boundary = (await this.managed(role.permissionsBoundary)) ?? { id: sourcePolicyId('user-managed', role.permissionsBoundary), doc: { version: '2012-10-17', statements: [] } };
      return { identity, boundary };
    });
  }

  /** The default version of a managed policy, or undefined when it does not exist. */
  managed(arn: string): Promise<NamedPolicy | undefined> {
    return this.#managed.get(arn, async () => {
      const policy = await this.store.policyByArn(arn);
      if (!policy) return undefined;
      const version = await this.store.policyVersion(arn, policy.defaultVersionId);
      if (!version) return undefined;
      return { id: sourcePolicyId('user-managed', policy.policyName), doc: this.parsed.parse(version.document, 'identity') };
    });
  }

  invalidate(): void {
    this.#roles.clear();
    this.#managed.clear();
  }
}
