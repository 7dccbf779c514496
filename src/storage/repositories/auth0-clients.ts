import type { Application, ApplicationRepository, ApplicationWithSecret } from '../../core/oauth/applications.js';
import type { Sealer } from '../../core/keys/sealer.js';
import { isUniqueViolation, type Storage } from '../database.js';
import type { Auth0ClientsTable } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { DecodedRows } from './decoded-rows.js';

const aad = (clientId: string): string => `auth0-client-secret:${clientId}`;

/** The look-up of every token request. */
const clientById = compiledOnce(1, (db, arg) => db.selectFrom('auth0_clients').selectAll().where('client_id', '=', arg<string>(0)));

/**
 * Applications; client secrets sealed under the master key, bound to the client id.
 *
 * `find` decodes a client's row only when it changed (decoded-rows.ts): the token endpoint looks
 * its client up on every request.
 */
export class KyselyApplicationRepository implements ApplicationRepository {
  // A secret that does not open (wrong master key) is not remembered: it is retried each time.
  readonly #decoded = new DecodedRows<Auth0ClientsTable, ApplicationWithSecret>(
    (row) => this.#toApp(row),
    (row, value) => row.secret_sealed === null || value.secret !== null,
  );

  constructor(
    private readonly storage: Storage,
    private readonly master: Sealer,
  ) {}

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
    const [row] = await clientById(this.storage.db, this.storage.dialect, clientId);
    return this.#decoded.of(clientId, row);
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
