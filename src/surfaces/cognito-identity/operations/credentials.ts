import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import type { Logins } from '../shapes.js';

interface CredentialsShape {
  AccessKeyId: string;
  /** Cognito's name; STS says SecretAccessKey (aws-apis.md §9.2). */
  SecretKey: string;
  SessionToken: string;
  Expiration: Date;
}

/** GetCredentialsForIdentity (enhanced flow) and GetOpenIdToken (classic flow); both unsigned (§0.2). */
export function credentialsOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    GetCredentialsForIdentity: operation<{ IdentityId: string; Logins?: Logins; CustomRoleArn?: string }, { IdentityId: string; Credentials: CredentialsShape }>({
      auth: 'none',
      async handle(input, op) {
        const { identityId, credentials: c } = await s.credentials.credentials(input.IdentityId, input.Logins, input.CustomRoleArn, op.sourceIp);
        return {
          IdentityId: identityId,
          Credentials: { AccessKeyId: c.accessKeyId, SecretKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: new Date(c.expiration) },
        };
      },
    }),
    GetOpenIdToken: operation<{ IdentityId: string; Logins?: Logins }, { IdentityId: string; Token: string }>({
      auth: 'none',
      async handle(input) {
        const { identityId, token } = await s.credentials.openIdToken(input.IdentityId, input.Logins);
        return { IdentityId: identityId, Token: token };
      },
    }),
  };
}
