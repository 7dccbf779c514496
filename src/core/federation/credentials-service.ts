import { AppError, invalidParameter } from '../errors.js';
import type { RoleAssumer } from '../credentials/ports.js';
import type { TemporaryCredentials } from '../credentials/sessions.js';
import { OPEN_ID_TOKEN_SECONDS, cognitoWebIdentity, type CognitoTokens } from './cognito-token.js';
import type { Access, IdentityService } from './identity-service.js';
import type { ValidatedLogin } from './login-validation.js';
import type { PoolService } from './pool-service.js';
import { invalidPoolConfiguration, resolveRole } from './role-resolution.js';

export const CLASSIC_FLOW_DISABLED = 'Basic (classic) flow is not enabled, please use enhanced flow.';
/** §1.6 step 5 and §1.3: the enhanced flow's session name and one-hour credentials. */
export const SESSION_NAME = 'CognitoIdentityCredentials';
export const CREDENTIALS_SECONDS = 3600;
/** Default principal-tag mapping when UseDefaults is set. */
const DEFAULT_TAGS: Record<string, string> = { username: 'sub', client: 'aud' };

export interface CredentialsServiceDeps {
  identities: IdentityService;
  pools: PoolService;
  tokens: CognitoTokens;
  roleAssumer: RoleAssumer;
}

/** The `amr` claim (§1.7): `unauthenticated`, or `authenticated` followed by each login's entries. */
export function amrOf(access: Pick<Access, 'authenticated' | 'logins'>): string[] {
  if (!access.authenticated) return ['unauthenticated'];
  return [...new Set(['authenticated', ...access.logins.flatMap((l) => l.amr)])];
}

/** GetCredentialsForIdentity (enhanced flow) and GetOpenIdToken (classic flow). */
export class CredentialsService {
  constructor(private readonly deps: CredentialsServiceDeps) {}

  async credentials(identityId: string, logins: Record<string, string> | undefined, customRoleArn: string | undefined, sourceIp: string): Promise<{ identityId: string; credentials: TemporaryCredentials }> {
    const access = await this.deps.identities.access(identityId, logins, 'credentials');
    const login = access.authenticated ? access.logins[0] : undefined;
    const roleArn = resolveRole(access.pool.roles, login ?? (access.authenticated ? { mappingKeys: [], claims: {} } : undefined), customRoleArn);
    const principalTags = login ? await this.#principalTags(access.pool.id, login) : undefined;
    const webIdentity = cognitoWebIdentity({ aud: access.pool.id, sub: access.identityId, amr: amrOf(access) }, principalTags);
    try {
      // No JWT round trip: the role assumer evaluates the trust policy on the same claims
      // an OpenID token would carry (§1.3: GetOpenIdToken + AssumeRoleWithWebIdentity).
      const assumed = await this.deps.roleAssumer.assumeRoleWithWebIdentity({
        roleArn,
        roleSessionName: SESSION_NAME,
        durationSeconds: CREDENTIALS_SECONDS,
        webIdentity,
        sourceIp,
      });
      return { identityId: access.identityId, credentials: assumed.credentials };
    } catch (e) {
      // A missing role or a trust policy that refuses this pool/identity (§1.6 step 4).
      if (e instanceof AppError && (e.code === 'AccessDenied' || e.code === 'NotFound' || e.code === 'ValidationError')) throw invalidPoolConfiguration();
      throw e;
    }
  }

  async openIdToken(identityId: string, logins: Record<string, string> | undefined): Promise<{ identityId: string; token: string }> {
    const access = await this.deps.identities.access(identityId, logins, 'id', {
      // §9.22: only an explicit false blocks the classic flow.
      check: (pool) => {
        if (pool.config.allowClassicFlow === false) throw invalidParameter(CLASSIC_FLOW_DISABLED);
      },
    });
    const login = access.authenticated ? access.logins[0] : undefined;
    const principalTags = login ? await this.#principalTags(access.pool.id, login) : undefined;
    const { token } = await this.deps.tokens.issue({
      poolId: access.pool.id,
      identityId: access.identityId,
      amr: amrOf(access),
      ...(principalTags ? { principalTags } : {}),
      lifetimeSeconds: OPEN_ID_TOKEN_SECONDS,
    });
    return { identityId: access.identityId, token };
  }

  /** SetPrincipalTagAttributeMap for the login's provider: tag → claim (§1.2); our own token carries its tags. */
  async #principalTags(poolId: string, login: ValidatedLogin): Promise<Record<string, string> | undefined> {
    if (login.kind === 'cognito') return login.principalTags;
    let map;
    for (const key of login.mappingKeys) {
      map = await this.deps.pools.cachedPrincipalTagMap(poolId, key);
      if (map) break;
    }
    if (!map) return undefined;
    const wanted = { ...(map.useDefaults ? DEFAULT_TAGS : {}), ...map.tags };
    const tags: Record<string, string> = {};
    for (const [tag, claim] of Object.entries(wanted)) {
      const v = login.claims[claim];
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === 'string' && value !== '') tags[tag] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') tags[tag] = String(value);
    }
    return Object.keys(tags).length > 0 ? tags : undefined;
  }
}
