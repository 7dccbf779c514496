import { createPrivateKey, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

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

  sign(typ: string, payload: Record<string, unknown>): string {
    let header = this.#headers.get(typ);
    if (!header) this.#headers.set(typ, (header = Buffer.from(JSON.stringify({ alg: 'RS256', typ, kid: this.kid })).toString('base64url')));
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
