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

  it('after a slow commit (an fsync-bound disk), gathers the next units into one commit instead of one each', async () => {
    const real = storage();
    let transactions = 0;
    const counting = { ...real, transaction: <T,>(fn: (trx: typeof real.db) => Promise<T>) => (transactions++, real.transaction(fn)) };
    const gc = new GroupCommit(counting, (trx) => trx);
    await gc.run(async (trx) => {
      await insert('slow/0')(trx);
      const until = performance.now() + 25;
      while (performance.now() < until); // a commit that blocked, as a slow fsync does
    });
    transactions = 0;
    const units: Promise<unknown>[] = [];
    for (let i = 1; i <= 4; i++) {
      units.push(gc.run(insert(`slow/${i}`)));
      await new Promise((r) => setTimeout(r, 1)); // arriving one by one, each after the last was queued
    }
    await Promise.all(units);
    expect(transactions).toBeLessThanOrEqual(2);
    const rows = await real.db.selectFrom('keys').select('id').where('purpose', '=', 'gc').where('id', 'like', 'slow/%').execute();
    expect(rows).toHaveLength(5);
  });
});
