import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { temporaryAccessKeyId } from '../ids.js';
import type { SymmetricKeyRing } from '../keys/key-ring.js';
import { Sealer } from '../keys/sealer.js';
import type { AssumedRolePrincipal, SessionContext } from './principal.js';

/**
 * Temporary credentials without a database: the session token is the session itself,
 * sealed (AES-256-GCM) under a server key shared through the database, and the secret
 * access key is derived from that key and the access key id. Verifying a request signed
 * with temporary credentials therefore costs one decryption and one HMAC, on any node,
 * across restarts; tampering with either part fails the seal.
 */
export const SESSION_KEY_PURPOSE = 'sts-session';
const TOKEN_PREFIX = 'CGNv1';

export interface SessionGrant {
  accountId: string;
  roleArn: string;
  roleId: string;
  roleName: string;
  sessionName: string;
  durationSeconds: number;
  context: SessionContext;
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since epoch */
  expiration: number;
}

interface SealedSession {
  r: string;
  i: string;
  n: string;
  s: string;
  a: string;
  e: number;
  c: SessionContext;
  p?: string;
  pa?: string[];
}

export class SessionIssuer {
  constructor(
    private readonly keys: SymmetricKeyRing,
    private readonly clock: Clock,
  ) {}

  async issue(grant: SessionGrant): Promise<TemporaryCredentials> {
    const [current] = await this.keys.keys(SESSION_KEY_PURPOSE);
    if (!current) throw new AppError('Internal', 'no session key');
    const accessKeyId = temporaryAccessKeyId();
    const expiration = Math.floor(this.clock.now() / 1000) * 1000 + grant.durationSeconds * 1000;
    const body: SealedSession = {
      r: grant.roleArn,
      i: grant.roleId,
      n: grant.roleName,
      s: grant.sessionName,
      a: grant.accountId,
      e: expiration,
      c: grant.context,
      ...(grant.sessionPolicy ? { p: grant.sessionPolicy } : {}),
      ...(grant.sessionPolicyArns?.length ? { pa: grant.sessionPolicyArns } : {}),
    };
    const sealed = new Sealer(current.key).seal(JSON.stringify(body), accessKeyId);
    return {
      accessKeyId,
      secretAccessKey: deriveSecret(current.key, accessKeyId),
      sessionToken: `${TOKEN_PREFIX}.${current.kid}.${sealed}`,
      expiration,
    };
  }

  /**
   * Resolves temporary credentials for SigV4 verification. Throws InvalidClientTokenId for a
   * token that is malformed, tampered or not this key's; ExpiredToken past its expiration.
   */
  async resolve(accessKeyId: string, sessionToken: string | undefined): Promise<{ secretAccessKey: string; principal: AssumedRolePrincipal }> {
    const invalid = new AppError('InvalidClientTokenId', 'The security token included in the request is invalid');
    if (!sessionToken) throw invalid;
    const [prefix, kid, sealed, extra] = sessionToken.split('.');
    if (prefix !== TOKEN_PREFIX || !kid || !sealed || extra !== undefined) throw invalid;
    const key = (await this.keys.keys(SESSION_KEY_PURPOSE)).find((k) => k.kid === kid);
    if (!key) throw invalid;
    const opened = new Sealer(key.key).open(sealed, accessKeyId);
    if (!opened) throw invalid;
    const s = JSON.parse(opened.toString('utf8')) as SealedSession;
    if (s.e <= this.clock.now()) throw new AppError('ExpiredToken', 'The security token included in the request is expired');
    return {
      secretAccessKey: deriveSecret(key.key, accessKeyId),
      principal: {
        kind: 'assumed-role',
        accountId: s.a,
        accessKeyId,
        arn: `arn:aws:sts::${s.a}:assumed-role/${s.n}/${s.s}`,
        userId: `${s.i}:${s.s}`,
        roleArn: s.r,
        roleId: s.i,
        roleName: s.n,
        sessionName: s.s,
        expiresAt: s.e,
        context: s.c,
        ...(s.p ? { sessionPolicy: s.p } : {}),
        ...(s.pa ? { sessionPolicyArns: s.pa } : {}),
      },
    };
  }
}

function deriveSecret(key: Buffer, accessKeyId: string): string {
  return createHmac('sha256', key).update(`secret-access-key:${accessKeyId}`).digest('base64').slice(0, 40);
}
