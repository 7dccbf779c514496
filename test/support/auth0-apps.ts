/**
 * Edits a stored Auth0 application in place, for settings the test helpers cannot set at creation
 * (jwt_configuration.alg, refresh_token.*, is_token_endpoint_ip_header_trusted). Goes straight to
 * the `auth0_clients` row: no cache stands between it and the next request.
 */
import type { RunningServer } from '../../src/app/server.js';
import type { Application } from '../../src/core/oauth/applications.js';

type Body = Omit<Application, 'client_id' | 'name' | 'app_type' | 'system_role' | 'created_at' | 'updated_at'>;

export async function patchApplication(server: RunningServer, clientId: string, patch: (app: Body) => void): Promise<void> {
  const db = server.context.storage.db;
  const row = await db.selectFrom('auth0_clients').select('body').where('client_id', '=', clientId).executeTakeFirstOrThrow();
  const body = JSON.parse(row.body) as Body;
  patch(body);
  await db.updateTable('auth0_clients').set({ body: JSON.stringify(body) }).where('client_id', '=', clientId).execute();
}
