import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { cognitoTrustPolicy } from '../test/support/cognito-trust.js';
import type { BenchServer } from './server.js';

/** The seed's IAM and Cognito steps for a bench: OIDC provider, identity pool, authenticated role. */
export async function setUpFederation(server: BenchServer, idp: { issuer: string; clientId: string }, options: { allowGuests?: boolean } = {}) {
  const config = { endpoint: server.url, region: 'us-east-1', credentials: server.root };
  const iam = new IAMClient(config);
  const identity = new CognitoIdentityClient(config);
  const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: [idp.clientId] }));
  const pool = await identity.send(
    new CreateIdentityPoolCommand({
      IdentityPoolName: `bench_${Date.now()}`,
      AllowUnauthenticatedIdentities: options.allowGuests ?? false,
      OpenIdConnectProviderARNs: [provider.OpenIDConnectProviderArn!],
    }),
  );
  const trust = (amr: 'authenticated' | 'unauthenticated') => JSON.stringify(cognitoTrustPolicy(pool.IdentityPoolId!, amr));
  const auth = await iam.send(new CreateRoleCommand({ RoleName: `bench-auth-${Date.now()}`, AssumeRolePolicyDocument: trust('authenticated') }));
  const unauth = await iam.send(new CreateRoleCommand({ RoleName: `bench-unauth-${Date.now()}`, AssumeRolePolicyDocument: trust('unauthenticated') }));
  await identity.send(
    new SetIdentityPoolRolesCommand({
      IdentityPoolId: pool.IdentityPoolId!,
      Roles: { authenticated: auth.Role!.Arn!, unauthenticated: unauth.Role!.Arn! },
    }),
  );
  return { iam, identity, poolId: pool.IdentityPoolId!, authRoleArn: auth.Role!.Arn!, unauthRoleArn: unauth.Role!.Arn!, providerKey: idp.issuer.replace(/^https?:\/\//, '').replace(/\/$/, '') };
}
