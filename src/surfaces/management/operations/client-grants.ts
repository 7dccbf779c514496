import { newClientGrantId, type ClientGrant } from '../../../core/oauth/resource-servers.js';
import type { Mgmt } from '../context.js';
import { conflict, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { objectBody, optStr, optStrArray, pagedList, qStr, type Json } from '../shapes.js';

const SCOPE = { min: 1, max: 280, pattern: /^\S+$/, maxItems: 1000 };

export const grantBody = (g: ClientGrant): Json => ({ id: g.id, client_id: g.client_id, audience: g.audience, scope: g.scope });

async function findOr404(m: Mgmt, id: string): Promise<ClientGrant> {
  const found = await m.apis.findGrantById(id);
  if (!found) throw notFound('The client grant does not exist', 'inexistent_client_grant');
  return found;
}

/**
 * Client grants (auth0-api.md §4.1, §4.3): which scopes of an API a client gets with
 * client_credentials. The token endpoint reads them on every exchange (surfaces/auth0/audience.ts).
 */
export function clientGrantOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/client-grants',
      scopes: ['read:client_grants'],
      description: 'Get client grants',
      async handle({ query }) {
        const all = await m.apis.listGrants({ clientId: qStr(query, 'client_id'), audience: qStr(query, 'audience') });
        return { status: 200, body: pagedList(query, 'client_grants', all, (g) => g.id, grantBody) };
      },
    },
    {
      method: 'GET',
      path: '/client-grants/:id',
      scopes: ['read:client_grants'],
      description: 'Get a client grant',
      async handle({ params }) {
        return { status: 200, body: grantBody(await findOr404(m, params['id'] ?? '')) };
      },
    },
    {
      method: 'POST',
      path: '/client-grants',
      scopes: ['create:client_grants'],
      description: 'Create client grant',
      async handle({ body }) {
        const o = objectBody(body, ['client_id', 'audience', 'scope'], ['client_id', 'audience', 'scope']);
        const clientId = optStr(o, 'client_id', { min: 1, max: 128 }) ?? '';
        const audience = optStr(o, 'audience', { min: 1, max: 600 }) ?? '';
        const scope = optStrArray(o, 'scope', SCOPE) ?? [];
        if (!(await m.apps.find(clientId))) throw notFound('The client does not exist', 'inexistent_client');
        if (!(await m.apis.findByIdentifier(audience))) throw notFound('No resource server found by specified identifier', 'inexistent_resource_server');
        const grant: ClientGrant = { id: newClientGrantId(), client_id: clientId, audience, scope: [...new Set(scope)], created_at: m.now() };
        if (!(await m.apis.insertGrant(grant))) throw conflict('A client grant for this client and audience already exists', 'client_grant_conflict');
        return { status: 201, body: grantBody(grant) };
      },
    },
    {
      method: 'PATCH',
      path: '/client-grants/:id',
      scopes: ['update:client_grants'],
      description: 'Update client grant',
      async handle({ params, body }) {
        const o = objectBody(body, ['scope']);
        const grant = await findOr404(m, params['id'] ?? '');
        const scope = optStrArray(o, 'scope', SCOPE);
        const next = scope === undefined ? grant : { ...grant, scope: [...new Set(scope)] };
        if (scope !== undefined) await m.apis.updateGrantScope(grant.id, next.scope);
        return { status: 200, body: grantBody(next) };
      },
    },
    {
      method: 'DELETE',
      path: '/client-grants/:id',
      scopes: ['delete:client_grants'],
      description: 'Delete client grant',
      async handle({ params }) {
        await m.apis.deleteGrant(params['id'] ?? '');
        return { status: 204 };
      },
    },
  ];
}
