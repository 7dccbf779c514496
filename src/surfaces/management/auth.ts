import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { clientSubject } from '../../core/oauth/access-token-claims.js';
import type { Auth0Services } from '../auth0/services.js';
import { forbidden, unauthorized } from './errors.js';

/** Who calls the Management API: a client authenticated with client_credentials, and its scopes. */
export interface Caller {
  clientId: string;
  scopes: ReadonlySet<string>;
}

/** `https://DOMAIN/api/v2/` — the audience of Management API tokens (auth0-api.md §4.1, §10.26). */
export const managementAudience = (s: Auth0Services): string => `${s.issuer()}api/v2/`;

/**
 * Bearer access tokens for the Management API (auth0-api.md §4.1): an RS256 JWT signed with a
 * tenant signing key (the `auth0-signing` ring, §2.4: current, next or previous — so tokens
 * issued before a rotation verify during the overlap), `iss` the issuer, `aud` the Management
 * audience, not expired. Only client-credentials tokens (`sub` = `<client_id>@clients`) carry Management
 * scopes; a user's token gets none (Cognate has no `*:current_user` endpoints).
 */
export class TokenVerifier {
  /** kids revoked through this process: refused at once, before the ring's next reload. */
  readonly #revoked = new Set<string>();

  constructor(private readonly s: Auth0Services) {}

  forgetKey(kid: string): void {
    this.#revoked.add(kid);
  }

  async verify(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)\s*$/i.exec(authorization ?? '');
    if (!authorization) throw unauthorized('Missing authentication');
    if (!match?.[1]) throw unauthorized('Invalid token');
    const token = match[1];
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      kid = header.alg === 'RS256' && typeof header.kid === 'string' ? header.kid : undefined;
    } catch {
      kid = undefined;
    }
    if (!kid || this.#revoked.has(kid)) throw unauthorized('Invalid token');
    const key = await this.s.signingKeys.verificationKey(kid);
    if (!key) throw unauthorized('Invalid token');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: ['RS256'],
        issuer: this.s.issuer(),
        audience: managementAudience(this.s),
        currentDate: new Date(this.s.ctx.clock.now()),
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthorized('Expired token received for JSON Web Token validation');
      throw unauthorized('Invalid token');
    }
    const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : typeof payload['azp'] === 'string' ? payload['azp'] : '';
    if (!clientId) throw unauthorized('Invalid token');
    // Client-credentials tokens: `sub` is `<client_id>@clients` (Auth0 dialect) or the client id (RFC 9068 tokens of earlier versions).
    const isClientToken = payload['sub'] === clientSubject(clientId) || payload['sub'] === clientId;
    const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
    return { clientId, scopes: new Set(isClientToken ? scope.split(' ').filter(Boolean) : []) };
  }
}

/** 403 unless the caller has one of `anyOf` (Auth0's message lists them, §4.2). */
export function requireScope(caller: Caller, anyOf: readonly string[]): void {
  if (anyOf.length === 0 || anyOf.some((s) => caller.scopes.has(s))) return;
  throw forbidden(`Insufficient scope, expected any of: ${anyOf.join(',')}`);
}
