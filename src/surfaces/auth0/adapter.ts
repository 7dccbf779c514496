import type { ApplicationRepository, ApplicationWithSecret } from '../../core/oauth/applications.js';
import type { KyselyOidcPayloadRepository } from '../../storage/repositories/auth0-oidc-payloads.js';
import { toClientMetadata } from './client-metadata.js';
import { RefreshReuseLeeway } from './refresh-leeway.js';

type Payload = Record<string, unknown>;

/**
 * oidc-provider's storage adapter (its Adapter interface: upsert/find/findByUid/findByUserCode/
 * consume/destroy/revokeByGrantId) over the `auth0_oidc_payloads` table. The `Client` model is
 * answered from the applications table instead: clients are managed by Cognate, not by dynamic
 * registration.
 */
export function adapterFactory(payloads: KyselyOidcPayloadRepository, apps: ApplicationRepository, now: () => number) {
  const leeway = new RefreshReuseLeeway(payloads, apps, now);
  // Refresh tokens just read, by id: oidc-provider consumes the one it found a moment later in
  // the same request, and the payload (immutable once stored) need not be read again for it.
  const justFound = new Map<string, Payload>();
  // The repository hands back the same object while a client's row is unchanged: its metadata
  // is derived once (oidc-provider hashes what it gets to find its built client).
  const metadata = new WeakMap<ApplicationWithSecret, Payload>();
  const clientMetadata = (found: ApplicationWithSecret): Payload => {
    let m = metadata.get(found);
    if (!m) metadata.set(found, (m = toClientMetadata(found.app, found.secret)));
    return { ...m };
  };
  return class StorageAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      let stored = payload;
      // auth0-api.md §1.5/§10.4: ID tokens from the refresh grant carry no nonce; oidc-provider
      // copies the refresh token's nonce into them, so refresh tokens are stored without one.
      if (this.model === 'RefreshToken' && 'nonce' in payload) {
        const { nonce: _nonce, ...rest } = payload;
        stored = rest;
      }
      await payloads.upsert(this.model, id, stored, expiresIn ? now() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') {
        const found = await apps.find(id);
        return found && clientMetadata(found);
      }
      const record = await payloads.find(this.model, 'id', id);
      if (this.model === 'RefreshToken' && record) {
        justFound.set(id, record.payload);
        if (justFound.size > 1_000) justFound.delete(justFound.keys().next().value!);
        if (await leeway.tolerated(id, record)) return record.payload;
      }
      return this.#withConsumed(record);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.#withConsumed(await payloads.find(this.model, 'uid', uid));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.#withConsumed(await payloads.find(this.model, 'user_code', userCode));
    }

    async consume(id: string): Promise<void> {
      if (this.model === 'RefreshToken') {
        const known = justFound.get(id);
        justFound.delete(id);
        await leeway.consume(id, known);
      } else await payloads.consume(this.model, id);
    }

    async destroy(id: string): Promise<void> {
      await payloads.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await payloads.revokeByGrantId(grantId);
    }

    #withConsumed(record: { payload: Payload; consumedAt: number | null } | undefined): Payload | undefined {
      if (!record) return undefined;
      return record.consumedAt === null ? record.payload : { ...record.payload, consumed: Math.floor(record.consumedAt / 1000) };
    }
  };
}
