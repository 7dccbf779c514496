import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createAuth0Services, type Auth0Services } from '../auth0/services.js';
import { createMgmt, type Mgmt } from './context.js';
import { attackProtectionOperations } from './operations/attack-protection.js';
import { clientGrantOperations } from './operations/client-grants.js';
import { clientOperations } from './operations/clients.js';
import { connectionOperations } from './operations/connections.js';
import { keyOperations } from './operations/keys.js';
import { logOperations } from './operations/logs.js';
import { resourceServerOperations } from './operations/resource-servers.js';
import { userBlockOperations } from './operations/user-blocks.js';
import { userReadOperations } from './operations/users-read.js';
import { userWriteOperations } from './operations/users-write.js';
import { mountOperations } from './router.js';

/**
 * The Auth0 Management API v2 at `/api/v2/` (auth0-api.md §4): bearer tokens from
 * client_credentials for `https://DOMAIN/api/v2/`, Boom errors, Auth0's paging shapes. Pass the
 * services `registerAuth0Routes` returned (one signing ring, one brute-force guard per process);
 * without them a second set is built from the context. Call before `listen`.
 */
export async function registerManagementRoutes(app: FastifyInstance, ctx: AppContext, auth0Services?: Auth0Services): Promise<Mgmt> {
  const m = createMgmt(ctx, auth0Services ?? createAuth0Services(ctx));
  mountOperations(app, m, [
    ...userReadOperations(m),
    ...userWriteOperations(m),
    ...userBlockOperations(m),
    ...attackProtectionOperations(m),
    ...clientOperations(m),
    ...connectionOperations(m),
    ...resourceServerOperations(m),
    ...clientGrantOperations(m),
    ...keyOperations(m),
    ...logOperations(m),
  ]);
  return m;
}
