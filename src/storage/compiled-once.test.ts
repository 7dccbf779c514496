import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce } from './compiled-once.js';
import { openStorage, type Storage } from './database.js';

let storage: Storage;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'compiled-once-'));
  storage = await openStorage({ dataDir: dir });
  await storage.migrate();
  for (const [model, id, uid] of [['Grant', 'g1', 'u1'], ['Grant', 'g2', 'u2'], ['Session', 'g1', 'u3']]) {
    await storage.db.insertInto('auth0_oidc_payloads').values({ model: model!, id: id!, uid: uid!, payload: '{}', grant_id: null, user_code: null, expires_at: null, consumed_at: null }).execute();
  }
});

afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('compiledOnce', () => {
  it('binds each call’s arguments in their places, constants left as compiled', async () => {
    const read = compiledOnce(2, (db, arg) =>
      db.selectFrom('auth0_oidc_payloads').select(['model', 'id', 'uid']).where('model', '=', arg<string>(0)).where('id', '=', arg<string>(1)).where('expires_at', 'is', null).where('uid', '!=', 'never'),
    );
    const run = (model: string, id: string) => read(storage.db, storage.dialect, model, id);
    expect(await run('Grant', 'g1')).toEqual([{ model: 'Grant', id: 'g1', uid: 'u1' }]);
    expect(await run('Session', 'g1')).toEqual([{ model: 'Session', id: 'g1', uid: 'u3' }]);
    expect(await run('Grant', 'g2')).toEqual([{ model: 'Grant', id: 'g2', uid: 'u2' }]);
    expect(await run('Session', 'g2')).toEqual([]);
    // A value that looks like SQL is only ever a parameter.
    expect(await run("Grant' OR '1'='1", 'g1')).toEqual([]);
  });

  it('binds an argument used twice in both places', async () => {
    const read = compiledOnce(1, (db, arg) => db.selectFrom('auth0_oidc_payloads').select('model').where((eb) => eb.or([eb('id', '=', arg<string>(0)), eb('uid', '=', arg<string>(0))])).orderBy('model'));
    expect(await read(storage.db, storage.dialect, 'g1')).toEqual([{ model: 'Grant' }, { model: 'Session' }]);
    expect(await read(storage.db, storage.dialect, 'u2')).toEqual([{ model: 'Grant' }]);
  });

  it('refuses a query one of whose arguments is not a bound parameter', async () => {
    const read = compiledOnce(2, (db, arg) => db.selectFrom('auth0_oidc_payloads').select('id').where('model', '=', arg<string>(0)));
    await expect(read(storage.db, storage.dialect, 'Grant', 'unused')).rejects.toThrow(/an argument is not a parameter/);
  });
});
