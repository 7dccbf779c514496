import { isIP } from 'node:net';
import type { KoaContext } from 'oidc-provider';

/**
 * The end user's IP for brute-force protection and logs on the token endpoint (auth0-api.md
 * §1.1): a server-side app calling the password grants for its users may name them in
 * `auth0-forwarded-for`, honoured only for a confidential client whose application has
 * `is_token_endpoint_ip_header_trusted` (carried as client metadata `ip_header_trusted`).
 * Anyone else gets the connection's address: the header is client-controlled.
 */
export function endUserIp(ctx: KoaContext): string {
  const client = ctx.oidc.client;
  return forwardedEndUserIp(client?.['ip_header_trusted'] === true && client['clientAuthMethod'] !== 'none', ctx.get('auth0-forwarded-for'), ctx.ip);
}

/**
 * The same decision from its inputs, for the grants answered outside oidc-provider
 * (grants/password-native.ts): `trusted` is a confidential client trusting the header, `header`
 * its `auth0-forwarded-for` value, `connectionIp` the client's address.
 */
export function forwardedEndUserIp(trusted: boolean, header: string | undefined, connectionIp: string): string {
  if (!trusted) return connectionIp;
  const first = (header ?? '').split(',')[0]?.trim() ?? '';
  return isIP(first) ? first : connectionIp;
}
