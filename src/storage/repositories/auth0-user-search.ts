import type { Query } from '../../core/logs/lucene.js';
import type { User } from '../../core/identity/users.js';
import type { Storage } from '../database.js';
import { toUser } from './auth0-users.js';
import { jsonField, queryToSql, type FieldSpec } from './auth0-search.js';

/** Searchable user fields (auth0-api.md §4.3 Users `q`, §3.3 profile). */
const FIELDS: Record<string, FieldSpec> = {
  user_id: { column: 'user_id', kind: 'exact' },
  email: { column: 'email_key', kind: 'ci', lowerStored: true },
  email_verified: { column: 'email_verified', kind: 'bool' },
  username: { column: 'username', kind: 'ci', lowerStored: true },
  name: { column: 'name', kind: 'ci' },
  nickname: { column: 'nickname', kind: 'ci' },
  picture: { column: 'picture', kind: 'exact' },
  blocked: { column: 'blocked', kind: 'bool' },
  logins_count: { column: 'logins_count', kind: 'number' },
  last_login: { column: 'last_login', kind: 'date' },
  last_ip: { column: 'last_ip', kind: 'exact' },
  created_at: { column: 'created_at', kind: 'date' },
  updated_at: { column: 'updated_at', kind: 'date' },
  'identities.connection': { column: 'identities', kind: 'json', path: ['0', 'connection'] },
  'identities.provider': { column: 'identities', kind: 'json', path: ['0', 'provider'] },
  'identities.user_id': { column: 'identities', kind: 'json', path: ['0', 'user_id'] },
};
const PROFILE = ['given_name', 'family_name', 'phone_number', 'locale'];
/** A bare term matches email, name, nickname or username. */
const BARE: FieldSpec[] = [FIELDS['email']!, FIELDS['name']!, FIELDS['nickname']!, FIELDS['username']!];

function resolve(field: string): FieldSpec | undefined {
  if (Object.hasOwn(FIELDS, field)) return FIELDS[field];
  for (const meta of ['app_metadata', 'user_metadata']) {
    if (field.startsWith(`${meta}.`)) return jsonField(meta, field.slice(meta.length + 1));
  }
  return PROFILE.includes(field) ? jsonField('profile', field) : undefined;
}

/** Columns `sort=<field>:1|-1` may name. */
export const USER_SORT_FIELDS: Record<string, string> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  last_login: 'last_login',
  logins_count: 'logins_count',
  email: 'email_key',
  name: 'name',
  nickname: 'nickname',
  username: 'username',
  user_id: 'user_id',
};
type SortColumn = 'created_at' | 'updated_at' | 'last_login' | 'logins_count' | 'email_key' | 'name' | 'nickname' | 'username' | 'user_id';

export interface UserSearch {
  query: Query;
  connectionId?: string | undefined;
  sort?: { column: string; descending: boolean } | undefined;
  offset: number;
  limit: number;
  withTotal: boolean;
}

/** Users listing/search and bulk deletion for the Management API. */
export class KyselyUserSearch {
  constructor(private readonly storage: Storage) {}

  /** Throws SearchFieldError for unknown fields or mistyped values. */
  async search(s: UserSearch): Promise<{ users: User[]; total?: number }> {
    const where = queryToSql(s.query, resolve, BARE, this.storage.dialect);
    let q = this.storage.db.selectFrom('auth0_users');
    if (where) q = q.where(where);
    if (s.connectionId !== undefined) q = q.where('connection_id', '=', s.connectionId);
    let rows = q.selectAll();
    if (s.sort) rows = rows.orderBy(s.sort.column as SortColumn, s.sort.descending ? 'desc' : 'asc');
    const found = await rows.orderBy('created_at').orderBy('user_id').offset(s.offset).limit(s.limit).execute();
    if (!s.withTotal) return { users: found.map(toUser) };
    const count = await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { users: found.map(toUser), total: Number(count.n) };
  }

  async deleteByConnection(connectionId: string): Promise<void> {
    await this.storage.db.deleteFrom('auth0_users').where('connection_id', '=', connectionId).execute();
  }
}
