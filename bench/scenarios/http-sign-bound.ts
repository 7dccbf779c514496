import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { CryptoCeiling } from '../ceiling.js';
import { load } from '../load.js';
import type { Scenario } from './index.js';

/**
 * The practical bound of the token-grant aims on this machine: a 2-worker node:cluster server
 * doing nothing but HTTP and one RS256 signature per request (bench/sign-bound-server.mjs),
 * under the same load generator on the same cores. The Auth0 grant scenarios' ratios read
 * against it: no token endpoint can beat a server that does only this.
 */
export const httpSignBound: Scenario = {
  name: 'http-sign-bound',
  async run(ceiling: CryptoCeiling) {
    const child = spawn(process.execPath, ['bench/sign-bound-server.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => { throw new Error('sign-bound server exited'); })])) as [string];
      const port = Number(/^port (\d+)$/.exec(line)?.[1]);
      const options = { url: `http://127.0.0.1:${port}`, requests: [{ method: 'POST' as const, path: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' }] };
      await load({ ...options, duration: 3 });
      const result = await load(options);
      const twoCores = ceiling.rs256SignPerSec * 2;
      const ratio = Number((result.requestsPerSec / twoCores).toFixed(3));
      const summary = [
        `- HTTP + one RS256 signature per request, nothing else (2 node:cluster workers, 32 connections): **${result.requestsPerSec}**/s`,
        `- latency: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; non-2xx ${result.non2xx}, errors ${result.errors}`,
        `- RS256 signs on one core (same run): ${ceiling.rs256SignPerSec}/s; two cores: ${twoCores}/s; ratio **${ratio}** — the most any token endpoint can reach here with the load generator on the same cores`,
      ].join('\n');
      return { name: 'http-sign-bound', summary, metrics: { perSec: result.requestsPerSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms, non2xx: result.non2xx, errors: result.errors, rs256SignPerSecOneCore: ceiling.rs256SignPerSec, ratioToTwoCoreCeiling: ratio } };
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit').catch(() => undefined);
    }
  },
};
