import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';

/** Where the HMAC keys come from: the key ring's `cognito-sync-session` purpose (current key first). */
export type SyncKeySource = () => Promise<{ kid: string; key: Buffer }[]>;

/** What a SyncSessionToken binds (aws-apis.md §7.2): who, which dataset, and the count it saw. */
export interface SessionClaims {
  poolId: string;
  identityId: string;
  datasetName: string;
  /** The dataset SyncCount when ListRecords issued the token (the page snapshot). */
  syncCount: number;
}

/** A ListRecords paging cursor: one count snapshot across all pages, then (SyncCount, Key) order. */
export interface PageCursor {
  snapshot: number;
  afterCount: number;
  afterKey: string;
}

const INVALID_SESSION = 'SyncSessionToken not valid for these inputs';

/**
 * Self-contained, HMAC-SHA256-authenticated tokens: no table, valid on every node that
 * shares the database (the key lives sealed in the key ring). Format
 * `<kid>.<base64url JSON>.<base64url MAC>`; the MAC also covers a purpose label so a
 * paging token can never be replayed as a session token.
 */
export class SyncTokens {
  constructor(private readonly keys: SyncKeySource) {}

  async issueSession(claims: SessionClaims): Promise<string> {
    return this.#seal('session', [claims.poolId, claims.identityId, claims.datasetName, claims.syncCount]);
  }

  /** The count the token was issued at; InvalidParameterException for anything forged or for other inputs. */
  async openSession(token: string, expect: Omit<SessionClaims, 'syncCount'>): Promise<number> {
    const v = await this.#open('session', token);
    if (!v || v.length !== 4) throw new AppError('InvalidParameter', INVALID_SESSION);
    const [pool, identity, dataset, count] = v;
    if (pool !== expect.poolId || identity !== expect.identityId || dataset !== expect.datasetName || typeof count !== 'number') {
      throw new AppError('InvalidParameter', INVALID_SESSION);
    }
    return count;
  }

  async issuePage(scope: string, cursor: PageCursor): Promise<string> {
    return this.#seal('page', [scope, cursor.snapshot, cursor.afterCount, cursor.afterKey]);
  }

  async openPage(token: string, scope: string): Promise<PageCursor> {
    const v = await this.#open('page', token);
    if (!v || v.length !== 4 || v[0] !== scope || typeof v[1] !== 'number' || typeof v[2] !== 'number' || typeof v[3] !== 'string') {
      throw new AppError('InvalidParameter', 'Invalid NextToken');
    }
    return { snapshot: v[1], afterCount: v[2], afterKey: v[3] };
  }

  async #seal(purpose: string, values: (string | number)[]): Promise<string> {
    const [current] = await this.keys();
    if (!current) throw new Error('no cognito-sync-session key');
    const body = Buffer.from(JSON.stringify(values)).toString('base64url');
    return `${current.kid}.${body}.${mac(current.key, purpose, current.kid, body)}`;
  }

  async #open(purpose: string, token: string): Promise<unknown[] | undefined> {
    const [kid, body, sig, extra] = token.split('.');
    if (!kid || !body || !sig || extra !== undefined) return undefined;
    const key = (await this.keys()).find((k) => k.kid === kid);
    if (!key) return undefined;
    const expected = Buffer.from(mac(key.key, purpose, kid, body));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
}

function mac(key: Buffer, purpose: string, kid: string, body: string): string {
  return createHmac('sha256', key).update(`cognito-sync/${purpose}/${kid}/${body}`).digest('base64url');
}
