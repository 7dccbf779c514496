import type { Kysely } from 'kysely';
import type { Storage } from '../database.js';
import type { Database } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { GroupCommit } from './group-commit.js';

/** A stored oidc-provider artefact (see surfaces/auth0/adapter.ts). */
export interface OidcPayloadRecord {
  payload: Record<string, unknown>;
  consumedAt: number | null;
}

/**
 * oidc-provider's generic key/value store, one row per (model, id), with the secondary keys the
 * adapter contract looks up by (grantId, userCode, uid). Expired rows are invisible and swept
 * now and then by whichever worker writes.
 *
 * On SQLite every write is one statement in a group commit (group-commit.ts): the writes of
 * concurrent token requests share one transaction — one fsync — and waiting for another worker's
 * write lock never stalls the event loop (an autocommit statement would sleep in busy_timeout).
 */
type FindColumn = 'id' | 'uid' | 'user_code';

/** The look-up of every token, grant and session, by each column it is found by. */
const findBy = (column: FindColumn) =>
  compiledOnce(2, (db, arg) => db.selectFrom('auth0_oidc_payloads').select(['payload', 'consumed_at', 'expires_at']).where('model', '=', arg<string>(0)).where(column, '=', arg<string>(1)));
const FIND = { id: findBy('id'), uid: findBy('uid'), user_code: findBy('user_code') };

export class KyselyOidcPayloadRepository {
  #writes = 0;
  readonly #group: GroupCommit<Kysely<Database>> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {
    this.#group = storage.dialect === 'sqlite' ? new GroupCommit(storage, (trx) => trx) : undefined;
  }

  #write<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.#group ? this.#group.run(fn) : fn(this.storage.db);
  }

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void> {
    const str = (k: string): string | null => (typeof payload[k] === 'string' ? (payload[k] as string) : null);
    const row = { payload: JSON.stringify(payload), grant_id: str('grantId'), user_code: str('userCode'), uid: str('uid'), expires_at: expiresAt };
    await this.#write((db) =>
      db
        .insertInto('auth0_oidc_payloads')
        .values({ model, id, ...row, consumed_at: null })
        .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(row))
        .execute(),
    );
    // Off the request path: a failed sweep is retried 500 writes later.
    if (++this.#writes % 500 === 0) void this.sweep().catch(() => undefined);
  }

  async find(model: string, column: FindColumn, value: string): Promise<OidcPayloadRecord | undefined> {
    const [row] = await FIND[column](this.storage.db, this.storage.dialect, model, value);
    if (!row || (row.expires_at !== null && row.expires_at <= this.now())) return undefined;
    return { payload: JSON.parse(row.payload) as Record<string, unknown>, consumedAt: row.consumed_at };
  }

  async consume(model: string, id: string): Promise<void> {
    const at = this.now();
    await this.#write((db) => db.updateTable('auth0_oidc_payloads').set({ consumed_at: at }).where('model', '=', model).where('id', '=', id).execute());
  }

  /**
   * Marks an unconsumed artefact consumed, in one statement; false when it was consumed already
   * (or is gone). Of concurrent callers exactly one gets true.
   */
  async consumeOnce(model: string, id: string): Promise<boolean> {
    const at = this.now();
    const result = await this.#write((db) =>
      db.updateTable('auth0_oidc_payloads').set({ consumed_at: at }).where('model', '=', model).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0;
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.#write((db) => db.deleteFrom('auth0_oidc_payloads').where('model', '=', model).where('id', '=', id).execute());
  }

  /** Every artefact of a grant, whatever its model (RFC 7009 §2.1: revoking a grant revokes its tokens). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#write((db) => db.deleteFrom('auth0_oidc_payloads').where('grant_id', '=', grantId).execute());
  }

  async sweep(): Promise<void> {
    const at = this.now();
    await this.#write((db) => db.deleteFrom('auth0_oidc_payloads').where('expires_at', '<=', at).execute());
  }
}
