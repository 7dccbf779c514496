import { operation, type AnyOperation } from '../../../protocols/aws/operation.js';
import type { CognitoIdentityServices } from '../services.js';
import { authorize } from './authorize.js';

interface TagMapShape {
  IdentityPoolId: string;
  IdentityProviderName: string;
  UseDefaults?: boolean;
  PrincipalTags?: Record<string, string>;
}

/** Set/GetPrincipalTagAttributeMap: which token claims become session tags for a provider. */
export function principalTagOperations(s: CognitoIdentityServices): Record<string, AnyOperation> {
  return {
    SetPrincipalTagAttributeMap: operation<TagMapShape, TagMapShape>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'SetPrincipalTagAttributeMap', input.IdentityPoolId);
        const map = { useDefaults: input.UseDefaults === true, tags: input.PrincipalTags ?? {} };
        await s.pools.setPrincipalTagMap(input.IdentityPoolId, input.IdentityProviderName, map);
        return { IdentityPoolId: input.IdentityPoolId, IdentityProviderName: input.IdentityProviderName, UseDefaults: map.useDefaults, PrincipalTags: map.tags };
      },
    }),
    GetPrincipalTagAttributeMap: operation<TagMapShape, TagMapShape>({
      auth: 'sigv4',
      async handle(input, op) {
        await authorize(s, op, 'GetPrincipalTagAttributeMap', input.IdentityPoolId);
        const map = await s.pools.principalTagMap(input.IdentityPoolId, input.IdentityProviderName);
        return {
          IdentityPoolId: input.IdentityPoolId,
          IdentityProviderName: input.IdentityProviderName,
          UseDefaults: map?.useDefaults ?? false,
          ...(map ? { PrincipalTags: map.tags } : {}),
        };
      },
    }),
  };
}
