import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { buildResourceServer } from '../../core/oauth/resource-servers.js';
import { KyselyResourceServerRepository } from './auth0-apis.js';

forEachDialect('auth0 resource servers', (storage) => {
  it('findByIdentifier decodes a row once while it is unchanged and sees any change at once', async () => {
    const apis = new KyselyResourceServerRepository(storage());
    const api = buildResourceServer({ identifier: 'https://memo.example.test/', name: 'Memo', scopes: [{ value: 'read:a' }] }, 1_000);
    await apis.insert(api);
    const first = await apis.findByIdentifier(api.identifier);
    expect(first).toMatchObject({ identifier: api.identifier, scopes: [{ value: 'read:a' }] });
    expect(await apis.findByIdentifier(api.identifier)).toBe(first);
    // Another repository (another worker, the Management API) changes it: seen on the next read.
    await new KyselyResourceServerRepository(storage()).update({ ...api, scopes: [{ value: 'read:a' }, { value: 'write:a' }], updated_at: 2_000 });
    const changed = await apis.findByIdentifier(api.identifier);
    expect(changed).not.toBe(first);
    expect(changed?.scopes.map((x) => x.value)).toEqual(['read:a', 'write:a']);
    await new KyselyResourceServerRepository(storage()).delete(api);
    expect(await apis.findByIdentifier(api.identifier)).toBeUndefined();
  });
});
