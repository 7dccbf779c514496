import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { buildDatabaseConnection } from '../../core/identity/connections.js';
import { buildDatabaseUser } from '../../core/identity/users.js';
import { parseQuery } from '../../core/logs/lucene.js';
import { buildLogEvent } from '../../core/logs/events.js';
import { KyselyLogRepository } from './auth0-logs.js';
import { SearchFieldError } from './auth0-search.js';
import { KyselyUserSearch } from './auth0-user-search.js';
import { KyselyUserRepository } from './auth0-users.js';

/** The Management API's user and log search must mean the same thing on SQLite and PostgreSQL. */
forEachDialect('auth0 search', (storage) => {
  const db = buildDatabaseConnection('Username-Password-Authentication', [], 0);
  const other = buildDatabaseConnection('other-db', [], 0);

  it('users: fields, wildcards, ranges, metadata, identities, negation, sort and totals', async () => {
    const users = new KyselyUserRepository(storage());
    const make = async (i: number, extra: Partial<Parameters<typeof buildDatabaseUser>[0]> = {}) => {
      const u = buildDatabaseUser({ connection: i === 3 ? other : db, email: `User${i}@Example.test`, password_hash: null, name: `Name_${i}%`, app_metadata: { plan: i % 2 ? 'pro' : 'free', flag: i === 1, n: i }, ...extra }, 1000 + i);
      u.logins_count = i * 10;
      await users.create(u);
      return u;
    };
    const all = [await make(0), await make(1), await make(2), await make(3)];
    const search = new KyselyUserSearch(storage());
    const ids = async (q: string, more: Partial<Parameters<KyselyUserSearch['search']>[0]> = {}) =>
      (await search.search({ query: parseQuery(q), offset: 0, limit: 50, withTotal: false, ...more })).users.map((u) => u.email);
    expect(await ids('email:"USER2@example.TEST"')).toEqual(['user2@example.test']);
    expect(await ids(`user_id:"${all[1]?.user_id}"`)).toEqual(['user1@example.test']);
    expect(await ids('name:name_1*')).toEqual(['user1@example.test']); // `_` and `%` are literal, case-insensitive
    expect(await ids('name:*me_2%')).toEqual(['user2@example.test']);
    expect(await ids('logins_count:[10 TO 20]')).toEqual(['user1@example.test', 'user2@example.test']);
    expect(await ids('logins_count:{10 TO *]')).toEqual(['user2@example.test', 'user3@example.test']);
    expect(await ids('app_metadata.plan:pro')).toEqual(['user1@example.test', 'user3@example.test']);
    expect(await ids('app_metadata.flag:true')).toEqual(['user1@example.test']);
    expect(await ids('app_metadata.n:2')).toEqual(['user2@example.test']);
    expect(await ids('_exists_:app_metadata.nope')).toEqual([]);
    expect(await ids('identities.connection:"other-db"')).toEqual(['user3@example.test']);
    expect(await ids('app_metadata.plan:pro AND -identities.connection:"other-db"')).toEqual(['user1@example.test']);
    expect(await ids('email:user0* OR email:user3*')).toEqual(['user0@example.test', 'user3@example.test']);
    expect(await ids('user2')).toEqual(['user2@example.test']); // bare term: starts-with on email/name/nickname/username
    expect(await ids('', { sort: { column: 'logins_count', descending: true } })).toEqual(['user3@example.test', 'user2@example.test', 'user1@example.test', 'user0@example.test']);
    expect(await ids('', { connectionId: other.id })).toEqual(['user3@example.test']);
    const page = await search.search({ query: [], offset: 1, limit: 2, withTotal: true });
    expect([page.users.length, page.total]).toEqual([2, 4]);
    await expect(ids('password_hash:x')).rejects.toThrow(SearchFieldError);
    await expect(ids('logins_count:many')).rejects.toThrow(SearchFieldError);
    await expect(ids('name:*ab')).rejects.toThrow(SearchFieldError);
    await expect(ids('app_metadata.a..b:1')).rejects.toThrow(SearchFieldError);
  });

  it('logs: type/user/date filters, bare terms, newest first, checkpoint paging', async () => {
    const logs = new KyselyLogRepository(storage());
    const day = Date.parse('2024-05-01T10:00:00Z');
    const events = [
      buildLogEvent({ type: 's', user_id: 'auth0|1', user_name: 'alice@x.test', client_name: 'Web', connection: 'db' }, day),
      buildLogEvent({ type: 'fp', user_id: 'auth0|1', user_name: 'alice@x.test', client_name: 'Web' }, day + 1000),
      buildLogEvent({ type: 'fu', user_name: 'mallory@x.test', client_name: 'Mobile' }, day + 86_400_000),
    ];
    for (const e of events) await logs.insert(e);
    await logs.insert(events[0]!); // duplicate ids are ignored
    const find = async (q: string, ascending = false) => (await logs.search({ query: parseQuery(q), ascending, offset: 0, limit: 10, withTotal: true })).logs.map((l) => l.type);
    expect(await find('')).toEqual(['fu', 'fp', 's']);
    expect(await find('', true)).toEqual(['s', 'fp', 'fu']);
    expect(await find('user_id:"auth0|1" AND type:fp')).toEqual(['fp']);
    expect(await find('date:2024-05-01')).toEqual(['fp', 's']);
    expect(await find('date:[2024-05-02 TO *]')).toEqual(['fu']);
    expect(await find('mob')).toEqual(['fu']); // bare: client_name / connection / user_name starts with
    expect(await find('user:"ALICE@x.test"')).toEqual(['fp', 's']);
    expect(await logs.find(events[1]!.log_id)).toEqual(events[1]);
    expect((await logs.page(events[0]!.log_id, 5)).map((l) => l.type)).toEqual(['fp', 'fu']);
    expect((await logs.page(undefined, 2)).map((l) => l.type)).toEqual(['fp', 'fu']);
  });
});
