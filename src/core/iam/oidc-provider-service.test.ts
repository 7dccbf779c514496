import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../storage/database.js';
import { KyselyIamRepository } from '../../storage/repositories/iam.js';
import { ManualClock } from '../clock.js';
import { OidcProviderService } from './oidc-provider-service.js';

describe('OidcProviderService thumbprint discovery', () => {
  let dir: string;
  let storage: Storage;
  const fetched: string[] = [];
  let answer: () => Promise<string> = async () => 'AA'.repeat(20);
  let service: OidcProviderService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cognate-oidc-service-'));
    storage = await openStorage({ dataDir: dir });
    service = new OidcProviderService(new KyselyIamRepository(storage), {
      accountId: '123456789012',
      clock: new ManualClock(0),
      fetchThumbprint: (url) => {
        fetched.push(url);
        return answer();
      },
    });
  });

  afterAll(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records the thumbprint of the IdP when none is given, lower-cased', async () => {
    const p = await service.create({ url: 'https://idp.example.com:8443/realm' });
    expect(fetched).toEqual(['https://idp.example.com:8443/realm']);
    expect(p.thumbprints).toEqual(['aa'.repeat(20)]);
  });

  it('fetches nothing for given thumbprints, loopback http, or a duplicate', async () => {
    fetched.length = 0;
    expect((await service.create({ url: 'https://given.example.com', thumbprints: ['BB'.repeat(20), 'bb'.repeat(20)] })).thumbprints).toEqual(['bb'.repeat(20)]);
    expect((await service.create({ url: 'http://localhost:1234' })).thumbprints).toEqual([]);
    await expect(service.create({ url: 'https://idp.example.com:8443/realm' })).rejects.toMatchObject({ code: 'AlreadyExists' });
    expect(fetched).toEqual([]);
  });

  it('reports an IdP it cannot reach as OpenIdIdpCommunicationError', async () => {
    answer = async () => {
      throw new Error('ECONNREFUSED');
    };
    await expect(service.create({ url: 'https://down.example.com' })).rejects.toMatchObject({ code: 'IDPCommunicationError', wireName: 'OpenIdIdpCommunicationError' });
    expect(await service.byUrl('down.example.com')).toBeUndefined();
  });
});
