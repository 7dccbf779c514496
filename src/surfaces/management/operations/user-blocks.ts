import { DEFAULT_BRUTE_FORCE } from '../../../core/identity/brute-force.js';
import type { Mgmt } from '../context.js';
import { badQuery } from '../errors.js';
import type { Operation } from '../router.js';
import { qStr } from '../shapes.js';
import { findUserOr404 } from './users-read.js';

/**
 * Brute-force blocks (auth0-api.md §4.3 "User blocks", §5): `{blocked_for: [{identifier, ip,
 * connection}]}` per identifier (email or username) and IP; DELETE lifts them (204), which is
 * the only way besides a password change — `blocked:false` on the user does not (§10.23).
 */
async function blocksOf(m: Mgmt, identifiers: string[]): Promise<{ identifier: string; ip: string; connection?: string }[]> {
  const since = m.now() - DEFAULT_BRUTE_FORCE.blockMs;
  const out: { identifier: string; ip: string; connection?: string }[] = [];
  for (const identifier of new Set(identifiers.map((i) => i.toLowerCase()))) {
    const rows = await m.failures.listBlocked(identifier, since);
    if (rows.length === 0) continue;
    const user = identifier.includes('@') ? (await m.users.findAllByEmail(identifier))[0] : undefined;
    const connection = user?.identities[0]?.connection;
    for (const r of rows) out.push({ identifier, ip: r.ip, ...(connection ? { connection } : {}) });
  }
  return out;
}

const identifiersOf = (user: { email: string | null; username: string | null }): string[] => [user.email, user.username].filter((x): x is string => !!x);

function identifierParam(query: Record<string, unknown>): string {
  const identifier = qStr(query, 'identifier');
  if (!identifier) throw badQuery('Missing required property: identifier');
  if (identifier.length > 320) throw badQuery('identifier is too long');
  return identifier;
}

export function userBlockOperations(m: Mgmt): Operation[] {
  const release = async (identifiers: string[], clientId: string): Promise<void> => {
    const lifted = await blocksOf(m, identifiers);
    for (const identifier of identifiers) await m.s.guard.unblock(identifier);
    if (lifted.length) m.recorder.record({ type: 'ublkdu', description: 'User block released', client_id: clientId, user_name: lifted[0]?.identifier, details: { released: lifted.length } });
  };
  return [
    {
      method: 'GET',
      path: '/user-blocks',
      scopes: ['read:user_blocks'],
      description: 'Get blocks by identifier',
      async handle({ query }) {
        return { status: 200, body: { blocked_for: await blocksOf(m, [identifierParam(query)]) } };
      },
    },
    {
      method: 'DELETE',
      path: '/user-blocks',
      scopes: ['delete:user_blocks'],
      description: 'Unblock by identifier',
      async handle({ query, caller }) {
        await release([identifierParam(query)], caller.clientId);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/user-blocks/:id',
      scopes: ['read:user_blocks'],
      description: 'Get a user’s blocks',
      async handle({ params }) {
        const user = await findUserOr404(m, params['id'] ?? '');
        return { status: 200, body: { blocked_for: await blocksOf(m, identifiersOf(user)) } };
      },
    },
    {
      method: 'DELETE',
      path: '/user-blocks/:id',
      scopes: ['delete:user_blocks'],
      description: 'Unblock a user',
      async handle({ params, caller }) {
        const user = await findUserOr404(m, params['id'] ?? '');
        await release(identifiersOf(user), caller.clientId);
        return { status: 204 };
      },
    },
  ];
}
