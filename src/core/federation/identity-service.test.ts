import { beforeAll, describe, expect, it } from 'vitest';
import { forEachDialect, runInChildProcesses } from '../../../test/support/storage.js';
import type { Storage } from '../../storage/database.js';
import { KyselyIdentityPoolRepository, KyselyIdentityRepository } from '../../storage/repositories/cognito-identity.js';
import { systemClock } from '../clock.js';
import type { AssumeRoleWithWebIdentityRequest } from '../credentials/ports.js';
import { AppError, notAuthorized } from '../errors.js';
import type { OidcProviderRecord } from '../iam/ports.js';
import { Sealer } from '../keys/sealer.js';
import { SigningKeyRing } from '../keys/signing-key-ring.js';
import { CognitoTokens } from './cognito-token.js';
import { CLASSIC_FLOW_DISABLED, CredentialsService } from './credentials-service.js';
import { DeveloperService } from './developer-service.js';
import { IdentityService, LOGINS_DONT_MATCH, UNAUTHENTICATED_NOT_SUPPORTED } from './identity-service.js';
import { LoginValidator, type IdTokenValidator } from './login-validation.js';
import { PoolService } from './pool-service.js';
import type { PoolConfig } from './ports.js';
import { INVALID_POOL_CONFIGURATION } from './role-resolution.js';

const ACCT = '123456789012';
const IDP = 'idp.test/realm';
const IDP2 = 'other.test';
const arnOf = (url: string) => `arn:aws:iam::${ACCT}:oidc-provider/${url}`;
const AUTH = `arn:aws:iam::${ACCT}:role/auth`;
const GUEST = `arn:aws:iam::${ACCT}:role/guest`;
const providers: Record<string, OidcProviderRecord> = Object.fromEntries(
  [IDP, IDP2].map((url) => [arnOf(url), { arn: arnOf(url), url, clientIds: ['app'], thumbprints: [], tags: [], createdAt: 0 }]),
);

/** Test ID tokens are their claims as JSON; the fake validator checks issuer and audience like the real one. */
const idToken = (url: string, sub: string, extra: Record<string, unknown> = {}) => JSON.stringify({ iss: `https://${url}`, aud: 'app', sub, ...extra });
const validateIdToken: IdTokenValidator = async (token, p) => {
  const claims = JSON.parse(token) as Record<string, unknown>;
  if (claims['iss'] !== `https://${p.issuerKey}`) throw new Error("Issuer doesn't match providerName");
  if (!p.clientIds.includes(String(claims['aud']))) throw new Error('audience');
  return { claims };
};

let ring: SigningKeyRing;
beforeAll(async () => {
  const keys = new (class {
    rows: import('../keys/ports.js').StoredKey[] = [];
    async listByPurpose() {
      return this.rows;
    }
    async insertIfAbsent(k: import('../keys/ports.js').StoredKey) {
      if (!this.rows.some((r) => r.id === k.id)) this.rows.push(k);
    }
    async rotate() {
      return false;
    }
  })();
  ring = new SigningKeyRing(keys, new Sealer(Buffer.alloc(32, 5)), systemClock, { purpose: 'cognito-identity-token', alg: 'RS512' });
  await ring.current();
});

function build(storage: Storage) {
  const clock = systemClock;
  const lookup = { byArn: async (arn: string) => providers[arn], byUrl: async () => undefined };
  const tokens = new CognitoTokens(ring, { baseUrl: () => 'http://cognate.test', region: 'us-east-1', accountId: ACCT, clock });
  const pools = new PoolService({ pools: new KyselyIdentityPoolRepository(storage), providers: lookup, clock, region: 'us-east-1', accountId: ACCT });
  const validator = new LoginValidator({ validateIdToken, loginError: (e) => notAuthorized(`Invalid login token. ${(e as Error).message}`), providers: lookup, tokens, clock });
  const repo = new KyselyIdentityRepository(storage);
  const identities = new IdentityService({ identities: repo, pools, validator, clock, region: 'us-east-1' });
  const assumed: AssumeRoleWithWebIdentityRequest[] = [];
  const roleAssumer = {
    async assumeRoleWithWebIdentity(r: AssumeRoleWithWebIdentityRequest) {
      if (r.roleArn.endsWith('/missing')) throw new AppError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      assumed.push(r);
      return { credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration: 0 }, assumedRoleId: 'x', arn: 'y' };
    },
  };
  return {
    pools,
    identities,
    repo,
    assumed,
    credentials: new CredentialsService({ identities, pools, tokens, roleAssumer }),
    developer: new DeveloperService({ identities, repo, pools, validator, tokens, clock }),
  };
}

