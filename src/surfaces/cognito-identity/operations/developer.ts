import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import type { Logins } from '../shapes.js';
import { authorize } from './authorize.js';

/** Developer-authenticated identities (aws-apis.md §1.3). */
export function developerOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    GetOpenIdTokenForDeveloperIdentity: operation<
      { IdentityPoolId: string; IdentityId?: string; Logins: Logins; PrincipalTags?: Record<string, string>; TokenDuration?: number },
      { IdentityId: string; Token: string }
    >({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'GetOpenIdTokenForDeveloperIdentity', input.IdentityPoolId);
        const { identityId, token } = await s.developer.openIdToken({
          poolId: input.IdentityPoolId,
          logins: input.Logins,
          ...(input.IdentityId !== undefined ? { identityId: input.IdentityId } : {}),
          ...(input.PrincipalTags !== undefined ? { principalTags: input.PrincipalTags } : {}),
          ...(input.TokenDuration !== undefined ? { tokenDuration: input.TokenDuration } : {}),
        });
        return { IdentityId: identityId, Token: token };
      },
    }),
    LookupDeveloperIdentity: operation<
      { IdentityPoolId: string; IdentityId?: string; DeveloperUserIdentifier?: string; MaxResults?: number; NextToken?: string },
      { IdentityId: string; DeveloperUserIdentifierList: string[]; NextToken?: string }
    >({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'LookupDeveloperIdentity', input.IdentityPoolId);
        const r = await s.developer.lookup(input.IdentityPoolId, input.IdentityId, input.DeveloperUserIdentifier, input.MaxResults ?? 60, input.NextToken);
        return { IdentityId: r.identityId, DeveloperUserIdentifierList: r.users, ...(r.nextToken ? { NextToken: r.nextToken } : {}) };
      },
    }),
    MergeDeveloperIdentities: operation<
      { SourceUserIdentifier: string; DestinationUserIdentifier: string; DeveloperProviderName: string; IdentityPoolId: string },
      { IdentityId: string }
    >({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'MergeDeveloperIdentities', input.IdentityPoolId);
        return { IdentityId: await s.developer.merge(input.IdentityPoolId, input.SourceUserIdentifier, input.DestinationUserIdentifier, input.DeveloperProviderName) };
      },
    }),
    UnlinkDeveloperIdentity: operation<
      { IdentityId: string; IdentityPoolId: string; DeveloperProviderName: string; DeveloperUserIdentifier: string },
      undefined
    >({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'UnlinkDeveloperIdentity', input.IdentityPoolId);
        await s.developer.unlink(input.IdentityId, input.IdentityPoolId, input.DeveloperProviderName, input.DeveloperUserIdentifier);
        return undefined;
      },
    }),
  };
}
