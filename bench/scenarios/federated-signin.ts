import { startTestIdp } from '../../test/support/oidc-idp.js';
import { setUpFederation } from '../aws-setup.js';
import type { CryptoCeiling } from '../ceiling.js';
import { load } from '../load.js';
import { startBenchServer } from '../server.js';
import type { Scenario } from './index.js';

const USERS = 10_000;
const TARGET = 'AWSCognitoIdentityService';

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
      let next = 0;
      const headers = (op: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET}.${op}` });
      type Ctx = { token?: string; identityId?: string };
      const result = await load({
        url: server.url,
        requests: [
          {
            method: 'POST',
            path: '/',
            headers: headers('GetId'),
            setupRequest: (req, context: Ctx) => {
              const token = tokens[next++ % tokens.length]!;
              context.token = token;
              return { ...req, body: JSON.stringify({ IdentityPoolId: fed.poolId, Logins: { [fed.providerKey]: token } }) };
            },
            onResponse: (status, body, context: Ctx) => {
              context.identityId = status === 200 ? (JSON.parse(body) as { IdentityId: string }).IdentityId : undefined;
            },
          },
          {
            method: 'POST',
            path: '/',
            headers: headers('GetCredentialsForIdentity'),
            setupRequest: (req, context: Ctx) => ({
              ...req,
              body: JSON.stringify({ IdentityId: context.identityId ?? 'us-east-1:00000000-0000-0000-0000-000000000000', Logins: { [fed.providerKey]: context.token } }),
            }),
          },
        ],
      });
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
