import { toAuth0User, type User } from '../../../core/identity/users.js';
import { parseQuery } from '../../../core/logs/lucene.js';
import { USER_SORT_FIELDS } from '../../../storage/repositories/auth0-user-search.js';
import type { Mgmt } from '../context.js';
import { badQuery, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { compact, listBody, paging, projection, qStr, type Json } from '../shapes.js';

/** Auth0 returns at most the first 1,000 results of a user search (auth0-api.md §4.2). */
const SEARCH_CAP = 1000;

export const userBody = (u: User): Json => compact(toAuth0User(u));

export async function findUserOr404(m: Mgmt, id: string): Promise<User> {
  const user = await m.users.findById(id);
  if (!user) throw notFound('The user does not exist.', 'inexistent_user');
  return user;
}

/** `sort=field:1|-1` (§4.3 Users). */
function parseSort(raw: string | undefined): { column: string; descending: boolean } | undefined {
  if (!raw) return undefined;
  const m = /^([a-z_]+):(1|-1)$/.exec(raw);
  const column = m?.[1] !== undefined && Object.hasOwn(USER_SORT_FIELDS, m[1]) ? USER_SORT_FIELDS[m[1]] : undefined;
  if (!m || !column) throw badQuery(`Invalid sort "${raw.slice(0, 60)}": expected <field>:1 or <field>:-1 with field one of ${Object.keys(USER_SORT_FIELDS).join(', ')}`);
  return { column, descending: m[2] === '-1' };
}

/** GET /users, GET /users/{id}, GET /users-by-email (§4.3 Users, §10.21, §10.22). */
export function userReadOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/users',
      scopes: ['read:users'],
      description: 'Get users',
      async handle({ query }) {
        const p = paging(query);
        if (p.page * p.perPage >= SEARCH_CAP) throw badQuery(`You can only page through the first ${SEARCH_CAP} records`);
        const engine = qStr(query, 'search_engine');
        if (engine !== undefined && !['v1', 'v2', 'v3'].includes(engine)) throw badQuery(`Invalid value "${engine.slice(0, 20)}" for property search_engine`);
        const q = qStr(query, 'q');
        const parsed = q ? parseQuery(q) : [];
        const sort = parseSort(qStr(query, 'sort'));
        const connectionName = qStr(query, 'connection');
        let connectionId: string | undefined;
        if (connectionName) {
          const connection = await m.connections.findByName(connectionName);
          if (!connection) return { status: 200, body: listBody('users', [], p, 0, true) };
          connectionId = connection.id;
        }
        const limit = Math.min(p.perPage, SEARCH_CAP - p.page * p.perPage);
        const found = await m.userSearch.search({ query: parsed, connectionId, sort, offset: p.page * p.perPage, limit, withTotal: p.includeTotals });
        const project = projection(query);
        return { status: 200, body: listBody('users', found.users.map((u) => project(userBody(u))), p, found.total ?? 0, true) };
      },
    },
    {
      method: 'GET',
      path: '/users/:id',
      scopes: ['read:users'],
      description: 'Get a user',
      async handle({ params, query }) {
        const user = await findUserOr404(m, params['id'] ?? '');
        return { status: 200, body: projection(query)(userBody(user)) };
      },
    },
    {
      method: 'GET',
      path: '/users-by-email',
      scopes: ['read:users'],
      description: 'Search users by email',
      async handle({ query }) {
        const email = qStr(query, 'email');
        if (!email) throw badQuery('Missing required property: email');
        const project = projection(query);
        return { status: 200, body: (await m.users.findAllByEmail(email)).map((u) => project(userBody(u))) };
      },
    },
  ];
}
