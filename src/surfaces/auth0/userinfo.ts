import type { IncomingMessage } from 'node:http';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { userinfoAudience } from '../../core/oauth/access-token-claims.js';
import { userClaims } from '../../core/identity/users.js';
import { SCOPE_CLAIMS } from './account.js';
import { corsOrigins } from './client-metadata.js';
import type { Auth0Services } from './services.js';

export interface UserinfoReply {
  status: 200;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const JWT = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * /userinfo for a user's JWT access token to an API requested with `openid` (auth0-api.md §1.10,
 * §2.2): Auth0 gives such a token the issuer's /userinfo as a second audience, and server-side
 * SDKs call /userinfo with it. oidc-provider only knows its own opaque tokens, so these are
 * answered here: an RS256 signature by a tenant key, this issuer, the /userinfo audience, not
 * expired, a user who exists and is not blocked; the claims of the token's scopes. Anything
 * else — opaque tokens, invalid tokens, a browser origin the client does not allow — returns
 * undefined and goes to oidc-provider, which answers (and refuses) as for any other token.
 */
export async function userinfoForJwt(s: Auth0Services, req: IncomingMessage): Promise<UserinfoReply | undefined> {
  if (req.method !== 'GET' && req.method !== 'POST') return undefined;
  const token = JWT.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return undefined;
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    kid = header.alg === 'RS256' && typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
  const key = kid ? await s.signingKeys.verificationKey(kid) : undefined;
  if (!key) return undefined;
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: s.issuer(),
      audience: userinfoAudience(s.issuer()),
      currentDate: new Date(s.ctx.clock.now()),
      requiredClaims: ['sub', 'exp'],
    }));
  } catch {
    return undefined;
  }
  const clientId = typeof claims['azp'] === 'string' ? claims['azp'] : typeof claims['client_id'] === 'string' ? claims['client_id'] : undefined;
  const origin = req.headers.origin;
  let cors: Record<string, string> = {};
  if (origin !== undefined) {
    const app = clientId ? (await s.apps.find(clientId))?.app : undefined;
    if (!app || !corsOrigins(app).has(origin)) return undefined;
    cors = { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'WWW-Authenticate' };
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
  return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', vary: 'Origin', ...cors }, body };
}
