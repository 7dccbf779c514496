/**
 * Set-up of the Cognito Sync benchmarks, with the official SDKs only: an identity pool allowing
 * guests, its unauthenticated role (the Cognito trust policy and `cognito-sync:*`), many guest
 * identities each holding its own temporary credentials from GetCredentialsForIdentity, and one
 * dataset per identity pre-filled through `@aws-sdk/client-cognito-sync`.
 */
import { randomUUID } from 'node:crypto';
import { CognitoIdentityClient, CreateIdentityPoolCommand, GetCredentialsForIdentityCommand, GetIdCommand, SetIdentityPoolRolesCommand } from '@aws-sdk/client-cognito-identity';
import { CognitoSyncClient, ListRecordsCommand, UpdateRecordsCommand } from '@aws-sdk/client-cognito-sync';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@smithy/types';
import { cognitoTrustPolicy } from '../test/support/cognito-trust.js';
import type { BenchServer } from './server.js';
import { RequestSigner } from './sign.js';

export const REGION = 'us-east-1';
export const DATASET = 'bench';

export interface BenchIdentity {
  identityId: string;
  credentials: AwsCredentialIdentity;
  signer: RequestSigner;
  /** percent-encoded `/identitypools/…/identities/…/datasets/<DATASET>` */
  datasetPath: string;
  /** the dataset's SyncCount after the pre-fill */
  syncCount: number;
  /** record key → its SyncCount after the pre-fill */
  records: Map<string, number>;
}

export interface SyncFixture {
  poolId: string;
  identities: BenchIdentity[];
}

/** Runs `fn` over `items`, at most `width` at a time. */
async function inParallel<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export const recordKey = (i: number): string => `key-${String(i).padStart(3, '0')}`;
export const recordValue = (seed: string): string => `${seed}:${'v'.repeat(48)}`;

export async function setUpSync(server: BenchServer, options: { identities: number; records: number }): Promise<SyncFixture> {
  const config = { endpoint: server.url, region: REGION, credentials: server.root, maxAttempts: 1 };
  const iam = new IAMClient(config);
  const cognito = new CognitoIdentityClient(config);
  const pool = await cognito.send(new CreateIdentityPoolCommand({ IdentityPoolName: `bench_sync_${Date.now()}`, AllowUnauthenticatedIdentities: true }));
  const poolId = pool.IdentityPoolId!;
  const roleName = `bench-sync-guest-${randomUUID().slice(0, 8)}`;
  const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(cognitoTrustPolicy(poolId, 'unauthenticated')) }));
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'cognito-sync:*', Resource: '*' }] };
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'sync', PolicyDocument: JSON.stringify(policy) }));
  await cognito.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { unauthenticated: role.Role!.Arn! } }));

  const unsigned = new CognitoIdentityClient({ endpoint: server.url, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  const identities = await inParallel(
    Array.from({ length: options.identities }, (_, i) => i),
    16,
    async (): Promise<BenchIdentity> => {
      const { IdentityId } = await unsigned.send(new GetIdCommand({ IdentityPoolId: poolId }));
      const { Credentials } = await unsigned.send(new GetCredentialsForIdentityCommand({ IdentityId: IdentityId! }));
      const credentials: AwsCredentialIdentity = {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretKey!,
        sessionToken: Credentials!.SessionToken!,
        expiration: Credentials!.Expiration!,
      };
      // Pre-fill through the official client: ListRecords for the token, one UpdateRecords of all keys.
      const sync = new CognitoSyncClient({ endpoint: server.url, region: REGION, credentials, maxAttempts: 1 });
      const listed = await sync.send(new ListRecordsCommand({ IdentityPoolId: poolId, IdentityId: IdentityId!, DatasetName: DATASET }));
      const written = await sync.send(
        new UpdateRecordsCommand({
          IdentityPoolId: poolId,
          IdentityId: IdentityId!,
          DatasetName: DATASET,
          SyncSessionToken: listed.SyncSessionToken!,
          RecordPatches: Array.from({ length: options.records }, (_, k) => ({ Op: 'replace', Key: recordKey(k), Value: recordValue('initial'), SyncCount: 0 })),
        }),
      );
      const records = new Map((written.Records ?? []).map((r) => [r.Key!, r.SyncCount!]));
      const syncCount = Math.max(...records.values());
      sync.destroy();
      const enc = encodeURIComponent;
      return {
        identityId: IdentityId!,
        credentials,
        signer: new RequestSigner(server.url, credentials, 'cognito-sync', REGION),
        datasetPath: `/identitypools/${enc(poolId)}/identities/${enc(IdentityId!)}/datasets/${DATASET}`,
        syncCount,
        records,
      };
    },
  );
  unsigned.destroy();
  iam.destroy();
  cognito.destroy();
  return { poolId, identities };
}

/** p50 / p99 of latencies in ms (nearest rank), to one decimal. */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  if (samples.length === 0) return { p50: 0, p99: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
}
