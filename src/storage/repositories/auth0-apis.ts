import { newSigningSecret, type ClientGrant, type ResourceServer, type ResourceServerRepository } from '../../core/oauth/resource-servers.js';
import type { Sealer } from '../../core/keys/sealer.js';
import { isUniqueViolation, type Storage } from '../database.js';
import type { Auth0ClientGrantsTable, Auth0ResourceServersTable } from '../schema.js';
import { compiledOnce } from '../compiled-once.js';
import { DecodedRows } from './decoded-rows.js';

type Body = Omit<ResourceServer, 'id' | 'identifier' | 'name' | 'is_system' | 'signing_secret' | 'created_at' | 'updated_at'>;

/** Binds a sealed signing secret to its API: it cannot be moved to another row. */
const aad = (id: string): string => `auth0-api-signing-secret:${id}`;

// The look-ups of every token request for an API.
const apiByIdentifier = compiledOnce(1, (db, arg) => db.selectFrom('auth0_resource_servers').selectAll().where('identifier', '=', arg<string>(0)));
const grantOf = compiledOnce(2, (db, arg) => db.selectFrom('auth0_client_grants').selectAll().where('client_id', '=', arg<string>(0)).where('audience', '=', arg<string>(1)));

const toGrant = (r: Auth0ClientGrantsTable): ClientGrant => ({ ...r, scope: JSON.parse(r.scope) as string[] });

