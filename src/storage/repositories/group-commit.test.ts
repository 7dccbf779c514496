import { expect, it } from 'vitest';
import { forEachDialect } from '../../../test/support/storage.js';
import { GroupCommit } from './group-commit.js';

forEachDialect('group commit', (storage) => {
  const insert = (id: string) => async (trx: ReturnType<typeof storage>['db']) => {
    await trx.insertInto('keys').values({ id, purpose: 'gc', kid: id, status: 'current', sealed: 'x', created_at: 0, rotated_at: null }).execute();
    return id;
  };

  it('commits concurrent units together; a failing unit is rolled back alone', async () => {
    const gc = new GroupCommit(storage(), (trx) => trx);
    const results = await Promise.allSettled([
      gc.run(insert('gc/1')),
      gc.run(async (trx) => {
        await insert('gc/2')(trx);
        await insert('gc/1')(trx); // duplicate key: this unit's own insert of gc/2 is undone too
      }),
      gc.run(insert('gc/3')),
      gc.run(async (trx) => (await trx.selectFrom('keys').select('id').where('purpose', '=', 'gc').execute()).map((r) => r.id)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    // A unit sees the writes of the units before it in its batch.
    expect((results[3] as PromiseFulfilledResult<string[]>).value.sort()).toEqual(['gc/1', 'gc/3']);
    const rows = await storage().db.selectFrom('keys').select('id').where('purpose', '=', 'gc').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(['gc/1', 'gc/3']);
    expect(gc.busy).toBe(false);
  });
});
