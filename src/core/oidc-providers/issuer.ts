/**
 * Issuer identifiers. An IAM OIDC provider is keyed by its Url without the scheme
 * (`host[:port][/path]`); a token's `iss` is the full URL. Auth0 writes its issuer with a trailing
 * slash (`https://tenant.auth0.com/`) while the provider is usually registered without one, so
 * both spellings are accepted.
 */
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * The provider key of an issuer: `iss` without its `https://` (or `http://`) scheme and without
 * one trailing slash. STS uses it to find the IAM OIDC provider a web identity token belongs to.
 */
export function issuerKeyOf(iss: string): string {
  const bare = iss.replace(/^https?:\/\//i, '');
  return bare.endsWith('/') ? bare.slice(0, -1) : bare;
}

/** Whether a host name (as in a URL; IPv6 with or without brackets) is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && loopback.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

const hostnameOf = (key: string): string | undefined => {
  try {
    return new URL(`https://${key}`).hostname;
  } catch {
    return undefined;
  }
};

/**
 * The `iss` values a token of the provider keyed `issuerKey` may carry: `https://` + key, with and
 * without a trailing slash, and the same with `http://` when the host is a loopback address.
 */
export function acceptedIssuers(issuerKey: string): string[] {
  const key = issuerKeyOf(issuerKey);
  const hostname = hostnameOf(key);
  if (key === '' || hostname === undefined) return [];
  const schemes = isLoopbackHost(hostname) ? ['https://', 'http://'] : ['https://'];
  return schemes.flatMap((scheme) => [`${scheme}${key}`, `${scheme}${key}/`]);
}

/** The issuer URL without a trailing slash, the base of `/.well-known/openid-configuration` (OIDC Discovery §4). */
export const issuerBase = (iss: string): string => (iss.endsWith('/') ? iss.slice(0, -1) : iss);