/** Resource servers (APIs) and client grants; signing secrets sealed under the master key, bound to the API's id. */
export class KyselyResourceServerRepository implements ResourceServerRepository {
  // Not remembered when a sealed secret did not open: retried on each call, like client secrets.
  readonly #decoded = new DecodedRows<Auth0ResourceServersTable, ResourceServer>(
    (row) => this.#toServer(row),
    (row, value) => row.signing_secret_sealed === null || value.signing_secret !== undefined,
  );

  constructor(
    private readonly storage: Storage,
    private readonly master: Sealer,
  ) {}

  #toServer(r: Auth0ResourceServersTable): ResourceServer {
    const server: ResourceServer = {
      ...(JSON.parse(r.body) as Body),
      id: r.id,
      identifier: r.identifier,
      name: r.name,
      is_system: r.is_system === 1,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
    // A secret that does not open (another master key, a row moved by hand) is left out: an HS256
    // API then issues no tokens at all (jwt-signer.ts), never tokens signed another way.
    const secret = r.signing_secret_sealed === null ? undefined : this.master.open(r.signing_secret_sealed, aad(r.id))?.toString('utf8');
    if (secret !== undefined) server.signing_secret = secret;
    return server;
  }

  #toRow(s: ResourceServer): Auth0ResourceServersTable {
    const { id, identifier, name, is_system, signing_secret, created_at, updated_at, ...body } = s;
    const sealed = signing_secret === undefined ? null : this.master.seal(signing_secret, aad(id));
    return { id, identifier, name, is_system: is_system ? 1 : 0, signing_secret_sealed: sealed, body: JSON.stringify(body), created_at, updated_at };
  }

  /** Every token request for an API looks it up: decoded only when its row changed (decoded-rows.ts). */
  async findByIdentifier(identifier: string): Promise<ResourceServer | undefined> {
    const [row] = await apiByIdentifier(this.storage.db, this.storage.dialect, identifier);
    return this.#decoded.of(identifier, row);
  }

  async findSystem(): Promise<ResourceServer | undefined> {
    const row = await this.storage.db.selectFrom('auth0_resource_servers').selectAll().where('is_system', '=', 1).executeTakeFirst();
    return row && this.#toServer(row);
  }

  async insert(server: ResourceServer): Promise<void> {
    await this.storage.db.insertInto('auth0_resource_servers').values(this.#toRow(server)).execute();
  }

  upsertSystem(server: ResourceServer): Promise<void> {
    return this.storage.transaction(async (trx) => {
      const existing = await trx.selectFrom('auth0_resource_servers').select(['id', 'identifier']).where('is_system', '=', 1).executeTakeFirst();
      if (!existing) {
        await trx.insertInto('auth0_resource_servers').values(this.#toRow(server)).execute();
        return;
      }
      if (existing.identifier === server.identifier) return;
      // The issuer moved (e.g. a new --issuer): the Management API's audience and its grants follow.
      await trx.updateTable('auth0_resource_servers').set({ identifier: server.identifier, updated_at: server.updated_at }).where('id', '=', existing.id).execute();
      await trx.updateTable('auth0_client_grants').set({ audience: server.identifier }).where('audience', '=', existing.identifier).execute();
    });
  }

  async ensureSigningSecrets(): Promise<void> {
    const missing = (db: Storage['db']) => db.selectFrom('auth0_resource_servers').select('id').where('is_system', '=', 0).where('signing_secret_sealed', 'is', null);
    // Looked for outside a transaction first: every start calls this, and almost always nothing is missing.
    if ((await missing(this.storage.db).executeTakeFirst()) === undefined) return;
    await this.storage.transaction(async (trx) => {
      for (const { id } of await missing(trx).execute()) {
        // Only where still missing: a racing worker's secret, once set, is the one kept.
        await trx
          .updateTable('auth0_resource_servers')
          .set({ signing_secret_sealed: this.master.seal(newSigningSecret(), aad(id)) })
          .where('id', '=', id)
          .where('signing_secret_sealed', 'is', null)
          .execute();
      }
    });
  }

  async findGrant(clientId: string, audience: string): Promise<ClientGrant | undefined> {
    const [row] = await grantOf(this.storage.db, this.storage.dialect, clientId, audience);
    return row && toGrant(row);
  }

  async insertGrantIfAbsent(grant: ClientGrant): Promise<void> {
    try {
      await this.storage.db.insertInto('auth0_client_grants').values({ ...grant, scope: JSON.stringify(grant.scope) }).execute();
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }

  // --- Management API (src/surfaces/management/operations/resource-servers.ts, client-grants.ts) ---

  async list(): Promise<ResourceServer[]> {
    const rows = await this.storage.db.selectFrom('auth0_resource_servers').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => this.#toServer(r));
  }

  async findById(id: string): Promise<ResourceServer | undefined> {
    const row = await this.storage.db.selectFrom('auth0_resource_servers').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.#toServer(row);
  }

  /** Inserts; false when the identifier is taken. */
  async insertIfNew(server: ResourceServer): Promise<boolean> {
    try {
      await this.insert(server);
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /** Rewrites name, body and signing secret (id, identifier and is_system are immutable). */
  async update(server: ResourceServer): Promise<void> {
    const { id, name, body, signing_secret_sealed, updated_at } = this.#toRow(server);
    await this.storage.db.updateTable('auth0_resource_servers').set({ name, body, signing_secret_sealed, updated_at }).where('id', '=', id).execute();
  }

  /** Deletes the API and its client grants in one transaction. */
  delete(server: ResourceServer): Promise<void> {
    return this.storage.transaction(async (trx) => {
      await trx.deleteFrom('auth0_client_grants').where('audience', '=', server.identifier).execute();
      await trx.deleteFrom('auth0_resource_servers').where('id', '=', server.id).execute();
    });
  }

  async listGrants(filter: { clientId?: string | undefined; audience?: string | undefined }): Promise<ClientGrant[]> {
    let q = this.storage.db.selectFrom('auth0_client_grants').selectAll();
    if (filter.clientId !== undefined) q = q.where('client_id', '=', filter.clientId);
    if (filter.audience !== undefined) q = q.where('audience', '=', filter.audience);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toGrant);
  }

  async findGrantById(id: string): Promise<ClientGrant | undefined> {
    const row = await this.storage.db.selectFrom('auth0_client_grants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toGrant(row);
  }

  /** Inserts; false when the client already has a grant for the audience. */
  async insertGrant(grant: ClientGrant): Promise<boolean> {
    try {
      await this.storage.db.insertInto('auth0_client_grants').values({ ...grant, scope: JSON.stringify(grant.scope) }).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async updateGrantScope(id: string, scope: string[]): Promise<void> {
    await this.storage.db.updateTable('auth0_client_grants').set({ scope: JSON.stringify(scope) }).where('id', '=', id).execute();
  }

  async deleteGrant(id: string): Promise<boolean> {
    const result = await this.storage.db.deleteFrom('auth0_client_grants').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteGrantsOfClient(clientId: string): Promise<void> {
    await this.storage.db.deleteFrom('auth0_client_grants').where('client_id', '=', clientId).execute();
  }
}
