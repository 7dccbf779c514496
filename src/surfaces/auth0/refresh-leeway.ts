import type { ApplicationRepository } from '../../core/oauth/applications.js';
import type { KyselyOidcPayloadRepository, OidcPayloadRecord } from '../../storage/repositories/auth0-oidc-payloads.js';

/** Per grant: the refresh token rotated last and when (stored beside oidc-provider's payloads). */
const CHAIN_MODEL = 'Auth0RefreshChain';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Refresh-token rotation reuse leeway (auth0-api.md §2.3, §10.20): a rotated refresh token used
 * again within the client's `refresh_token.leeway` seconds is accepted once more, but only the
 * immediately previous token of its family, i.e. the one rotated last. Anything else that was
 * already used is reuse: oidc-provider then revokes the whole family. Leeway 0 (the default)
 * means every reuse is detected.
 */
export class RefreshReuseLeeway {
  constructor(
    private readonly payloads: KyselyOidcPayloadRepository,
    private readonly apps: ApplicationRepository,
    private readonly now: () => number,
  ) {}

  async #leewayMs(payload: Record<string, unknown>): Promise<number> {
    const clientId = str(payload['clientId']);
    const found = clientId ? await this.apps.find(clientId) : undefined;
    return (found?.app.refresh_token.leeway ?? 0) * 1000;
  }

  /**
   * Consumes (rotates) refresh token `id` and remembers it as its family's latest. A tolerated
   * reuse keeps its first consumption time: the leeway runs from the first rotation. One
   * conditional update decides which request consumed it first; `known` is the token's payload
   * when the caller has just read it (oidc-provider found the token in the same request).
   */
  async consume(id: string, known?: Record<string, unknown>): Promise<void> {
    if (!(await this.payloads.consumeOnce('RefreshToken', id))) return;
    const payload = known ?? (await this.payloads.find('RefreshToken', 'id', id))?.payload;
    const grantId = str(payload?.['grantId']);
    if (!payload || !grantId || (await this.#leewayMs(payload)) === 0) return;
    const exp = payload['exp'];
    await this.payloads.upsert(CHAIN_MODEL, grantId, { last: id }, typeof exp === 'number' ? exp * 1000 : null);
  }

  /** Whether a consumed refresh token may be exchanged once more (so it is presented as unused). */
  async tolerated(id: string, record: OidcPayloadRecord): Promise<boolean> {
    if (record.consumedAt === null) return false;
    const leeway = await this.#leewayMs(record.payload);
    if (leeway === 0 || this.now() - record.consumedAt > leeway) return false;
    const grantId = str(record.payload['grantId']);
    const chain = grantId ? await this.payloads.find(CHAIN_MODEL, 'id', grantId) : undefined;
    return chain?.payload['last'] === id;
  }
}
