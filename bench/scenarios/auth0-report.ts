import type { LoadResult } from '../load.js';
import type { ScenarioResult } from './index.js';

/** Metrics and summary of one Auth0 token-endpoint scenario against its crypto-ceiling aim. */
export function auth0Result(input: {
  name: string;
  what: string;
  result: LoadResult;
  /** the same run's one-core figure the aim is stated against */
  ceilingName: string;
  ceilingOneCore: number;
  /** share of two cores' ceiling aimed at */
  aim: number;
}): ScenarioResult {
  const { name, what, result, ceilingName, ceilingOneCore, aim } = input;
  const perSec = result.requestsPerSec;
  const twoCores = ceilingOneCore * 2;
  const ratio = twoCores > 0 ? Number((perSec / twoCores).toFixed(3)) : 0;
  const metrics = {
    perSec,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    [`${ceilingName}OneCore`]: ceilingOneCore,
    ratioToTwoCoreCeiling: ratio,
    aimRatio: aim,
  };
  const summary = [
    `- ${what}/s (POST /oauth/token, 32 connections, 2 workers, SQLite, plain http): **${perSec}**`,
    `- latency: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; non-2xx ${result.non2xx}, errors ${result.errors}`,
    `- ${ceilingName} on one core (same run): ${ceilingOneCore}/s; two cores: ${twoCores}/s`,
    `- aim: ≥ ${Math.round(aim * 100)} % of the two-core ${ceilingName} ceiling; measured ratio **${ratio}** (${ratio >= aim ? 'met' : 'NOT met'})`,
  ].join('\n');
  return { name, summary, metrics };
}
