import { DEFAULT_TENANT, type TenantRepository, type TenantSettings } from '../../core/oauth/tenant.js';
import { isUniqueViolation, type Storage } from '../database.js';

const ID = 'default';

/** The settings a row stores, over the defaults of anything it lacks (none: the defaults). */
const settingsOf = (row: { body: string } | undefined): TenantSettings => ({ ...DEFAULT_TENANT, ...(row ? (JSON.parse(row.body) as Partial<TenantSettings>) : {}) });

/** The one tenant's settings row. Cached briefly: read on every password grant and logout. */
export class KyselyTenantRepository implements TenantRepository {
  #cached: { at: number; value: TenantSettings } | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<TenantSettings> {
    if (this.#cached && this.now() - this.#cached.at < 5_000) return this.#cached.value;
    const value = settingsOf(await this.storage.db.selectFrom('auth0_tenant').select('body').where('id', '=', ID).executeTakeFirst());
    this.#cached = { at: this.now(), value };
    return value;
  }

  async ensure(defaults: TenantSettings): Promise<void> {
    try {
      await this.storage.db.insertInto('auth0_tenant').values({ id: ID, body: JSON.stringify(defaults), updated_at: this.now() }).execute();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    this.#cached = undefined;
  }

  async update(patch: Partial<TenantSettings>): Promise<TenantSettings> {
    const value = await this.storage.transaction(async (trx) => {
      const row = await trx.selectFrom('auth0_tenant').select('body').where('id', '=', ID).executeTakeFirst();
      const next = { ...settingsOf(row), ...patch };
      const body = JSON.stringify(next);
      if (row) await trx.updateTable('auth0_tenant').set({ body, updated_at: this.now() }).where('id', '=', ID).execute();
      else await trx.insertInto('auth0_tenant').values({ id: ID, body, updated_at: this.now() }).execute();
      return next;
    });
    this.#cached = { at: this.now(), value };
    return value;
  }
}
