import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import type { PoolRoles } from './ports.js';
import { AMBIGUOUS_DENIED, INVALID_POOL_CONFIGURATION, resolveRole } from './role-resolution.js';

const AUTH = 'arn:aws:iam::123456789012:role/auth';
const GUEST = 'arn:aws:iam::123456789012:role/guest';
const ADMIN = 'arn:aws:iam::123456789012:role/admin';
const EDITOR = 'arn:aws:iam::123456789012:role/editor';
const IDP = 'idp.example.com/realm';
const IDP_ARN = `arn:aws:iam::123456789012:oidc-provider/${IDP}`;

const pool = (mappings: PoolRoles['roleMappings'] = {}, roles: Record<string, string> = { authenticated: AUTH, unauthenticated: GUEST }): PoolRoles => ({ roles, roleMappings: mappings });
const login = (claims: Record<string, unknown>) => ({ mappingKeys: [IDP, IDP_ARN], claims });

function failure(f: () => unknown): [string, string] | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return [e.code, e.message];
    throw e;
  }
  return undefined;
}

describe('role selection (aws-apis.md §1.6)', () => {
  it('guests get the unauthenticated role; logins without a mapping the authenticated role', () => {
    expect(resolveRole(pool(), undefined)).toBe(GUEST);
    expect(resolveRole(pool(), login({ sub: 'a' }))).toBe(AUTH);
    expect(resolveRole(pool(), login({ sub: 'a' }), ADMIN)).toBe(AUTH);
  });

  it('a missing role is an invalid pool configuration', () => {
    expect(failure(() => resolveRole(pool({}, { authenticated: AUTH }), undefined))).toEqual(['InvalidIdentityPoolConfiguration', INVALID_POOL_CONFIGURATION]);
    expect(failure(() => resolveRole(pool({}, {}), login({})))).toEqual(['InvalidIdentityPoolConfiguration', INVALID_POOL_CONFIGURATION]);
  });

  it('Rules: first match wins, CustomRoleArn picks among matches, no match falls back or denies', () => {
    const rules = [
      { claim: 'groups', matchType: 'Contains' as const, value: 'adm', roleArn: ADMIN },
      { claim: 'email', matchType: 'StartsWith' as const, value: 'ed', roleArn: EDITOR },
    ];
    const p = pool({ [IDP]: { type: 'Rules', ambiguousRoleResolution: 'Deny', rules } });
    expect(resolveRole(p, login({ groups: ['users', 'admins'], email: 'ed@x' }))).toBe(ADMIN);
    expect(resolveRole(p, login({ groups: ['admins'], email: 'ed@x' }), EDITOR)).toBe(EDITOR);
    expect(resolveRole(p, login({ email: 'ed@x' }))).toBe(EDITOR);
    expect(failure(() => resolveRole(p, login({ email: 'bob@x' })))).toEqual(['NotAuthorized', AMBIGUOUS_DENIED]);
    const lenient = pool({ [IDP_ARN]: { type: 'Rules', ambiguousRoleResolution: 'AuthenticatedRole', rules } });
    expect(resolveRole(lenient, login({ email: 'bob@x' }))).toBe(AUTH);
  });

  it('Equals and NotEqual; NotEqual on a missing claim does not match', () => {
    const p = pool({
      [IDP]: {
        type: 'Rules',
        ambiguousRoleResolution: 'AuthenticatedRole',
        rules: [
          { claim: 'tier', matchType: 'NotEqual', value: 'free', roleArn: EDITOR },
          { claim: 'sub', matchType: 'Equals', value: 'root', roleArn: ADMIN },
        ],
      },
    });
    expect(resolveRole(p, login({ tier: 'gold' }))).toBe(EDITOR);
    expect(resolveRole(p, login({ tier: 'free', sub: 'root' }))).toBe(ADMIN);
    expect(resolveRole(p, login({ sub: 'root' }))).toBe(ADMIN);
    expect(resolveRole(p, login({ email_verified: true }))).toBe(AUTH);
  });

  it('Token: preferred role, CustomRoleArn only from cognito:roles, else ambiguous resolution', () => {
    const p = pool({ [IDP]: { type: 'Token', ambiguousRoleResolution: 'Deny' } });
    const claims = { 'cognito:roles': [ADMIN, EDITOR], 'cognito:preferred_role': ADMIN };
    expect(resolveRole(p, login(claims))).toBe(ADMIN);
    expect(resolveRole(p, login(claims), EDITOR)).toBe(EDITOR);
    expect(failure(() => resolveRole(p, login(claims), AUTH))).toEqual(['NotAuthorized', AMBIGUOUS_DENIED]);
    expect(failure(() => resolveRole(p, login({ 'cognito:roles': [ADMIN] })))).toEqual(['NotAuthorized', AMBIGUOUS_DENIED]);
  });
});
