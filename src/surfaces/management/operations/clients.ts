import { buildApplication, newClientSecret, type Application, type ApplicationWithSecret } from '../../../core/oauth/applications.js';
import type { Caller } from '../auth.js';
import type { Mgmt } from '../context.js';
import { badQuery, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { objectBody, pagedList, projection, qBool, qStr } from '../shapes.js';
import { applyClientBody, clientBody, CLIENT_PROPS } from './client-body.js';

const canSeeSecret = (c: Caller): boolean => c.scopes.has('read:client_keys');

async function findOr404(m: Mgmt, id: string): Promise<ApplicationWithSecret> {
  const found = await m.apps.find(id);
  if (!found) throw notFound('The client does not exist', 'inexistent_client');
  return found;
}

/** Clients (auth0-api.md §4.3 Clients): list, get, create, patch, delete, rotate-secret. */
export function clientOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/clients',
      scopes: ['read:clients'],
      description: 'Get clients',
      async handle({ query, caller }) {
        const types = qStr(query, 'app_type')?.split(',').filter(Boolean);
        const firstParty = qBool(query, 'is_first_party');
        const global = qBool(query, 'is_global');
        if (qStr(query, 'q') !== undefined) throw badQuery('q is not supported on clients');
        const all = (await m.apps.list()).filter(
          ({ app }) => (!types || types.includes(app.app_type)) && (firstParty === undefined || app.is_first_party === firstParty) && global !== true,
        );
        const project = projection(query);
        const show = canSeeSecret(caller);
        return { status: 200, body: pagedList(query, 'clients', all, (x) => x.app.client_id, (x) => project(clientBody(x.app, x.secret, show))) };
      },
    },
    {
      method: 'GET',
      path: '/clients/:id',
      scopes: ['read:clients'],
      description: 'Get a client',
      async handle({ params, query, caller }) {
        const { app, secret } = await findOr404(m, params['id'] ?? '');
        return { status: 200, body: projection(query)(clientBody(app, secret, canSeeSecret(caller))) };
      },
    },
    {
      method: 'POST',
      path: '/clients',
      scopes: ['create:clients'],
      description: 'Create a client',
      async handle({ body }) {
        const name = objectBody(body, CLIENT_PROPS, ['name'])['name'];
        const now = m.now();
        const type = (body as { app_type?: unknown }).app_type;
        const base = buildApplication({ name: typeof name === 'string' ? name : '', app_type: type === 'spa' || type === 'native' || type === 'non_interactive' ? type : 'regular_web' }, now);
        const app: Application = applyClientBody(base, body, now);
        // Grants follow the final type unless given (§4.3 default grants).
        if ((body as { grant_types?: unknown }).grant_types === undefined) app.grant_types = buildApplication({ name: app.name, app_type: app.app_type }, now).grant_types;
        const secret = newClientSecret();
        await m.apps.insert(app, secret);
        // Tenant default (`enable_client_connections`): a new application is enabled on every connection.
        for (const c of await m.connections.list()) await m.connections.enableClient(c.id, app.client_id, now);
        return { status: 201, body: clientBody(app, secret, true) };
      },
    },
    {
      method: 'PATCH',
      path: '/clients/:id',
      scopes: ['update:clients'],
      description: 'Update a client',
      async handle({ params, body, caller }) {
        const found = await findOr404(m, params['id'] ?? '');
        const next = applyClientBody(found.app, body, m.now());
        await m.apps.update(next);
        let secret = found.secret;
        if (secret === null && next.token_endpoint_auth_method !== 'none') {
          secret = newClientSecret();
          await m.apps.setSecret(next.client_id, secret, m.now());
        }
        return { status: 200, body: clientBody(next, secret, canSeeSecret(caller)) };
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:id',
      scopes: ['delete:clients'],
      description: 'Delete a client',
      async handle({ params }) {
        const id = params['id'] ?? '';
        if (await m.apps.delete(id)) {
          await m.apis.deleteGrantsOfClient(id);
          await m.connections.disableClientEverywhere(id, m.now());
        }
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/clients/:id/rotate-secret',
      // Auth0 asks for update:client_keys; the bootstrapped grant (core/oauth MANAGEMENT_SCOPES) has update:clients.
      scopes: ['update:client_keys', 'update:clients'],
      description: 'Rotate a client secret',
      async handle({ params }) {
        const { app } = await findOr404(m, params['id'] ?? '');
        const secret = newClientSecret();
        await m.apps.setSecret(app.client_id, secret, m.now());
        return { status: 200, body: clientBody(app, secret, true) };
      },
    },
  ];
}
