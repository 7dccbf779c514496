/**
 * Per-issuer cache of verification keys.
 *
 * - Lifetime from the JWKS's Cache-Control `max-age`, bounded to [60 s, 24 h]; 10 min when absent.
 * - An unknown `kid` refetches, but at most once per 30 s per issuer, so tokens with made-up kids
 *   cannot make us hammer the IdP.
 * - Concurrent requests for one issuer share one in-flight fetch.
 * - A failed fetch is remembered for 5 s (same reason); while the IdP is unreachable, keys that
 *   expired less than an hour ago are still served.
 * - At most 1000 issuers, least recently used evicted first.
 *
 * Entries are keyed by issuer *and* the provider's thumbprints: keys fetched under one
 * provider's pins are never handed to another provider whose pins would not have trusted them.
 * All times are the caller's clock (ms), so tests move time instead of sleeping.
 */
import { fetchJwks as defaultFetcher, type JwksFetcher } from './jwks-fetcher.js';
import { issuerBase } from './issuer.js';
import { KeySet } from './key-set.js';
import { TransportError, type TransportPolicy } from './transport.js';
import { normalizeThumbprint } from '../tls/thumbprint.js';

/** Tuning of a {@link JwksCache}; every field has a default. */
export interface JwksCacheOptions {
  /** Default {@link fetchJwks}. */
  fetcher?: JwksFetcher;
  /** Default 1000. */
  maxIssuers?: number;
  /** Default 60. */
  minTtlSeconds?: number;
  /** Default 86 400. */
  maxTtlSeconds?: number;
  /** When the JWKS has no Cache-Control max-age. Default 600. */
  defaultTtlSeconds?: number;
  /** Least time between fetches caused by unknown kids, per issuer. Default 30. */
  unknownKidIntervalSeconds?: number;
  /** How long a failed fetch is answered from memory. Default 5. */
  failureTtlSeconds?: number;
  /** How long past expiry keys are still served while the IdP is unreachable. Default 3600. */
  staleIfUnreachableSeconds?: number;
}

interface Entry {
  keySet: KeySet | undefined;
  expiresAt: number;
  lastFetchAt: number;
  inflight: Promise<KeySet> | undefined;
  failure: { error: unknown; until: number } | undefined;
}

const isUnreachable = (e: unknown): boolean => e instanceof TransportError && e.kind === 'unreachable';

/** Verification keys per issuer; see the module comment for the rules. */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  /** The normalised pin list of a provider's thumbprints (the same array while its record is cached). */
  private readonly pins = new WeakMap<readonly string[], string>();
  private readonly fetcher: JwksFetcher;
  private readonly maxIssuers: number;
  private readonly minTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly defaultTtlMs: number;
  private readonly unknownKidIntervalMs: number;
  private readonly failureTtlMs: number;
  private readonly staleMs: number;

  constructor(options: JwksCacheOptions = {}) {
    this.fetcher = options.fetcher ?? defaultFetcher;
    this.maxIssuers = options.maxIssuers ?? 1000;
    this.minTtlMs = (options.minTtlSeconds ?? 60) * 1000;
    this.maxTtlMs = (options.maxTtlSeconds ?? 86_400) * 1000;
    this.defaultTtlMs = (options.defaultTtlSeconds ?? 600) * 1000;
    this.unknownKidIntervalMs = (options.unknownKidIntervalSeconds ?? 30) * 1000;
    this.failureTtlMs = (options.failureTtlSeconds ?? 5) * 1000;
    this.staleMs = (options.staleIfUnreachableSeconds ?? 3600) * 1000;
  }

  /** Number of issuers held. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  /** The keys of `issuer`, from memory while fresh, else fetched. Rejects with the fetch's error. */
  get(issuer: string, policy: TransportPolicy, now: number): Promise<KeySet> {
    const entry = this.entry(issuer, policy);
    if (entry.keySet !== undefined && now < entry.expiresAt) return Promise.resolve(entry.keySet);
    if (entry.inflight !== undefined) return entry.inflight;
    if (entry.failure !== undefined && now < entry.failure.until) {
      const stale = this.stale(entry, now, entry.failure.error);
      return stale === undefined ? Promise.reject(entry.failure.error) : Promise.resolve(stale);
    }
    return this.fetch(entry, issuer, policy, now);
  }

  /**
   * Called after a token named a kid the current keys lack: refetches unless the issuer was
   * fetched less than the unknown-kid interval ago. Resolves to the keys to retry with, or to
   * undefined when no refetch was allowed.
   */
  refresh(issuer: string, policy: TransportPolicy, now: number): Promise<KeySet | undefined> {
    const entry = this.entry(issuer, policy);
    if (entry.inflight !== undefined) return entry.inflight;
    if (now - entry.lastFetchAt < this.unknownKidIntervalMs) return Promise.resolve(undefined);
    return this.fetch(entry, issuer, policy, now);
  }

  private entry(issuer: string, policy: TransportPolicy): Entry {
    let pins = this.pins.get(policy.thumbprints);
    if (pins === undefined) {
      pins = [...new Set(policy.thumbprints.map(normalizeThumbprint))].sort().join(',');
      this.pins.set(policy.thumbprints, pins);
    }
    const key = `${issuerBase(issuer)} ${pins} ${policy.checkHostnameWhenPinned === false ? 'nohost' : 'host'}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { keySet: undefined, expiresAt: 0, lastFetchAt: -Infinity, inflight: undefined, failure: undefined };
    }
    this.entries.delete(key); // re-insert: Map order is the LRU order
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxIssuers) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  private fetch(entry: Entry, issuer: string, policy: TransportPolicy, now: number): Promise<KeySet> {
    entry.lastFetchAt = now;
    const inflight = this.fetcher(issuer, policy).then(
      (fetched) => {
        const keySet = new KeySet(fetched.keys);
        const ttl = fetched.maxAgeSeconds === undefined ? this.defaultTtlMs : fetched.maxAgeSeconds * 1000;
        entry.keySet = keySet;
        entry.expiresAt = now + Math.min(this.maxTtlMs, Math.max(this.minTtlMs, ttl));
        entry.failure = undefined;
        return keySet;
      },
      (error: unknown) => {
        entry.failure = { error, until: now + this.failureTtlMs };
        const stale = this.stale(entry, now, error);
        if (stale === undefined) throw error;
        return stale;
      },
    );
    entry.inflight = inflight;
    const clear = (): void => {
      if (entry.inflight === inflight) entry.inflight = undefined;
    };
    inflight.then(clear, clear);
    return inflight;
  }

  private stale(entry: Entry, now: number, error: unknown): KeySet | undefined {
    return entry.keySet !== undefined && isUnreachable(error) && now < entry.expiresAt + this.staleMs
      ? entry.keySet
      : undefined;
  }
}
