/**
 * Shared set-up of the Cognito Sync end-to-end tests, with the official clients only: an identity
 * pool with guest access, its roles (the Cognito trust policy of aws-apis.md §3.5 and a role
 * policy — by default `cognito-sync:*` on `*`, to show the isolation rule holds even then), and
 * SDK v3 Cognito Sync clients whose credentials come from `fromCognitoIdentityPool`.
 */
import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoSyncClient } from '@aws-sdk/client-cognito-sync';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { randomUUID } from 'node:crypto';
import { cognitoTrustPolicy } from '../support/cognito-trust.js';

export const REGION = 'us-east-1';

export interface Endpoint {
  url: string;
  root: { accessKeyId: string; secretAccessKey: string };
}

export const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-sync:*', Resource: '*' }] };

const trust = (poolId: string, amr: 'authenticated' | 'unauthenticated') => cognitoTrustPolicy(poolId, amr);

export const rootClients = (e: Endpoint) => {
  const config = { endpoint: e.url, region: REGION, credentials: e.root, maxAttempts: 1 };
  return { iam: new IAMClient(config), identity: new CognitoIdentityClient(config), sync: new CognitoSyncClient(config) };
};

/** A pool allowing guests, whose unauthenticated role carries `policy` (default: cognito-sync:* on *). */
export async function createGuestPool(e: Endpoint, policy: object = allowAll): Promise<{ poolId: string; roleArn: string; roleName: string }> {
  const { iam, identity } = rootClients(e);
  const pool = await identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: `sync_${randomUUID().slice(0, 8)}`, AllowUnauthenticatedIdentities: true }));
  const poolId = pool.IdentityPoolId!;
  const roleName = `SyncGuest-${randomUUID().slice(0, 8)}`;
  const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust(poolId, 'unauthenticated')) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'sync', PolicyDocument: JSON.stringify(policy) }));
  await identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: role.Role!.Arn! } }));
  return { poolId, roleArn: role.Role!.Arn!, roleName };
}

/**
 * One guest device: its own credential cache and an SDK v3 Cognito Sync client. A new identity,
 * or — given `identityId` — a second device of an existing one (its cached id, as the SDK keeps it).
 */
export async function guestDevice(e: Endpoint, poolId: string, identityId?: string): Promise<{ identityId: string; sync: CognitoSyncClient }> {
  const store = new Map<string, string>();
  if (identityId) store.set(`aws:cognito-identity-credentials:${poolId}:ANONYMOUS`, identityId);
  const cache = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  };
  const credentials = fromCognitoIdentityPool({ identityPoolId: poolId, cache, clientConfig: { endpoint: e.url, region: REGION } });
  const resolved = (await credentials()).identityId;
  return { identityId: resolved, sync: new CognitoSyncClient({ endpoint: e.url, region: REGION, credentials, maxAttempts: 1 }) };
}

/** The error name and HTTP status an SDK v3 call failed with. */
export async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}
