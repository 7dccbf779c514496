/**
 * Key discovery as both AWS paths do it (aws-apis.md §2.1): `<iss>/.well-known/openid-configuration`
 * → `jwks_uri` → JWKS. Both requests go through the trusted transport; the JWKS's own
 * Cache-Control decides how long the keys are kept.
 */
import { issuerBase } from './issuer.js';
import { getJson, TransportError, type TransportPolicy } from './transport.js';

/** AWS refuses JWKS with more than about 100 keys (observed; spiffe/spire #4699). */
export const MAX_JWKS_KEYS = 100;

/** A JWKS as fetched: its raw `keys` (not yet validated one by one) and caching facts. */
export interface FetchedJwks {
  keys: unknown[];
  /** `max-age` of the JWKS response's Cache-Control, seconds; `0` for no-store/no-cache; undefined when absent. */
  maxAgeSeconds: number | undefined;
  jwksUri: string;
}

/** Fetches the JWKS of a provider: a function so the cache can be tested with a fake. */
export type JwksFetcher = (issuer: string, policy: TransportPolicy) => Promise<FetchedJwks>;

/** The discovery URL of an issuer (OIDC Discovery §4: a trailing slash is removed before appending). */
export const discoveryUrl = (issuer: string): URL => new URL(`${issuerBase(issuer)}/.well-known/openid-configuration`);

/** Reads `max-age` from a Cache-Control header; `no-store` and `no-cache` count as 0. */
export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (cacheControl === undefined) return undefined;
  const directives = cacheControl.toLowerCase().split(',').map((d) => d.trim());
  if (directives.some((d) => d === 'no-store' || d === 'no-cache')) return 0;
  for (const d of directives) {
    const m = /^max-age\s*=\s*"?(\d+)"?$/.exec(d);
    if (m?.[1] !== undefined) return Number(m[1]);
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fetches discovery, then the JWKS it names. Throws {@link TransportError}. */
export const fetchJwks: JwksFetcher = async (issuer, policy) => {
  const discovery = discoveryUrl(issuer);
  const doc = await getJson(discovery, policy);
  const jwksUri = isObject(doc.body) ? doc.body['jwks_uri'] : undefined;
  if (typeof jwksUri !== 'string') {
    throw new TransportError('invalid', discovery.href, 'the discovery document has no jwks_uri');
  }
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(jwksUri);
  } catch (e) {
    throw new TransportError('invalid', discovery.href, `jwks_uri is not a URL: ${jwksUri}`, { cause: e });
  }
  const jwks = await getJson(jwksUrl, policy);
  const keys = isObject(jwks.body) ? jwks.body['keys'] : undefined;
  if (!Array.isArray(keys)) throw new TransportError('invalid', jwksUrl.href, 'not a JWK Set (no keys array)');
  if (keys.length > MAX_JWKS_KEYS) {
    const message = `the JWK Set has ${keys.length} keys, more than ${MAX_JWKS_KEYS}`;
    throw new TransportError('invalid', jwksUrl.href, message);
  }
  return { keys, maxAgeSeconds: parseMaxAge(jwks.cacheControl), jwksUri: jwksUrl.href };
};
