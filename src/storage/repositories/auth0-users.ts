import { AppError } from '../../core/errors.js';
import type { UserRepository } from '../../core/identity/ports.js';
import { emailKey, type User } from '../../core/identity/users.js';
import type { Kysely } from 'kysely';
import { isUniqueViolation, type Storage } from '../database.js';
import type { Auth0UsersTable, Database } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { GroupCommit } from './group-commit.js';

export const toUser = (r: Auth0UsersTable): User => ({
  user_id: r.user_id,
  connection_id: r.connection_id,
  email: r.email,
  email_verified: r.email_verified === 1,
  username: r.username,
  password_hash: r.password_hash,
  name: r.name,
  nickname: r.nickname,
  picture: r.picture,
  blocked: r.blocked === 1,
  logins_count: r.logins_count,
  last_login: r.last_login,
  last_ip: r.last_ip,
  last_password_reset: r.last_password_reset,
  user_metadata: JSON.parse(r.user_metadata) as Record<string, unknown>,
  app_metadata: JSON.parse(r.app_metadata) as Record<string, unknown>,
  identities: JSON.parse(r.identities) as User['identities'],
  profile: JSON.parse(r.profile) as User['profile'],
  created_at: r.created_at,
  updated_at: r.updated_at,
});

export const toUserRow = (u: User): Auth0UsersTable => ({
  user_id: u.user_id,
  connection_id: u.connection_id,
  email: u.email,
  email_key: u.email === null ? null : emailKey(u.email),
  email_verified: u.email_verified ? 1 : 0,
  username: u.username,
  password_hash: u.password_hash,
  name: u.name,
  nickname: u.nickname,
  picture: u.picture,
  blocked: u.blocked ? 1 : 0,
  logins_count: u.logins_count,
  last_login: u.last_login,
  last_ip: u.last_ip,
  last_password_reset: u.last_password_reset,
  user_metadata: JSON.stringify(u.user_metadata),
  app_metadata: JSON.stringify(u.app_metadata),
  identities: JSON.stringify(u.identities),
  profile: JSON.stringify(u.profile),
  created_at: u.created_at,
  updated_at: u.updated_at,
});

// The look-ups of every login and refresh.
const userById = compiledOnce(1, (db, arg) => db.selectFrom('auth0_users').selectAll().where('user_id', '=', arg<string>(0)));
const userByEmail = compiledOnce(2, (db, arg) => db.selectFrom('auth0_users').selectAll().where('connection_id', '=', arg<string>(0)).where('email_key', '=', arg<string>(1)));
const userByUsername = compiledOnce(2, (db, arg) => db.selectFrom('auth0_users').selectAll().where('connection_id', '=', arg<string>(0)).where('username', '=', arg<string>(1)));

export class KyselyUserRepository implements UserRepository {
  /** SQLite: login bookkeeping of concurrent logins shares commits (see recordLogin). */
  readonly #group: GroupCommit<Kysely<Database>> | undefined;

  constructor(private readonly storage: Storage) {
    this.#group = storage.dialect === 'sqlite' ? new GroupCommit(storage, (trx) => trx) : undefined;
  }

  async findById(userId: string): Promise<User | undefined> {
    const [row] = await userById(this.storage.db, this.storage.dialect, userId);
    return row && toUser(row);
  }

  async findByEmail(connectionId: string, email: string): Promise<User | undefined> {
    const [row] = await userByEmail(this.storage.db, this.storage.dialect, connectionId, emailKey(email));
    return row && toUser(row);
  }

  async findByUsername(connectionId: string, username: string): Promise<User | undefined> {
    const [row] = await userByUsername(this.storage.db, this.storage.dialect, connectionId, username.toLowerCase());
    return row && toUser(row);
  }

  async create(user: User): Promise<void> {
    try {
      await this.storage.db.insertInto('auth0_users').values(toUserRow(user)).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('AlreadyExists', 'The user already exists.');
      throw e;
    }
  }

  /**
   * Every successful login writes here. On SQLite the update joins a group commit: concurrent
   * logins share one transaction, and waiting for another worker's write lock does not stall
   * the event loop (an autocommit statement would sleep in busy_timeout).
   */
  async recordLogin(userId: string, at: number, ip: string | null, rehash?: string): Promise<void> {
    const update = (db: Kysely<Database>) =>
      db
        .updateTable('auth0_users')
        .set((eb) => ({
          logins_count: eb('logins_count', '+', 1),
          last_login: at,
          last_ip: ip,
          ...(rehash ? { password_hash: rehash } : {}),
        }))
        .where('user_id', '=', userId)
        .execute();
    await (this.#group ? this.#group.run(update) : update(this.storage.db));
  }

  async setPassword(userId: string, hash: string, at: number): Promise<void> {
    await this.storage.db
      .updateTable('auth0_users')
      .set({ password_hash: hash, last_password_reset: at, updated_at: at })
      .where('user_id', '=', userId)
      .execute();
  }

  // --- Management API (src/surfaces/management/operations/users.ts) ---

  /** Replaces every column but user_id; AlreadyExists when the new email/username is taken. */
  async update(user: User): Promise<void> {
    const { user_id, ...row } = toUserRow(user);
    try {
      await this.storage.db.updateTable('auth0_users').set(row).where('user_id', '=', user_id).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('AlreadyExists', 'The user already exists.');
      throw e;
    }
  }

  async delete(userId: string): Promise<boolean> {
    const result = await this.storage.db.deleteFrom('auth0_users').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Users of every connection with this email (case-insensitive), oldest first. */
  async findAllByEmail(email: string): Promise<User[]> {
    const rows = await this.storage.db.selectFrom('auth0_users').selectAll().where('email_key', '=', emailKey(email)).orderBy('created_at').orderBy('user_id').execute();
    return rows.map(toUser);
  }
}
