import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../core/credentials/principal.js';
import { rootArn } from '../core/credentials/principal.js';
import { AppError } from '../core/errors.js';
import { hasSigV4, verifySigV4, type ResolvedCredential } from '../core/sigv4/index.js';
import type { Authenticate } from '../protocols/aws/surface.js';
import type { BaseContext } from './context.js';

/** STS sessions remembered per process (a few MB at most). */
export const SESSION_CACHE_MAX = 4096;

/** What request authentication needs of the process context. */
export type AuthenticatorContext = Pick<BaseContext, 'root' | 'clock' | 'sessions'> & { config: Pick<BaseContext['config'], 'accountId' | 'region'> };

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * SigV4 for every signed operation: root credentials (long-term) or STS sessions (ASIA…,
 * sealed tokens — no database read). Unsigned operations ignore any Authorization header.
 */
export function createAuthenticator(ctx: AuthenticatorContext): Authenticate {
  const rootPrincipal: Principal = {
    kind: 'root',
    accountId: ctx.config.accountId,
    accessKeyId: ctx.root.accessKeyId,
    arn: rootArn(ctx.config.accountId),
    userId: ctx.config.accountId,
  };
  /** Opened STS sessions by `<key id>\n<token>`, oldest first (insertion order). */
  const sessionCache = new Map<string, ResolvedCredential & { expiresAt: number }>();
  const resolve = async (accessKeyId: string, sessionToken: string | undefined): Promise<ResolvedCredential | undefined> => {
    if (sameString(accessKeyId, ctx.root.accessKeyId)) {
      return { secretAccessKey: ctx.root.secretAccessKey, principal: rootPrincipal };
    }
    if (accessKeyId.startsWith('ASIA')) {
      // A session token is the sealed session itself, so the same key id + token always opens
      // to the same credential: remember it rather than decrypt and re-derive on each request.
      // Expiry is still checked per request (the verifier compares expiresAt with its clock).
      const id = `${accessKeyId}\n${sessionToken ?? ''}`;
      const hit = sessionCache.get(id);
      if (hit !== undefined) {
        if (hit.expiresAt > ctx.clock.now()) return hit;
        sessionCache.delete(id);
      }
      const session = await ctx.sessions.resolve(accessKeyId, sessionToken);
      const resolved = { secretAccessKey: session.secretAccessKey, principal: session.principal, expiresAt: session.principal.expiresAt };
      sessionCache.delete(id);
      if (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value!);
      sessionCache.set(id, resolved);
      return resolved;
    }
    return undefined;
  };
  return async (req, surface, auth) => {
    if (auth === 'none') return { principal: undefined, region: ctx.config.region };
    const signed = { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers: req.headersDistinct, body: req.body };
    if (!hasSigV4(signed)) {
      throw new AppError(
        'MissingAuthenticationToken',
        surface.protocol === 'awsQuery' ? 'Request is missing Authentication Token' : 'Missing Authentication Token',
      );
    }
    const verified = await verifySigV4(signed, resolve, { now: ctx.clock.now() });
    return { principal: verified.credential.principal as Principal, region: verified.region };
  };
}
