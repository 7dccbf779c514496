import type { IncomingMessage } from 'node:http';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, type CryptoKey } from 'jose';
import { userinfoAudience } from '../../core/oauth/access-token-claims.js';
import { userClaims } from '../../core/identity/users.js';
import { SCOPE_CLAIMS } from './account.js';
import { openUserinfoToken } from './userinfo-tokens.js';
import { corsOrigins } from './client-metadata.js';
import { allowedOriginHeaders } from './http.js';
import type { Auth0Services } from './services.js';

export interface UserinfoReply {
  status: 200;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const BEARER = /^Bearer ([A-Za-z0-9_.-]+)$/;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Compact JWE with `alg: dir`: an empty encrypted-key segment. */
const JWE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * /userinfo for the access tokens Cognate issues itself (auth0-api.md §1.10, §2.2): sealed
 * /userinfo-only tokens (userinfo-tokens.ts), and a user's JWT access token to an API requested
 * with `openid` — Auth0 gives such a token the issuer's /userinfo as a second audience, and
 * server-side SDKs call /userinfo with it. oidc-provider knows only its own opaque tokens, so
 * these are answered here. A JWT needs an RS256 signature by a tenant key (or HS256 by the
 * secret of the HS256 API it is also for), this issuer, the /userinfo audience and no expiry;
 * either kind needs a user who exists and is not blocked; the answer is the claims of the
 * token's scopes. Anything else — oidc-provider's opaque tokens, invalid tokens, a browser origin
 * the client does not allow — returns undefined and goes to oidc-provider, which answers (and
 * refuses) as for any other token.
 */
export async function userinfoForOwnTokens(s: Auth0Services, req: IncomingMessage): Promise<UserinfoReply | undefined> {
  if (req.method !== 'GET' && req.method !== 'POST') return undefined;
  const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return undefined;
  const claims: Readonly<Record<string, unknown>> | undefined = JWE.test(bearer) ? await openUserinfoToken(s, bearer) : JWT.test(bearer) ? await verifiedApiToken(s, bearer) : undefined;
  if (!claims) return undefined;
  const clientId = typeof claims['azp'] === 'string' ? claims['azp'] : typeof claims['client_id'] === 'string' ? claims['client_id'] : undefined;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const app = clientId ? (await s.apps.find(clientId))?.app : undefined;
    if (!app || !corsOrigins(app).has(origin)) return undefined;
  }
  const user = await s.users.findById(String(claims['sub']));
  if (!user || user.blocked) return undefined;
  const all = userClaims(user);
  const body: Record<string, unknown> = { sub: user.user_id };
  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
  for (const scope of scopes) {
    const names = SCOPE_CLAIMS[scope as keyof typeof SCOPE_CLAIMS];
    if (!Array.isArray(names)) continue;
    for (const name of names as readonly string[]) if (all[name] !== undefined) body[name] = all[name];
  }
  const cors = origin === undefined ? { vary: 'Origin' } : allowedOriginHeaders(origin);
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...cors }, body };
}

/**
 * What may have signed the token: the tenant key its RS256 header names, or for HS256 the
 * signing secret of the API among its audiences (an HS256 API; §2.2). Undefined otherwise.
 */
async function verificationKeyOf(s: Auth0Services, token: string): Promise<{ alg: 'RS256' | 'HS256'; key: KeyObject | CryptoKey } | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let aud: unknown;
  try {
    header = decodeProtectedHeader(token);
    ({ aud } = decodeJwt(token));
  } catch {
    return undefined;
  }
  if (header.alg === 'RS256' && typeof header.kid === 'string') {
    const key = await s.signingKeys.verificationKey(header.kid);
    return key && { alg: 'RS256', key };
  }
  if (header.alg !== 'HS256') return undefined;
  const apiAudience = Array.isArray(aud) ? aud.find((a): a is string => typeof a === 'string' && a !== userinfoAudience(s.issuer())) : undefined;
  const api = apiAudience === undefined ? undefined : await s.apis.findByIdentifier(apiAudience);
  // Not hs256SecretOf: an HS256 API whose secret does not open refuses the token, it is no fault here.
  const secret = api?.signing_alg === 'HS256' && !api.is_system ? api.signing_secret : undefined;
  return secret === undefined ? undefined : { alg: 'HS256', key: createSecretKey(Buffer.from(secret, 'utf8')) };
}

/** A user's JWT access token to an API, with /userinfo as second audience: its verified claims. */
async function verifiedApiToken(s: Auth0Services, token: string): Promise<Record<string, unknown> | undefined> {
  const key = await verificationKeyOf(s, token);
  if (!key) return undefined;
  try {
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      issuer: s.issuer(),
      audience: userinfoAudience(s.issuer()),
      currentDate: new Date(s.ctx.clock.now()),
      requiredClaims: ['sub', 'exp'],
    });
    return payload;
  } catch {
    return undefined;
  }
}