const config = (c: Partial<PoolConfig> = {}): PoolConfig => ({
  name: 'pool',
  allowUnauthenticated: true,
  openIdConnectProviderArns: [arnOf(IDP), arnOf(IDP2)],
  developerProviderName: 'login.dev',
  tags: {},
  ...c,
});

async function failure(p: Promise<unknown>): Promise<[string, string] | 'ok'> {
  return p.then(
    () => 'ok',
    (e: unknown) => {
      if (e instanceof AppError) return [e.code, e.message];
      throw e;
    },
  );
}

forEachDialect('Cognito Identity services', (storage, env) => {
  it('pools: create, PUT update, list pages, tags, delete with cascade', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config({ allowClassicFlow: false, tags: { a: '1' } }));
    expect(pool.id).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    const updated = await s.pools.update(pool.id, { name: 'renamed', allowUnauthenticated: false, tags: {} }, false);
    expect(updated.config).toEqual({ name: 'renamed', allowUnauthenticated: false, developerProviderName: 'login.dev', tags: { a: '1' } });
    expect(await failure(s.pools.update(pool.id, { ...updated.config, developerProviderName: 'other' }, false))).toEqual(['InvalidParameter', 'Cannot change DeveloperProviderName once it is set.']);
    await s.pools.tag(pool.id, { b: '2' });
    await s.pools.untag(pool.id, ['a']);
    expect((await s.pools.get(pool.id)).config.tags).toEqual({ b: '2' });
    const more = [await s.pools.create(config()), await s.pools.create(config())];
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s.pools.list(1, token);
      seen.push(...page.pools.map((p) => p.id));
      token = page.nextToken;
    } while (token);
    expect(seen).toEqual(expect.arrayContaining([pool.id, ...more.map((p) => p.id)]));
    const guest = await s.identities.getId(more[0]!.id, undefined);
    await s.pools.delete(more[0]!.id);
    expect(await failure(s.pools.get(more[0]!.id))).toEqual(['NotFound', `IdentityPool '${more[0]!.id}' not found.`]);
    expect(await s.repo.get(guest)).toBeUndefined();
    const repo = new KyselyIdentityPoolRepository(storage());
    expect(await repo.updateConfig(pool.id, config(), 1, Date.now())).toBe('conflict');
  });

  it('GetId: a new guest each call, refused when the pool allows none; one identity per user', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const closed = await s.pools.create(config({ allowUnauthenticated: false }));
    expect(await s.identities.getId(pool.id, undefined)).not.toBe(await s.identities.getId(pool.id, {}));
    expect(await failure(s.identities.getId(closed.id, undefined))).toEqual(['NotAuthorized', UNAUTHENTICATED_NOT_SUPPORTED]);
    const alice = await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'alice') });
    expect(await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'alice') })).toBe(alice);
    expect(await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'bob') })).not.toBe(alice);
    expect(await failure(s.identities.getId(pool.id, { [IDP]: idToken(IDP2, 'alice') }))).toEqual(['NotAuthorized', "Invalid login token. Issuer doesn't match providerName"]);
  });

  it('GetId races for one new login converge on one identity', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const logins = { [IDP]: idToken(IDP, 'racer') };
    const ids = await Promise.all(Array.from({ length: 16 }, () => s.identities.getId(pool.id, logins)));
    expect(new Set(ids).size).toBe(1);
    const page = await s.identities.list(pool.id, 60, undefined, false);
    expect(page.identities.filter((d) => d.providers.includes(IDP))).toHaveLength(1);
  });

  it('linking races between worker processes converge on one identity', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const ids = await runInChildProcesses(
      4,
      env.database().options,
      async (store, { args }) => {
        // The child runs compiled src/; a Function body keeps vitest from rewriting import().
        const load = new Function('u', 'return import(u)') as (u: string) => Promise<unknown>;
        const base = `file://${process.cwd()}/src/`;
        const { KyselyIdentityRepository } = (await load(`${base}storage/repositories/cognito-identity.js`)) as typeof import('../../storage/repositories/cognito-identity.js');
        const { linkLogins } = (await load(`${base}core/federation/linking.js`)) as typeof import('./linking.js');
        const repo = new KyselyIdentityRepository(store);
        const out: string[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await linkLogins(repo, {
            poolId: args.poolId,
            logins: [{ provider: 'idp.test/realm', subject: `worker-race-${i}` }],
            now: Date.now(),
            newId: () => `us-east-1:${crypto.randomUUID()}`,
          });
          out.push(r.identityId);
        }
        return out;
      },
      () => ({ poolId: pool.id }),
    );
    for (let i = 0; i < 5; i++) expect(new Set(ids.map((w) => w[i])).size).toBe(1);
    const page = await s.identities.list(pool.id, 60, undefined, false);
    expect(page.identities).toHaveLength(5);
  });

  it('several logins link or merge into the oldest identity; two users of one provider conflict', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const a = await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'alice') });
    const b = await s.identities.getId(pool.id, { [IDP2]: idToken(IDP2, 'alice2') });
    expect(await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'alice'), [IDP2]: idToken(IDP2, 'alice2') })).toBe(a);
    expect(await s.identities.getId(pool.id, { [IDP2]: idToken(IDP2, 'alice2') })).toBe(a);
    expect((await s.repo.get(b))!.mergedInto).toBe(a);
    expect((await s.identities.describe(a)).providers.sort()).toEqual([IDP, IDP2].sort());
    expect((await s.identities.list(pool.id, 60, undefined, true)).identities.map((d) => d.identity.id)).not.toContain(b);
    await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'carol') });
    expect(await failure(s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'carol'), [IDP2]: idToken(IDP2, 'alice2') }))).toEqual([
      'Conflict',
      `Logins of two different users of ${IDP} cannot belong to one identity.`,
    ]);
  });

  it('access: guests link logins, merged guests follow their logins, authenticated identities need a linked login', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const guest = await s.identities.getId(pool.id, undefined);
    const linked = await s.identities.access(guest, { [IDP]: idToken(IDP, 'gina') }, 'credentials');
    expect(linked).toMatchObject({ identityId: guest, authenticated: true });
    expect(await failure(s.identities.access(guest, undefined, 'credentials'))).toEqual(['NotAuthorized', `Access to Identity '${guest}' is forbidden.`]);
    expect(await failure(s.identities.access(guest, { [IDP]: idToken(IDP, 'mallory') }, 'credentials'))).toEqual(['NotAuthorized', LOGINS_DONT_MATCH]);
    const owner = await s.identities.getId(pool.id, { [IDP]: idToken(IDP, 'henry') });
    const guest2 = await s.identities.getId(pool.id, undefined);
    expect((await s.identities.access(guest2, { [IDP]: idToken(IDP, 'henry') }, 'credentials')).identityId).toBe(owner);
    expect((await s.identities.access(guest2, { [IDP]: idToken(IDP, 'henry') }, 'credentials')).identityId).toBe(owner);
    expect(await failure(s.identities.access(guest2, undefined, 'credentials'))).toEqual(['NotAuthorized', `Access to Identity '${guest2}' is forbidden.`]);
    const unknown = 'us-east-1:00000000-0000-0000-0000-000000000000';
    expect(await failure(s.identities.access(unknown, undefined, 'credentials'))).toEqual(['NotAuthorized', `Identity '${unknown}' not found.`]);
  });

  it('UnlinkIdentity: the unlinked login makes a new identity next time; DeleteIdentities reports per id', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const login = { [IDP]: idToken(IDP, 'ursula') };
    const first = await s.identities.getId(pool.id, login);
    await s.identities.unlink(first, login, [IDP]);
    expect((await s.identities.describe(first)).providers).toEqual([]);
    const second = await s.identities.getId(pool.id, login);
    expect(second).not.toBe(first);
    const failed = await s.identities.delete([first, second, 'us-east-1:ffffffff-0000-0000-0000-000000000000'], async () => {
      throw new AppError('AccessDenied', 'no');
    });
    expect(failed).toEqual([
      { identityId: first, errorCode: 'AccessDenied' },
      { identityId: second, errorCode: 'AccessDenied' },
    ]);
    expect(await s.identities.delete([first], async () => undefined)).toEqual([]);
    expect(await failure(s.identities.describe(first))).toEqual(['NotFound', `Identity '${first}' not found.`]);
  });

  it('developer identities: token, lookup, already-registered, merge and unlink', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config());
    const d1 = await s.developer.openIdToken({ poolId: pool.id, logins: { 'login.dev': 'u1' } });
    expect((await s.developer.openIdToken({ poolId: pool.id, logins: { 'login.dev': 'u1' } })).identityId).toBe(d1.identityId);
    const d2 = await s.developer.openIdToken({ poolId: pool.id, logins: { 'login.dev': 'u2' } });
    expect(await failure(s.developer.openIdToken({ poolId: pool.id, identityId: d2.identityId, logins: { 'login.dev': 'u1' } }))).toEqual([
      'DeveloperUserAlreadyRegistered',
      'The developer user identifier is already registered with a different identity id.',
    ]);
    expect(await s.developer.lookup(pool.id, undefined, 'u1', 60, undefined)).toEqual({ identityId: d1.identityId, users: ['u1'] });
    expect(await failure(s.developer.lookup(pool.id, d2.identityId, 'u1', 60, undefined))).toEqual(['Conflict', 'The IdentityId and the DeveloperUserIdentifier do not match.']);
    expect(await s.developer.merge(pool.id, 'u2', 'u1', 'login.dev')).toBe(d1.identityId);
    const page1 = await s.developer.lookup(pool.id, d1.identityId, undefined, 1, undefined);
    const page2 = await s.developer.lookup(pool.id, d1.identityId, undefined, 1, page1.nextToken);
    expect([...page1.users, ...page2.users].sort()).toEqual(['u1', 'u2']);
    expect(page2.nextToken).toBeUndefined();
    await s.developer.unlink(d1.identityId, pool.id, 'login.dev', 'u2');
    expect((await s.developer.openIdToken({ poolId: pool.id, logins: { 'login.dev': 'u2' } })).identityId).not.toBe(d1.identityId);
    expect(await failure(s.identities.getId(pool.id, { 'login.dev': 'u1' }))).toEqual(['NotAuthorized', 'Token is not from a supported provider of this identity pool.']);
  });

  it('credentials: roles, amr, principal tags, our own token as a login, invalid configuration, classic-flow flag', async () => {
    const s = build(storage());
    const pool = await s.pools.create(config({ allowClassicFlow: false }));
    await s.pools.setRoles(pool.id, { roles: { authenticated: AUTH, unauthenticated: GUEST }, roleMappings: {} });
    await s.pools.setPrincipalTagMap(pool.id, IDP, { useDefaults: true, tags: { dept: 'department' } });
    const guest = await s.identities.getId(pool.id, undefined);
    await s.credentials.credentials(guest, undefined, undefined, '127.0.0.1');
    expect(s.assumed[0]).toMatchObject({ roleArn: GUEST, roleSessionName: 'CognitoIdentityCredentials', durationSeconds: 3600 });
    expect(s.assumed[0]!.webIdentity.claims).toEqual({ aud: pool.id, sub: guest, amr: ['unauthenticated'] });
    const login = { [IDP]: idToken(IDP, 'tess', { department: 'ops' }) };
    const id = await s.identities.getId(pool.id, login);
    expect((await s.credentials.credentials(id, login, undefined, '127.0.0.1')).identityId).toBe(id);
    expect(s.assumed[1]).toMatchObject({ roleArn: AUTH, webIdentity: { claims: { amr: ['authenticated', IDP, `${arnOf(IDP)}:OIDC:tess`] }, principalTags: { username: 'tess', client: 'app', dept: 'ops' } } });
    const dev = await s.developer.openIdToken({ poolId: pool.id, logins: { 'login.dev': 'dave' }, principalTags: { team: 'blue' } });
    await s.credentials.credentials(dev.identityId, { 'cognito-identity.amazonaws.com': dev.token }, undefined, '127.0.0.1');
    expect(s.assumed[2]).toMatchObject({ roleArn: AUTH, webIdentity: { claims: { amr: ['authenticated', 'login.dev', `login.dev:${pool.id}:dave`] }, principalTags: { team: 'blue' } } });
    expect(await failure(s.credentials.credentials(id, { 'cognito-identity.amazonaws.com': dev.token }, undefined, '127.0.0.1'))).toEqual(['NotAuthorized', LOGINS_DONT_MATCH]);
    expect(await failure(s.identities.getId(pool.id, { 'cognito-identity.amazonaws.com': dev.token }))).toEqual(['NotAuthorized', "Invalid login token. Can't pass in a Cognito token."]);
    await s.pools.setRoles(pool.id, { roles: { authenticated: `arn:aws:iam::${ACCT}:role/missing` }, roleMappings: {} });
    expect(await failure(s.credentials.credentials(id, login, undefined, '127.0.0.1'))).toEqual(['InvalidIdentityPoolConfiguration', INVALID_POOL_CONFIGURATION]);
    expect(await failure(s.credentials.openIdToken(id, login))).toEqual(['InvalidParameter', CLASSIC_FLOW_DISABLED]);
  });
});

describe('login validation without providers', () => {
  it('names the pool that has none', async () => {
    const lookup = { byArn: async () => undefined, byUrl: async () => undefined };
    const tokens = new CognitoTokens(ring, { baseUrl: () => 'http://x', region: 'us-east-1', accountId: ACCT, clock: systemClock });
    const v = new LoginValidator({ validateIdToken, loginError: () => notAuthorized('x'), providers: lookup, tokens, clock: systemClock });
    const pool = { id: 'us-east-1:1', config: { name: 'p', allowUnauthenticated: true, tags: {} }, roles: { roles: {}, roleMappings: {} }, createdAt: 0, updatedAt: 0 };
    await expect(v.validate(pool, { [IDP]: 'x' }, 'id')).rejects.toThrow('Identity pool - us-east-1:1 does not have identity providers configured.');
    await expect(v.validate(pool, { 'accounts.example': 'x' }, 'id')).rejects.toThrow('does not have identity providers configured');
  });
});
