import { parseQuery } from '../../../core/logs/lucene.js';
import type { Mgmt } from '../context.js';
import { badQuery, notFound } from '../errors.js';
import { PREFIX, type Operation } from '../router.js';
import { listBody, paging, projection, qInt, qStr, type Json } from '../shapes.js';

/** Log search is capped at 1,000 results (auth0-api.md §4.3 Logs). */
const SEARCH_CAP = 1000;

/** `sort=date:1|-1` only (the default is newest first). */
function ascending(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'date:-1') return false;
  if (raw === 'date:1') return true;
  throw badQuery(`Invalid sort "${raw.slice(0, 40)}": expected date:1 or date:-1`);
}

/**
 * Tenant logs (§4.3 Logs, §5 Logs): `q` (Lucene subset; the v7 SDK sends it as `search`),
 * offset paging with `{start, limit, length, total, logs}`, or checkpoint paging with
 * `from`/`take` (an array ordered by log_id and a `Link: …; rel="next"` header).
 */
export function logOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/logs',
      scopes: ['read:logs', 'read:logs_users'],
      description: 'Search log events',
      async handle({ query }) {
        await m.recorder.settled(); // read-your-writes within this process
        const project = projection(query);
        const from = qStr(query, 'from');
        const take = qInt(query, 'take', 1, 100);
        if (from !== undefined || take !== undefined) {
          if (from !== undefined && !/^\d{1,64}$/.test(from)) throw badQuery(`Invalid value "${from.slice(0, 64)}" for property from`);
          const logs = await m.logs.page(from, take ?? 50);
          const last = logs[logs.length - 1];
          const headers: Record<string, string> = {};
          if (last && logs.length === (take ?? 50)) headers['link'] = `<${m.s.issuer().replace(/\/$/, '')}${PREFIX}/logs?from=${last.log_id}&take=${take ?? 50}>; rel="next"`;
          return { status: 200, body: logs.map((l) => project(l as unknown as Json)), headers };
        }
        const p = paging(query);
        if (p.page * p.perPage >= SEARCH_CAP) throw badQuery(`You can only page through the first ${SEARCH_CAP} records`);
        const q = qStr(query, 'q') ?? qStr(query, 'search');
        const found = await m.logs.search({
          query: q ? parseQuery(q) : [],
          ascending: ascending(qStr(query, 'sort')),
          offset: p.page * p.perPage,
          limit: Math.min(p.perPage, SEARCH_CAP - p.page * p.perPage),
          withTotal: p.includeTotals,
        });
        return { status: 200, body: listBody('logs', found.logs.map((l) => project(l as unknown as Json)), p, Math.min(found.total ?? 0, SEARCH_CAP), true) };
      },
    },
    {
      method: 'GET',
      path: '/logs/:id',
      scopes: ['read:logs', 'read:logs_users'],
      description: 'Get a log event by id',
      async handle({ params }) {
        await m.recorder.settled();
        const event = await m.logs.find(params['id'] ?? '');
        if (!event) throw notFound('log not found', 'inexistent_log');
        return { status: 200, body: event };
      },
    },
  ];
}
