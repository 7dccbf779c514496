import type autocannon from 'autocannon';
import { startTestIdp } from '../../test/support/oidc-idp.js';
import { setUpFederation } from '../aws-setup.js';
import type { CryptoCeiling } from '../ceiling.js';
import { load } from '../load.js';
import { startBenchServer } from '../server.js';
import type { Scenario } from './index.js';

const USERS = 10_000;
const TARGET = 'AWSCognitoIdentityService';

type Ctx = { user?: number; identityId?: string };

/**
 * The load: each connection signs in user after user (GetId, then GetCredentialsForIdentity
 * with the IdentityId GetId returned). Request bodies are built before the run (GetId's whole
 * body, GetCredentialsForIdentity's Logins part) so the load generator, sharing the cores with
 * the server, spends as little as it can per request; every token is still sent as minted.
 */
export function signInRequests(url: string, poolId: string, providerKey: string, tokens: readonly string[], extra: Partial<autocannon.Options> = {}): autocannon.Options {
  const getIdBodies = tokens.map((token) => Buffer.from(JSON.stringify({ IdentityPoolId: poolId, Logins: { [providerKey]: token } })));
  const loginsParts = tokens.map((token) => `,"Logins":${JSON.stringify({ [providerKey]: token })}}`);
  const unknownIdentity = 'us-east-1:00000000-0000-0000-0000-000000000000';
  const headers = (op: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}.${op}` });
  let next = 0;
  return {
    url,
    ...extra,
    requests: [
      {
        method: 'POST',
        path: '/',
        headers: headers('GetId'),
        setupRequest: (req, context: Ctx) => {
          const user = next++ % tokens.length;
          context.user = user;
          req.body = getIdBodies[user]!;
          return req;
        },
        onResponse: (status, body, context: Ctx) => {
          context.identityId = status === 200 ? (JSON.parse(body) as { IdentityId: string }).IdentityId : undefined;
        },
      },
      {
        method: 'POST',
        path: '/',
        headers: headers('GetCredentialsForIdentity'),
        setupRequest: (req, context: Ctx) => {
          req.body = Buffer.from(`{"IdentityId":${JSON.stringify(context.identityId ?? unknownIdentity)}${loginsParts[context.user!]!}`);
          return req;
        },
      },
    ],
  };
}

/**
 * Federated sign-ins per second: GetId + GetCredentialsForIdentity, each with a fresh RS256
 * ID token of a distinct user (pre-minted, so the load generator does no RSA signing), against
 * a server with two workers on embedded SQLite. The first pass over the users creates their
 * identities; later passes find them.
 */
export const federatedSignIn: Scenario = {
  name: 'federated-signin',
  async run(ceiling: CryptoCeiling) {
    const idp = await startTestIdp();
    const server = await startBenchServer({ workers: 2 });
    try {
      const fed = await setUpFederation(server, idp);
      const tokens: string[] = [];
      for (let i = 0; i < USERS; i++) tokens.push(await idp.mint({ sub: `user-${i}` }));
      const result = await load(signInRequests(server.url, fed.poolId, fed.providerKey, tokens));
      const signInsPerSec = Math.round(result.requestsPerSec / 2);
      const verifyCeiling2Cores = ceiling.rs256VerifyPerSec * 2;
      const metrics = {
        signInsPerSec,
        requestsPerSec: result.requestsPerSec,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        non2xx: result.non2xx,
        errors: result.errors,
        distinctUsers: USERS,
        rs256VerifyPerSecOneCore: ceiling.rs256VerifyPerSec,
        // each sign-in verifies the ID token twice (GetId, GetCredentialsForIdentity)
        ratioToVerifyCeiling2Cores: Number(((signInsPerSec * 2) / verifyCeiling2Cores).toFixed(3)),
      };
      const summary = [
        `- federated sign-ins/s (GetId + GetCredentialsForIdentity, 32 connections, 2 workers, SQLite): **${signInsPerSec}**`,
        `- latency per request: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; non-2xx ${result.non2xx}, errors ${result.errors}`,
        `- RS256 verifications/s on one core (same run): ${ceiling.rs256VerifyPerSec}; token verifications done by the server as a share of two cores' ceiling: ${metrics.ratioToVerifyCeiling2Cores}`,
        `- aim (issue 2): ≥ 1,500 sign-ins/s, p99 < 50 ms`,
      ].join('\n');
      return { name: 'federated-signin', summary, metrics };
    } finally {
      await server.stop();
      await idp.close();
    }
  },
};
