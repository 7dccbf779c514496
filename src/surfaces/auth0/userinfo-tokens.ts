import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LIFETIMES } from '../../core/oauth/token-lifetimes.js';
import type { Auth0Services } from './services.js';

/** Key ring purpose of the keys /userinfo-only access tokens are sealed with. */
const PURPOSE = 'auth0-userinfo-tokens';

/** What a sealed /userinfo access token says (times in epoch seconds). */
export type UserinfoTokenClaims = {
  iss: string;
  sub: string;
  /** The client the token was issued to. */
  azp: string;
  /** The OIDC scopes granted, space-separated: they decide the claims /userinfo returns. */
  scope: string;
  iat: number;
  exp: number;
};

/**
 * An access token usable at /userinfo only, as Auth0 issues one without an audience (auth0-api.md
 * §2.2): an encrypted JWT (JWE, `alg: dir`, `enc: A256GCM`, the issuer in the protected header),
 * opaque to clients. Nothing is stored: the token carries its claims, sealed under a key-ring key
 * every node shares, so issuing one costs no database write. Like Auth0's, it cannot be revoked
 * before it expires; /userinfo still refuses it once its user is blocked or deleted.
 */
export async function sealUserinfoToken(s: Auth0Services, claims: Omit<UserinfoTokenClaims, 'iss' | 'iat' | 'exp'>): Promise<{ token: string; expiresIn: number }> {
  const [current] = await s.ctx.keyRing.keys(PURPOSE);
  if (!current) throw new Error(`no ${PURPOSE} key`);
  const iat = Math.floor(s.ctx.clock.now() / 1000);
  const expiresIn = LIFETIMES.userinfoAccessToken;
  const payload: UserinfoTokenClaims = { iss: s.issuer(), ...claims, iat, exp: iat + expiresIn };
  return { token: encryptDir(current, s.issuer(), Buffer.from(JSON.stringify(payload))), expiresIn };
}

/** The claims of a sealed /userinfo token of this issuer that has not expired; undefined for anything else. */
export async function openUserinfoToken(s: Auth0Services, token: string): Promise<UserinfoTokenClaims | undefined> {
  try {
    const [encoded = '', encryptedKey, iv = '', ciphertext = '', tag = '', ...extra] = token.split('.');
    if (encryptedKey !== '' || extra.length > 0) return undefined;
    const header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header['alg'] !== 'dir' || header['enc'] !== 'A256GCM' || header['iss'] !== s.issuer()) return undefined;
    const key = (await s.ctx.keyRing.keys(PURPOSE)).find((k) => k.kid === header['kid']);
    const tagBytes = Buffer.from(tag, 'base64url');
    const ivBytes = Buffer.from(iv, 'base64url');
    if (!key || tagBytes.length !== 16 || ivBytes.length !== 12) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', key.key, ivBytes);
    decipher.setAAD(Buffer.from(encoded, 'ascii'));
    decipher.setAuthTag(tagBytes);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    const claims = JSON.parse(plaintext.toString('utf8')) as UserinfoTokenClaims;
    if (claims.iss !== s.issuer() || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    return claims.exp * 1000 > s.ctx.clock.now() ? claims : undefined;
  } catch {
    return undefined; // not base64url, not JSON, or the tag does not verify
  }
}

/**
 * JWE compact serialization, `alg: dir` + `enc: A256GCM` (RFC 7516 §7.1, RFC 7518 §5.3): the
 * protected header's base64url is the AAD, the encrypted key is empty. Written with node:crypto
 * rather than jose because this is on the refresh grant's hot path, where jose's WebCrypto
 * dispatch costs more than the cipher; the tests open these tokens with jose's compactDecrypt.
 */
function encryptDir(key: { kid: string; key: Buffer }, issuer: string, plaintext: Buffer): string {
  const encoded = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: key.kid, iss: issuer })).toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(encoded, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${encoded}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}
