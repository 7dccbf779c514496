import type { Application, ApplicationRepository, ApplicationWithSecret } from '../../core/oauth/applications.js';
import type { Sealer } from '../../core/keys/sealer.js';
import { isUniqueViolation, type Storage } from '../database.js';
import type { Auth0ClientsTable } from '../schema.js';

const aad = (clientId: string): string => `auth0-client-secret:${clientId}`;

/** Decoded applications remembered per repository (the token endpoint's is one per process). */
const MAX_DECODED = 1_000;

const sameRow = (a: Auth0ClientsTable, b: Auth0ClientsTable): boolean =>
  a.body === b.body &&
  a.secret_sealed === b.secret_sealed &&
  a.name === b.name &&
  a.app_type === b.app_type &&
  a.system_role === b.system_role &&
  a.created_at === b.created_at &&
  a.updated_at === b.updated_at;

/**
 * Applications; client secrets sealed under the master key, bound to the client id.
 *
 * `find` reads the row on every call (a change by another worker, or straight in the database,
 * shows at once) but decodes it — JSON body, AES-GCM opening of the secret — only when the row
 * differs from the one decoded last for that client: the token endpoint looks its client up on
 * every request. The same row gives the same object back: callers must not mutate it.
 */
export class KyselyApplicationRepository implements ApplicationRepository {
  readonly #decoded = new Map<string, { row: Auth0ClientsTable; value: ApplicationWithSecret }>();

  constructor(
    private readonly storage: Storage,
    private readonly master: Sealer,
  ) {}

  #remember(row: Auth0ClientsTable): ApplicationWithSecret {
    const known = this.#decoded.get(row.client_id);
    if (known && sameRow(known.row, row)) return known.value;
    const value = this.#toApp(row);
    // A secret that does not open (wrong master key) is not remembered: it is retried each time.
    if (row.secret_sealed === null || value.secret !== null) {
      this.#decoded.delete(row.client_id);
      this.#decoded.set(row.client_id, { row, value });
      if (this.#decoded.size > MAX_DECODED) this.#decoded.delete(this.#decoded.keys().next().value!);
    }
    return value;
  }

  #toApp(row: Auth0ClientsTable): ApplicationWithSecret {
    const body = JSON.parse(row.body) as Omit<Application, 'client_id' | 'name' | 'app_type' | 'system_role' | 'created_at' | 'updated_at'>;
    const app: Application = {
      ...body,
      client_id: row.client_id,
      name: row.name,
      app_type: row.app_type as Application['app_type'],
      system_role: row.system_role,
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
    const secret = row.secret_sealed === null ? null : (this.master.open(row.secret_sealed, aad(row.client_id))?.toString('utf8') ?? null);
    return { app, secret };
  }

  async find(clientId: string): Promise<ApplicationWithSecret | undefined> {
    const row = await this.storage.db.selectFrom('auth0_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    if (!row) {
      this.#decoded.delete(clientId);
      return undefined;
    }
    return this.#remember(row);
  }

  async findBySystemRole(role: string): Promise<ApplicationWithSecret | undefined> {
    const row = await this.storage.db.selectFrom('auth0_clients').selectAll().where('system_role', '=', role).executeTakeFirst();
    return row && this.#toApp(row);
  }

  async insert(app: Application, secret: string | null): Promise<boolean> {
    const { client_id, name, app_type, system_role, created_at, updated_at, ...body } = app;
    try {
      await this.storage.db
        .insertInto('auth0_clients')
        .values({
          client_id,
          name,
          app_type,
          system_role,
          secret_sealed: secret === null ? null : this.master.seal(secret, aad(client_id)),
          body: JSON.stringify(body),
          created_at,
          updated_at,
        })
        .execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  // --- Management API (src/surfaces/management/operations/clients.ts) ---

  async list(): Promise<ApplicationWithSecret[]> {
    const rows = await this.storage.db.selectFrom('auth0_clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
    return rows.map((r) => this.#toApp(r));
  }

  /** Rewrites name, type and body (client_id, system_role and the secret are untouched). */
  async update(app: Application): Promise<void> {
    const { client_id, name, app_type, system_role, created_at, updated_at, ...body } = app;
    void system_role;
    void created_at;
    await this.storage.db.updateTable('auth0_clients').set({ name, app_type, body: JSON.stringify(body), updated_at }).where('client_id', '=', client_id).execute();
  }

  async setSecret(clientId: string, secret: string, at: number): Promise<void> {
    await this.storage.db
      .updateTable('auth0_clients')
      .set({ secret_sealed: this.master.seal(secret, aad(clientId)), updated_at: at })
      .where('client_id', '=', clientId)
      .execute();
  }

  async delete(clientId: string): Promise<boolean> {
    const result = await this.storage.db.deleteFrom('auth0_clients').where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
