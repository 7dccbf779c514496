import type { ClientInstance, IdTokenInstance, Provider } from 'oidc-provider';
import type { Application } from '../../../core/oauth/applications.js';
import { idTokenLifetime } from '../../../core/oauth/token-lifetimes.js';
import type { Rs256Signer } from '../jwt-signer.js';

/**
 * An ID token of the native grants, as `IdToken.issue` would make it: for an RS256 client its
 * payload plus what its JWT.sign adds (in that order), signed with the same tenant key through
 * node:crypto — jose's WebCrypto dispatch costs more than the signature; an HS256 client's by
 * `issue` itself (the client secret). `iat`: epoch seconds.
 */
export async function issueIdToken(provider: Provider, signer: Rs256Signer, client: ClientInstance, app: Application, token: IdTokenInstance, iat: number): Promise<string> {
  if (client['idTokenSignedResponseAlg'] !== 'RS256') return token.issue({ use: 'idtoken' });
  const payload = await token.payload();
  return signer.sign(undefined, Object.assign(payload, { aud: client.clientId, exp: iat + idTokenLifetime(app), iat, iss: provider.issuer, sub: payload['sub'] }));
}
