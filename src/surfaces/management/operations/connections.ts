import { newConnectionId, type Connection, type DatabaseConnectionOptions } from '../../../core/identity/connections.js';
import { PASSWORD_POLICY_LEVELS } from '../../../core/identity/password-policy.js';
import type { Mgmt } from '../context.js';
import { badPayload, conflict, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { compact, objectBody, optBool, optInt, optObject, optStr, optStrArray, pagedList, projection, qStr, type Json } from '../shapes.js';

const NAME = { min: 1, max: 128, pattern: /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/ };
const CREATE = ['name', 'strategy', 'options', 'enabled_clients', 'display_name', 'is_domain_connection', 'realms', 'metadata'];
const PATCH = ['options', 'enabled_clients', 'display_name', 'is_domain_connection', 'realms', 'metadata'];
/** Strategies Cognate can serve; others would be stored but never usable (auth0-api.md §3.1). */
const STRATEGIES = ['auth0'];

/**
 * Database-connection options (§3.1, §5 password policy): the ones Cognate honours are typed and
 * checked; every other option (customScripts, validation, mfa…) is kept verbatim as data and
 * never interpreted.
 */
function databaseOptions(raw: Json | undefined): DatabaseConnectionOptions {
  const o = raw ?? {};
  if (JSON.stringify(o).length > 65_536) throw badPayload('Object is too large', 'options');
  const policy = o['passwordPolicy'] === null ? 'none' : optStr(o, 'passwordPolicy');
  if (policy !== undefined && !(PASSWORD_POLICY_LEVELS as readonly string[]).includes(policy)) throw badPayload(`No enum match for: "${policy.slice(0, 40)}"`, 'options.passwordPolicy');
  const complexity = optObject(o, 'password_complexity_options');
  const minLength = complexity ? optInt(complexity, 'min_length', 1, 128) : undefined;
  for (const k of ['brute_force_protection', 'requires_username', 'disable_signup']) optBool(o, k);
  const scripts = optObject(o, 'customScripts');
  for (const [k, v] of Object.entries(scripts ?? {})) if (typeof v !== 'string') throw badPayload('Expected type string', `options.customScripts.${k.slice(0, 40)}`);
  return {
    ...o,
    passwordPolicy: (policy ?? 'good') as DatabaseConnectionOptions['passwordPolicy'],
    ...(complexity ? { password_complexity_options: { ...complexity, ...(minLength !== undefined ? { min_length: minLength } : {}) } } : {}),
    brute_force_protection: optBool(o, 'brute_force_protection') ?? true,
  };
}

function metadata(o: Json): Record<string, string> | undefined {
  const meta = optObject(o, 'metadata');
  if (!meta) return undefined;
  if (Object.keys(meta).length > 10 || Object.entries(meta).some(([k, v]) => k.length > 255 || typeof v !== 'string' || v.length > 255)) {
    throw badPayload('Expected at most 10 string values of at most 255 characters', 'metadata');
  }
  return meta as Record<string, string>;
}

/** Shared by create and patch: the mutable members. */
function applyCommon(c: Connection, o: Json): void {
  c.display_name = optStr(o, 'display_name', { max: 128 }) ?? c.display_name;
  c.enabled_clients = optStrArray(o, 'enabled_clients', { min: 1, max: 128, maxItems: 1000 }) ?? c.enabled_clients;
  c.is_domain_connection = optBool(o, 'is_domain_connection') ?? c.is_domain_connection;
  c.realms = optStrArray(o, 'realms', { min: 1, max: 255, maxItems: 10 }) ?? c.realms;
  c.metadata = metadata(o) ?? c.metadata;
}

export const connectionBody = (c: Connection): Json => {
  const { created_at: _c, updated_at: _u, ...rest } = c;
  return compact(rest);
};

async function findOr404(m: Mgmt, id: string): Promise<Connection> {
  const found = await m.connections.findById(id);
  if (!found) throw notFound('The connection does not exist', 'inexistent_connection');
  return found;
}

/** Connections (§3.1, §4.3 Connections): database (`auth0`) strategy. */
export function connectionOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/connections',
      scopes: ['read:connections'],
      description: 'Get connections',
      async handle({ query }) {
        const raw = query['strategy'];
        const strategies = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((s) => String(s).split(',')).filter(Boolean);
        const name = qStr(query, 'name');
        const all = (await m.connections.list()).filter((c) => (strategies.length === 0 || strategies.includes(c.strategy)) && (name === undefined || c.name === name));
        const project = projection(query);
        return { status: 200, body: pagedList(query, 'connections', all, (c) => c.id, (c) => project(connectionBody(c))) };
      },
    },
    {
      method: 'GET',
      path: '/connections/:id',
      scopes: ['read:connections'],
      description: 'Get a connection',
      async handle({ params, query }) {
        return { status: 200, body: projection(query)(connectionBody(await findOr404(m, params['id'] ?? ''))) };
      },
    },
    {
      method: 'POST',
      path: '/connections',
      scopes: ['create:connections'],
      description: 'Create a connection',
      async handle({ body }) {
        const o = objectBody(body, CREATE, ['name', 'strategy']);
        const name = optStr(o, 'name', NAME) ?? '';
        const strategy = optStr(o, 'strategy', { max: 64 }) ?? '';
        if (!STRATEGIES.includes(strategy)) throw badPayload(`Strategy "${strategy.slice(0, 40)}" is not supported (supported: ${STRATEGIES.join(', ')})`, 'strategy');
        const now = m.now();
        const c: Connection = { id: newConnectionId(), name, strategy, options: databaseOptions(optObject(o, 'options')), enabled_clients: [], is_domain_connection: false, realms: [name], metadata: {}, created_at: now, updated_at: now };
        applyCommon(c, o);
        if (!(await m.connections.insert(c))) throw conflict('A connection with the same name already exists', 'connection_exists');
        return { status: 201, body: connectionBody(c) };
      },
    },
    {
      method: 'PATCH',
      path: '/connections/:id',
      scopes: ['update:connections'],
      description: 'Update a connection',
      async handle({ params, body }) {
        const o = objectBody(body, PATCH);
        const c = { ...(await findOr404(m, params['id'] ?? '')), updated_at: m.now() };
        const options = optObject(o, 'options');
        // §4.3: the options object is replaced as a whole.
        if (options) c.options = databaseOptions(options);
        applyCommon(c, o);
        await m.connections.update(c);
        return { status: 200, body: connectionBody(c) };
      },
    },
    {
      method: 'DELETE',
      path: '/connections/:id',
      scopes: ['delete:connections'],
      description: 'Delete a connection',
      async handle({ params }) {
        const c = await findOr404(m, params['id'] ?? '');
        await m.userSearch.deleteByConnection(c.id);
        await m.connections.delete(c.id);
        return { status: 202 };
      },
    },
  ];
}
