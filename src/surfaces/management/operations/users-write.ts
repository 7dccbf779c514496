import { AppError } from '../../../core/errors.js';
import type { Connection } from '../../../core/identity/connections.js';
import { checkPassword } from '../../../core/identity/password-policy.js';
import { buildDatabaseUser, emailKey, type User } from '../../../core/identity/users.js';
import type { Mgmt } from '../context.js';
import { badPayload, badRequest, conflict } from '../errors.js';
import type { Operation } from '../router.js';
import { objectBody, optBool, optMetadata, optStr, type Json } from '../shapes.js';
import { findUserOr404, userBody } from './users-read.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const USERNAME = { min: 1, max: 128, pattern: /^[^\s@]+$/ };
const PROFILE = ['given_name', 'family_name', 'phone_number'] as const;
const CREATE = ['connection', 'email', 'password', 'username', 'user_id', 'email_verified', 'verify_email', 'phone_number', 'phone_verified', 'blocked', 'given_name', 'family_name', 'name', 'nickname', 'picture', 'user_metadata', 'app_metadata'];
const PATCH = ['blocked', 'email_verified', 'email', 'phone_number', 'phone_verified', 'user_metadata', 'app_metadata', 'given_name', 'family_name', 'name', 'nickname', 'picture', 'verify_email', 'verify_phone_number', 'password', 'connection', 'client_id', 'username'];

/** The database connection a user is created in or belongs to (§4.3 Users: `connection` is required). */
async function databaseConnection(m: Mgmt, name: string): Promise<Connection> {
  const connection = await m.connections.findByName(name);
  if (!connection) throw badRequest('The connection does not exist.', 'inexistent_connection');
  if (connection.strategy !== 'auth0') throw badRequest(`Users of ${connection.strategy} connections cannot be managed here (only database connections).`, 'operation_not_supported');
  return connection;
}

function checkPolicy(connection: Connection, password: string): void {
  const report = checkPassword(password, connection.options.passwordPolicy, connection.options.password_complexity_options?.min_length);
  if (!report.verified) throw badRequest('PasswordStrengthError: Password is too weak', 'invalid_body');
}

const alreadyExists = (e: unknown): never => {
  if (e instanceof AppError && e.code === 'AlreadyExists') throw conflict('The user already exists.', 'auth0_idp_error');
  throw e;
};

function profileFields(body: Json, base: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const k of PROFILE) {
    const v = optStr(body, k, { max: 300 });
    if (v !== undefined) out[k] = v;
  }
  const verified = optBool(body, 'phone_verified');
  if (verified !== undefined) out['phone_verified'] = verified;
  return out;
}

/**
 * §3.3/§10.23 metadata PATCH: shallow merge, `null` deletes a key; an empty object clears it.
 * Values are data, stored and returned as sent.
 */
