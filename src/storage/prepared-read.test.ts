import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from './database.js';
import { PreparedRead } from './prepared-read.js';

let storage: Storage;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prepared-read-'));
  storage = await openStorage({ dataDir: dir });
  await storage.migrate();
  for (const [model, id, uid] of [['Grant', 'g1', 'u1'], ['Grant', 'g2', 'u2'], ['Session', 'g1', 'u3']]) {
    await storage.db.insertInto('auth0_oidc_payloads').values({ model: model!, id: id!, uid: uid!, payload: JSON.stringify({ model, id }), grant_id: null, user_code: null, expires_at: null, consumed_at: null }).execute();
  }
});

afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PreparedRead', () => {
  it('binds each call’s arguments in their places, constants left as compiled', async () => {
    const read = new PreparedRead(storage.db, 2, (db, model, id) =>
      db.selectFrom('auth0_oidc_payloads').select(['model', 'id', 'uid']).where('model', '=', model).where('id', '=', id).where('expires_at', 'is', null).where('uid', '!=', 'never'),
    );
    expect(await read.first('Grant', 'g1')).toEqual({ model: 'Grant', id: 'g1', uid: 'u1' });
    expect(await read.first('Session', 'g1')).toEqual({ model: 'Session', id: 'g1', uid: 'u3' });
    expect(await read.first('Grant', 'g2')).toEqual({ model: 'Grant', id: 'g2', uid: 'u2' });
    expect(await read.first('Session', 'g2')).toBeUndefined();
    // A value that looks like SQL is only ever a parameter.
    expect(await read.first("Grant' OR '1'='1", 'g1')).toBeUndefined();
  });

  it('an argument used twice is bound twice; all() returns every row', async () => {
    const read = new PreparedRead(storage.db, 1, (db, id) => db.selectFrom('auth0_oidc_payloads').select('model').where((eb) => eb.or([eb('id', '=', id), eb('uid', '=', id)])).orderBy('model'));
    expect(await read.all('g1')).toEqual([{ model: 'Grant' }, { model: 'Session' }]);
    expect(await read.all('u2')).toEqual([{ model: 'Grant' }]);
  });

  it('refuses a query whose argument would not be a bound parameter', async () => {
    const read = new PreparedRead(storage.db, 2, (db, model, _unused: string) => db.selectFrom('auth0_oidc_payloads').select('id').where('model', '=', model));
    await expect(read.first('Grant', 'unused')).rejects.toThrow(/argument 1 is not a bound parameter/);
  });
});
