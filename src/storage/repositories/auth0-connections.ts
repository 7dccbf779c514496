import type { Connection } from '../../core/identity/connections.js';
import type { ConnectionRepository } from '../../core/identity/ports.js';
import { isUniqueViolation, type Storage } from '../database.js';
import { compiledOnce } from '../compiled-once.js';
import type { Auth0ConnectionsTable } from '../schema.js';

type Body = Omit<Connection, 'id' | 'name' | 'strategy' | 'created_at' | 'updated_at'>;

const toConnection = (row: Auth0ConnectionsTable): Connection => ({
  ...(JSON.parse(row.body) as Body),
  id: row.id,
  name: row.name,
  strategy: row.strategy,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** The look-up of every password login. */
const connectionByName = compiledOnce(1, (db, arg) => db.selectFrom('auth0_connections').selectAll().where('name', '=', arg<string>(0)));

export class KyselyConnectionRepository implements ConnectionRepository {
  constructor(private readonly storage: Storage) {}

  async findByName(name: string): Promise<Connection | undefined> {
    const [row] = await connectionByName(this.storage.db, this.storage.dialect, name);
    return row && toConnection(row);
  }

  async findById(id: string): Promise<Connection | undefined> {
    const row = await this.storage.db.selectFrom('auth0_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toConnection(row);
  }

  async list(): Promise<Connection[]> {
    const rows = await this.storage.db.selectFrom('auth0_connections').selectAll().orderBy('created_at').execute();
    return rows.map(toConnection);
  }

  async insertIfAbsent(connection: Connection): Promise<void> {
    const { id, name, strategy, created_at, updated_at, ...body } = connection;
    try {
      await this.storage.db.insertInto('auth0_connections').values({ id, name, strategy, body: JSON.stringify(body), created_at, updated_at }).execute();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }

  async update(connection: Connection): Promise<void> {
    const { id, name, strategy, created_at, updated_at, ...body } = connection;
    void name;
    void strategy;
    void created_at;
    await this.storage.db.updateTable('auth0_connections').set({ body: JSON.stringify(body), updated_at }).where('id', '=', id).execute();
  }

  enableClient(connectionId: string, clientId: string, at: number): Promise<void> {
    return this.storage.transaction(async (trx) => {
      const query = trx.selectFrom('auth0_connections').select('body').where('id', '=', connectionId);
      // SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs the row lock.
      const row = await (this.storage.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
      if (!row) return;
      const body = JSON.parse(row.body) as Body;
      if (body.enabled_clients.includes(clientId)) return;
      body.enabled_clients = [...body.enabled_clients, clientId];
      await trx.updateTable('auth0_connections').set({ body: JSON.stringify(body), updated_at: at }).where('id', '=', connectionId).execute();
    });
  }

  // --- Management API (src/surfaces/management/operations/connections.ts) ---

  /** Inserts; false when the name is taken. */
  async insert(connection: Connection): Promise<boolean> {
    const { id, name, strategy, created_at, updated_at, ...body } = connection;
    try {
      await this.storage.db.insertInto('auth0_connections').values({ id, name, strategy, body: JSON.stringify(body), created_at, updated_at }).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.storage.db.deleteFrom('auth0_connections').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes a (deleted) client from every connection's enabled_clients, one transaction per connection. */
  async disableClientEverywhere(clientId: string, at: number): Promise<void> {
    for (const c of await this.list()) {
      if (!c.enabled_clients.includes(clientId)) continue;
      await this.storage.transaction(async (trx) => {
        const query = trx.selectFrom('auth0_connections').select('body').where('id', '=', c.id);
        const row = await (this.storage.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
        if (!row) return;
        const body = JSON.parse(row.body) as Body;
        body.enabled_clients = body.enabled_clients.filter((x) => x !== clientId);
        await trx.updateTable('auth0_connections').set({ body: JSON.stringify(body), updated_at: at }).where('id', '=', c.id).execute();
      });
    }
  }
}
