import { buildResourceServer, newSigningSecret, SIGNING_SECRET_MIN, type ResourceServer } from '../../../core/oauth/resource-servers.js';
import type { Mgmt } from '../context.js';
import { badPayload, badRequest, conflict, notFound } from '../errors.js';
import type { Operation } from '../router.js';
import { compact, objectBody, optBool, optInt, optStr, pagedList, projection, qStr, type Json } from '../shapes.js';

const MUTABLE = ['name', 'scopes', 'signing_alg', 'signing_secret', 'allow_offline_access', 'token_lifetime', 'token_lifetime_for_web', 'skip_consent_for_verifiable_first_party_clients', 'enforce_policies', 'token_dialect'];
const DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
/** Auth0's SigningAlgorithmEnum; Cognate signs access tokens with the first two only. */
const ALGS = ['HS256', 'RS256', 'RS512', 'PS256'] as const;
const SUPPORTED_ALGS: readonly string[] = ['HS256', 'RS256'] satisfies ResourceServer['signing_alg'][];

function signingAlgOf(o: Json): ResourceServer['signing_alg'] | undefined {
  const alg = optStr(o, 'signing_alg');
  if (alg === undefined) return undefined;
  if (!(ALGS as readonly string[]).includes(alg)) throw badPayload(`No enum match for: "${alg.slice(0, 40)}"`, 'signing_alg');
  // RS512 and PS256 (an Auth0 add-on) would need keys of their own in the tenant's key set.
  if (!SUPPORTED_ALGS.includes(alg)) throw badPayload(`signing_alg ${alg} is not supported (HS256 or RS256)`, 'signing_alg');
  return alg as ResourceServer['signing_alg'];
}

function scopesOf(o: Json): ResourceServer['scopes'] | undefined {
  const v = o['scopes'];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 1000) throw badPayload('Expected an array of at most 1000 scopes', 'scopes');
  const seen = new Set<string>();
  return v.map((s, i) => {
    const o2 = objectBody(s, ['value', 'description'], ['value']);
    const value = optStr(o2, 'value', { min: 1, max: 280, pattern: /^[^\s]+$/ }) ?? '';
    if (seen.has(value)) throw badPayload(`Duplicate scope ${value.slice(0, 60)}`, `scopes[${i}]`);
    seen.add(value);
    const description = optStr(o2, 'description', { max: 500 });
    return description === undefined ? { value } : { value, description };
  });
}

/** Validates and applies the mutable members (auth0-api.md §4.3 Resource servers). */
function apply(server: ResourceServer, o: Json, now: number): ResourceServer {
  const next = { ...server, updated_at: now };
  next.name = optStr(o, 'name', { min: 1, max: 200, pattern: /^[^<>]+$/ }) ?? next.name;
  next.scopes = scopesOf(o) ?? next.scopes;
  next.signing_alg = signingAlgOf(o) ?? next.signing_alg;
  // Auth0: at least 16 characters, no other rule (the bound above it is ours). Every custom API
  // has one, HS256 or not; one stored before secrets existed gets it here if not at start.
  next.signing_secret = optStr(o, 'signing_secret', { min: SIGNING_SECRET_MIN, max: 1024 }) ?? next.signing_secret ?? newSigningSecret();
  next.allow_offline_access = optBool(o, 'allow_offline_access') ?? next.allow_offline_access;
  next.token_lifetime = optInt(o, 'token_lifetime', 1, 2_592_000) ?? next.token_lifetime;
  next.token_lifetime_for_web = optInt(o, 'token_lifetime_for_web', 1, 2_592_000) ?? next.token_lifetime_for_web;
  next.skip_consent_for_verifiable_first_party_clients = optBool(o, 'skip_consent_for_verifiable_first_party_clients') ?? next.skip_consent_for_verifiable_first_party_clients;
  next.enforce_policies = optBool(o, 'enforce_policies') ?? next.enforce_policies;
  const dialect = optStr(o, 'token_dialect');
  if (dialect !== undefined && !(DIALECTS as readonly string[]).includes(dialect)) throw badPayload(`No enum match for: "${dialect.slice(0, 40)}"`, 'token_dialect');
  next.token_dialect = (dialect as ResourceServer['token_dialect'] | undefined) ?? next.token_dialect;
  return next;
}

export const resourceServerBody = (r: ResourceServer): Json => {
  const { created_at: _c, updated_at: _u, ...rest } = r;
  return compact(rest);
};

/** By id or by url-encoded identifier (§4.3). */
async function findOr404(m: Mgmt, idOrIdentifier: string): Promise<ResourceServer> {
  const found = (await m.apis.findById(idOrIdentifier)) ?? (await m.apis.findByIdentifier(idOrIdentifier));
  if (!found) throw notFound('Resource server not found', 'inexistent_resource_server');
  return found;
}

const refuseSystem = (r: ResourceServer): void => {
  if (r.is_system) throw badRequest('The system resource server (the Management API) cannot be changed or deleted.', 'operation_not_supported');
};

export function resourceServerOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'GET',
      path: '/resource-servers',
      scopes: ['read:resource_servers'],
      description: 'Get resource servers',
      async handle({ query }) {
        const wanted = qStr(query, 'identifiers')?.split(',');
        const raw = query['identifiers'];
        const ids = Array.isArray(raw) ? raw.map(String) : wanted;
        const all = (await m.apis.list()).filter((r) => !ids || ids.includes(r.identifier));
        const project = projection(query);
        return { status: 200, body: pagedList(query, 'resource_servers', all, (r) => r.id, (r) => project(resourceServerBody(r))) };
      },
    },
    {
      method: 'GET',
      path: '/resource-servers/:id',
      scopes: ['read:resource_servers'],
      description: 'Get a resource server',
      async handle({ params, query }) {
        return { status: 200, body: projection(query)(resourceServerBody(await findOr404(m, params['id'] ?? ''))) };
      },
    },
    {
      method: 'POST',
      path: '/resource-servers',
      scopes: ['create:resource_servers'],
      description: 'Create a resource server',
      async handle({ body }) {
        const o = objectBody(body, ['identifier', ...MUTABLE], ['identifier']);
        const identifier = optStr(o, 'identifier', { min: 1, max: 600, pattern: /^\S+$/ }) ?? '';
        const now = m.now();
        const server = apply(buildResourceServer({ identifier, name: identifier }, now), o, now);
        if (!(await m.apis.insertIfNew(server))) throw conflict('A resource server with the same identifier already exists', 'resource_server_conflict');
        return { status: 201, body: resourceServerBody(server) };
      },
    },
    {
      method: 'PATCH',
      path: '/resource-servers/:id',
      scopes: ['update:resource_servers'],
      description: 'Update a resource server',
      async handle({ params, body }) {
        const o = objectBody(body, MUTABLE);
        const current = await findOr404(m, params['id'] ?? '');
        refuseSystem(current);
        const next = apply(current, o, m.now());
        await m.apis.update(next);
        return { status: 200, body: resourceServerBody(next) };
      },
    },
    {
      method: 'DELETE',
      path: '/resource-servers/:id',
      scopes: ['delete:resource_servers'],
      description: 'Delete a resource server',
      async handle({ params }) {
        const current = await findOr404(m, params['id'] ?? '');
        refuseSystem(current);
        await m.apis.delete(current);
        return { status: 204 };
      },
    },
  ];
}
