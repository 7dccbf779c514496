/**
 * A signing-key rotation or revocation through the Management API takes effect at once in the
 * worker that made it (its oidc-provider is rebuilt on the next request); another worker — here a
 * second ProviderHolder with its own services, as another process would have — keeps its
 * provider until its 60 s re-check of the key set.
 */
import { decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KEY_SET_RECHECK_MS, ProviderHolder } from '../../src/surfaces/auth0/mount.js';
import { createAuth0Services } from '../../src/surfaces/auth0/services.js';
import { accessToken, startMgmtServer, type MgmtServer } from './management-fixture.js';

let t: MgmtServer;

beforeAll(async () => {
  t = await startMgmtServer();
});
afterAll(async () => t?.close());

const kids = async (): Promise<string[]> => ((await (await t.fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet).keys.map((k) => k.kid ?? '');

it('the rotating worker signs with the new key and unpublishes a revoked one without waiting for the re-check', async () => {
  const mgmt = t.client();
  const [current, next] = (await mgmt.keys.signing.list()).map((k) => k.kid ?? '');
  expect(decodeProtectedHeader(await accessToken(t)).kid).toBe(current);
  const otherWorker = new ProviderHolder(createAuth0Services(t.server.context));
  const before = await otherWorker.get();

  expect((await mgmt.keys.signing.rotate()).kid).toBe(next);
  expect(decodeProtectedHeader(await accessToken(t)).kid).toBe(next); // no clock move: rebuilt at once
  expect(await otherWorker.get()).toBe(before); // another worker: unchanged until its re-check
  expect(await kids()).toEqual(expect.arrayContaining([current, next]));

  t.clock.offset += Math.max(KEY_SET_RECHECK_MS + 1_000, 66_000); // past the revocation guard (and the re-check)
  expect(await otherWorker.get()).not.toBe(before);
  const revoked = await t.client().keys.signing.revoke(current ?? '');
  expect(revoked.kid).toBe(current);
  expect(await kids()).not.toContain(current); // no further clock move
  expect(decodeProtectedHeader(await accessToken(t)).kid).toBe(next);
});