export function mergeMetadata(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(patch).length === 0) return {};
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** POST /users, PATCH /users/{id}, DELETE /users/{id} (§4.3 Users). */
export function userWriteOperations(m: Mgmt): Operation[] {
  return [
    {
      method: 'POST',
      path: '/users',
      scopes: ['create:users'],
      description: 'Create a User',
      async handle({ body }) {
        const o = objectBody(body, CREATE, ['connection']);
        const connection = await databaseConnection(m, optStr(o, 'connection', { min: 1, max: 128 }) ?? '');
        const email = optStr(o, 'email', { max: 320 });
        if (email === undefined) throw badPayload('Missing required property: email');
        if (!EMAIL.test(email)) throw badPayload(`Object didn't pass validation for format email: ${email.slice(0, 100)}`, 'email');
        const password = optStr(o, 'password', { min: 1, max: 512 });
        if (password === undefined) throw badPayload('Missing required property: password');
        const username = optStr(o, 'username', USERNAME);
        if (connection.options.requires_username && !username) throw badPayload('Missing required property: username');
        checkPolicy(connection, password);
        const customId = optStr(o, 'user_id', { min: 1, max: 255, pattern: /^[^\s|]+$/ });
        const user = buildDatabaseUser(
          {
            connection,
            email,
            password_hash: await m.s.hasher.hash(password),
            username,
            email_verified: optBool(o, 'email_verified'),
            name: optStr(o, 'name', { max: 300 }),
            nickname: optStr(o, 'nickname', { max: 300 }),
            picture: optStr(o, 'picture', { max: 2000 }),
            user_metadata: optMetadata(o, 'user_metadata', false),
            app_metadata: optMetadata(o, 'app_metadata', false),
            profile: profileFields(o, {}),
            ...(customId ? { user_id: `auth0|${customId}` } : {}),
          },
          m.now(),
        );
        optBool(o, 'verify_email');
        user.blocked = optBool(o, 'blocked') ?? false;
        if (username && (await m.users.findByUsername(connection.id, username))) throw conflict('The user already exists.', 'auth0_idp_error');
        await m.users.create(user).catch(alreadyExists);
        return { status: 201, body: userBody(user) };
      },
    },
    {
      method: 'PATCH',
      path: '/users/:id',
      scopes: ['update:users'],
      description: 'Update a User',
      async handle({ params, body }) {
        const o = objectBody(body, PATCH);
        const user = await findUserOr404(m, params['id'] ?? '');
        const connection = await m.connections.findById(user.connection_id);
        if (!connection) throw badRequest('The connection does not exist.', 'inexistent_connection');
        const named = optStr(o, 'connection', { max: 128 });
        if (named !== undefined && named !== connection.name) throw badRequest('The user does not have an identity in that connection.', 'invalid_body');
        optStr(o, 'client_id', { max: 128 });
        optBool(o, 'verify_email');
        optBool(o, 'verify_phone_number');
        const next: User = { ...user, updated_at: m.now() };
        const email = optStr(o, 'email', { max: 320 });
        if (email !== undefined) {
          if (!EMAIL.test(email)) throw badPayload(`Object didn't pass validation for format email: ${email.slice(0, 100)}`, 'email');
          next.email = emailKey(email);
        }
        const username = optStr(o, 'username', USERNAME);
        if (username !== undefined) next.username = username.toLowerCase();
        for (const k of ['name', 'nickname', 'picture'] as const) {
          const v = optStr(o, k, { max: k === 'picture' ? 2000 : 300 });
          if (v !== undefined) next[k] = v;
        }
        next.email_verified = optBool(o, 'email_verified') ?? next.email_verified;
        next.blocked = optBool(o, 'blocked') ?? next.blocked; // brute-force blocks are separate (§10.23)
        next.profile = profileFields(o, next.profile);
        const um = optMetadata(o, 'user_metadata', true);
        if (um) next.user_metadata = mergeMetadata(next.user_metadata, um);
        const am = optMetadata(o, 'app_metadata', true);
        if (am) next.app_metadata = mergeMetadata(next.app_metadata, am);
        const password = optStr(o, 'password', { min: 1, max: 512 });
        if (password !== undefined) {
          checkPolicy(connection, password);
          next.password_hash = await m.s.hasher.hash(password);
          next.last_password_reset = next.updated_at;
        }
        if (username !== undefined && next.username !== user.username && (await m.users.findByUsername(connection.id, username))) {
          throw conflict('The user already exists.', 'auth0_idp_error');
        }
        await m.users.update(next).catch(alreadyExists);
        if (password !== undefined) {
          // A password change lifts brute-force blocks (§5).
          for (const id of [user.email, user.username, next.email, next.username]) if (id) await m.s.guard.unblock(id);
        }
        return { status: 200, body: userBody(next) };
      },
    },
    {
      method: 'DELETE',
      path: '/users/:id',
      scopes: ['delete:users'],
      description: 'Delete a User',
      async handle({ params }) {
        await m.users.delete(params['id'] ?? '');
        return { status: 204 };
      },
    },
  ];
}
