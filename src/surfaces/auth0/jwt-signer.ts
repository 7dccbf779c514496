import { createHmac, createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { AccessTokenJwt } from '../../core/oauth/access-token-claims.js';
import type { ResourceServer } from '../../core/oauth/resource-servers.js';

/**
 * Signs JWTs with the tenant's current RS256 key (the one oidc-provider signs ID tokens with,
 * from the same key set: keys.ts) straight through node:crypto — for the token grants Cognate
 * answers itself (grants/client-credentials.ts). The protected header is encoded once per `typ`.
 */
export class Rs256Signer {
  readonly kid: string;
  readonly #key: KeyObject;
  readonly #headers = new Map<string, string>();

  constructor(jwk: JWK & { kid: string }) {
    this.kid = jwk.kid;
    this.#key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  }

  /** A JWT with header `{alg, typ, kid}`; without `typ` (ID tokens, as oidc-provider writes them) `{alg, kid}`. */
  sign(typ: string | undefined, payload: Record<string, unknown>): string {
    const name = typ ?? '';
    let header = this.#headers.get(name);
    if (!header) this.#headers.set(name, (header = Buffer.from(JSON.stringify({ alg: 'RS256', typ, kid: this.kid })).toString('base64url')));
    const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.#key).toString('base64url')}`;
  }
}

/** The signer for the key set oidc-provider was given: its one key allowed to sign (the current one). */
export function signerOf(keys: readonly JWK[]): Rs256Signer {
  const current = keys.find((k) => !k.key_ops);
  if (!current?.kid) throw new Error('the signing key set has no current key');
  return new Rs256Signer({ ...current, kid: current.kid });
}

const b64u = (v: string): string => Buffer.from(v).toString('base64url');

/**
 * An HS256 JWT keyed with the UTF-8 bytes of `secret` — an API's `signing_secret` (auth0-api.md
 * §2.2): header `{alg, typ}` only, no `kid` (the verifier holds the one secret).
 */
export function signHs256(secret: string, typ: string, payload: Record<string, unknown>): string {
  const input = `${b64u(JSON.stringify({ alg: 'HS256', typ }))}.${b64u(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * The HS256 secret an API's access tokens are signed with, or undefined for RS256 (the tenant
 * key). The system API (the Management API) is always RS256. An HS256 API whose secret is
 * missing (it did not open under the master key) throws: never a token signed another way.
 */
export function hs256SecretOf(api: ResourceServer): string | undefined {
  if (api.signing_alg !== 'HS256' || api.is_system) return undefined;
  if (!api.signing_secret) throw new Error(`the HS256 API ${api.id} has no usable signing secret`);
  return api.signing_secret;
}

/** An access token for `api`, signed as the API says (its `signing_alg`; auth0-api.md §2.2). */
export function signAccessToken(signer: Rs256Signer, api: ResourceServer, jwt: AccessTokenJwt): string {
  const secret = hs256SecretOf(api);
  return secret === undefined ? signer.sign(jwt.typ, jwt.payload) : signHs256(secret, jwt.typ, jwt.payload);
}
