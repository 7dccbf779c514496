import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { Sealer } from '../../core/keys/sealer.js';
import { buildResourceServer } from '../../core/oauth/resource-servers.js';
import { KyselyResourceServerRepository } from './auth0-apis.js';

const master = new Sealer(randomBytes(32));

forEachDialect('auth0 resource servers', (storage) => {
  it('findByIdentifier decodes a row once while it is unchanged and sees any change at once', async () => {
    const apis = new KyselyResourceServerRepository(storage(), master);
    const api = buildResourceServer({ identifier: 'https://memo.example.test/', name: 'Memo', scopes: [{ value: 'read:a' }] }, 1_000);
    await apis.insert(api);
    const first = await apis.findByIdentifier(api.identifier);
    expect(first).toMatchObject({ identifier: api.identifier, scopes: [{ value: 'read:a' }] });
    expect(await apis.findByIdentifier(api.identifier)).toBe(first);
    // Another repository (another worker, the Management API) changes it: seen on the next read.
    await new KyselyResourceServerRepository(storage(), master).update({ ...api, scopes: [{ value: 'read:a' }, { value: 'write:a' }], updated_at: 2_000 });
    const changed = await apis.findByIdentifier(api.identifier);
    expect(changed).not.toBe(first);
    expect(changed?.scopes.map((x) => x.value)).toEqual(['read:a', 'write:a']);
    // A new secret alone (same body, same updated_at) is a change too.
    await new KyselyResourceServerRepository(storage(), master).update({ ...api, scopes: [{ value: 'read:a' }, { value: 'write:a' }], updated_at: 2_000, signing_secret: 'another-secret-of-16+' });
    expect((await apis.findByIdentifier(api.identifier))?.signing_secret).toBe('another-secret-of-16+');
    await new KyselyResourceServerRepository(storage(), master).delete(api);
    expect(await apis.findByIdentifier(api.identifier)).toBeUndefined();
  });

  it('the signing secret is sealed at rest, bound to its API, and opens only under the same master key', async () => {
    const apis = new KyselyResourceServerRepository(storage(), master);
    const api = buildResourceServer({ identifier: 'https://sealed.example.test/', name: 'Sealed' }, 1_000);
    const other = buildResourceServer({ identifier: 'https://other.example.test/', name: 'Other' }, 1_000);
    expect(api.signing_secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    await apis.insert(api);
    await apis.insert(other);
    const row = await storage().db.selectFrom('auth0_resource_servers').selectAll().where('id', '=', api.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(api.signing_secret);
    expect(row.signing_secret_sealed).toEqual(expect.any(String));
    expect((await apis.findById(api.id))?.signing_secret).toBe(api.signing_secret);
    // Under another master key, or moved onto another API's row, it does not open (and is not cached).
    expect((await new KyselyResourceServerRepository(storage(), new Sealer(randomBytes(32))).findByIdentifier(api.identifier))?.signing_secret).toBeUndefined();
    await storage().db.updateTable('auth0_resource_servers').set({ signing_secret_sealed: row.signing_secret_sealed }).where('id', '=', other.id).execute();
    expect((await apis.findByIdentifier(other.identifier))?.signing_secret).toBeUndefined();
  });

  it('ensureSigningSecrets gives each custom API stored without one a secret of its own, never the system API, and keeps existing ones', async () => {
    const apis = new KyselyResourceServerRepository(storage(), master);
    const system = buildResourceServer({ identifier: 'https://tenant.example.test/api/v2/', name: 'Auth0 Management API', is_system: true }, 1_000);
    expect(system.signing_secret).toBeUndefined();
    await apis.upsertSystem(system);
    const legacy = [1, 2].map((n) => buildResourceServer({ identifier: `https://legacy-${n}.example.test/`, name: `Legacy ${n}` }, 1_000));
    for (const api of legacy) {
      await apis.insert(api);
      // As stored before migration 0007: no secret.
      await storage().db.updateTable('auth0_resource_servers').set({ signing_secret_sealed: null }).where('id', '=', api.id).execute();
    }
    const kept = buildResourceServer({ identifier: 'https://kept.example.test/', name: 'Kept' }, 1_000);
    await apis.insert(kept);

    await apis.ensureSigningSecrets();
    const after = await apis.list();
    const secretOf = (id: string): string | undefined => after.find((r) => r.id === id)?.signing_secret;
    expect(secretOf(system.id)).toBeUndefined();
    expect(secretOf(kept.id)).toBe(kept.signing_secret);
    const generated = legacy.map((api) => secretOf(api.id));
    for (const secret of generated) expect(secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(new Set(generated).size).toBe(2);
    await apis.ensureSigningSecrets(); // nothing missing: nothing changes
    expect((await apis.list()).map((r) => r.signing_secret)).toEqual(after.map((r) => r.signing_secret));
    for (const api of [...legacy, kept]) await apis.delete(api);
  });
});
