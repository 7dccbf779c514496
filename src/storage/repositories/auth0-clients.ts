import type { Application, ApplicationRepository, ApplicationWithSecret } from '../../core/oauth/applications.js';
import type { Sealer } from '../../core/keys/sealer.js';
import { isUniqueViolation, type Storage } from '../database.js';
import type { Auth0ClientsTable } from '../schema.js';

const aad = (clientId: string): string => `auth0-client-secret:${clientId}`;

/** Applications; client secrets sealed under the master key, bound to the client id. */
export class KyselyApplicationRepository implements ApplicationRepository {
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
    const row = await this.storage.db.selectFrom('auth0_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return row && this.#toApp(row);
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
}
