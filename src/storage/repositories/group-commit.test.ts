import { expect, it } from 'vitest';
import type { Storage } from '../database.js';
import { forEachDialect } from '../../../test/support/storage.js';
import { GroupCommit } from './group-commit.js';

forEachDialect('group commit', (storage, env) => {
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
    // Without gathering each unit is its own commit (4); timers on a loaded machine may split the gathered batch once more.
    expect(transactions).toBeLessThanOrEqual(3);
    const rows = await real.db.selectFrom('keys').select('id').where('purpose', '=', 'gc').where('id', 'like', 'slow/%').execute();
    expect(rows).toHaveLength(5);
  });

  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const ids = async (prefix: string): Promise<string[]> =>
    (await storage().db.selectFrom('keys').select('id').where('id', 'like', `${prefix}/%`).orderBy('id').execute()).map((r) => r.id);

  it('units queued while the transaction waits for the write lock join that commit', async () => {
    // The wait for the lock, modelled on both dialects: each transaction waits for `release` before it begins.
    const real = storage();
    let release!: () => void;
    const lockFree = new Promise<void>((r) => (release = r));
    let transactions = 0;
    const waiting: Storage = { ...real, transaction: async (fn) => (transactions++, await lockFree, real.transaction(fn)) };
    const gc = new GroupCommit(waiting, (trx) => trx);
    const units = [gc.run(insert('wait/1'))];
    await sleep(5); // the drain has begun its transaction: it waits for the lock
    expect(transactions).toBe(1);
    for (let i = 2; i <= 5; i++) units.push(gc.run(insert(`wait/${i}`)));
    release();
    expect(await Promise.all(units)).toEqual(['wait/1', 'wait/2', 'wait/3', 'wait/4', 'wait/5']);
    expect(transactions).toBe(1);
    expect(await ids('wait')).toEqual(['wait/1', 'wait/2', 'wait/3', 'wait/4', 'wait/5']);
  });

  it.runIf(env.dialect === 'sqlite')('units queued while another connection holds the SQLite write lock join the commit that gets it', async () => {
    // Another connection (as another worker process would) holds BEGIN IMMEDIATE; ours retries
    // on a timer without blocking the event loop, so more units queue meanwhile.
    const real = storage();
    const other = await env.database().open();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    const holder = other.transaction(async (trx) => {
      await insert('held/0')(trx);
      locked();
      await held;
    });
    await lockTaken;
    let transactions = 0;
    let commits = 0;
    const counting: Storage = {
      ...real,
      transaction: (fn) => (transactions++, real.transaction(async (trx) => (commits++, fn(trx)))),
    };
    const gc = new GroupCommit(counting, (trx) => trx);
    const units = [gc.run(insert('held/1'))];
    for (let i = 2; i <= 6; i++) {
      await sleep(3); // each arrives while the drain is retrying BEGIN IMMEDIATE
      units.push(gc.run(insert(`held/${i}`)));
    }
    expect(transactions).toBe(1);
    expect(commits).toBe(0); // not one unit ran: the lock is still the other connection's
    release();
    await holder;
    expect(await Promise.all(units)).toEqual(['held/1', 'held/2', 'held/3', 'held/4', 'held/5', 'held/6']);
    expect([transactions, commits]).toEqual([1, 1]);
    expect(await ids('held')).toEqual(['held/0', 'held/1', 'held/2', 'held/3', 'held/4', 'held/5', 'held/6']);
  });

  it('a transaction that runs its work again (a retry) runs the same batch: no unit lost, none applied twice', async () => {
    const real = storage();
    let attempts = 0;
    let late: Promise<unknown> | undefined;
    const retrying: Storage = {
      ...real,
      transaction: async (fn) => {
        try {
          return await real.transaction(async (trx) => {
            attempts++;
            await fn(trx);
            throw Object.assign(new Error('could not serialize access'), { code: '40001' }); // rolled back
          });
        } catch {
          late ??= gc.run(insert('retry/late')); // queued between the attempts: left for the next commit
          return real.transaction(async (trx) => (attempts++, fn(trx)));
        }
      },
    };
    const gc: GroupCommit<ReturnType<typeof storage>['db']> = new GroupCommit(retrying, (trx) => trx);
    const units = [gc.run(insert('retry/1')), gc.run(insert('retry/2')), gc.run(insert('retry/3'))];
    expect(await Promise.all(units)).toEqual(['retry/1', 'retry/2', 'retry/3']);
    expect(await late).toBe('retry/late');
    expect(attempts).toBe(4); // two for the batch of three, two for the late unit
    expect(await ids('retry')).toEqual(['retry/1', 'retry/2', 'retry/3', 'retry/late']);
    expect(gc.busy).toBe(false);
  });

  it('a transaction that never gets the lock fails the units it would have carried, and the next ones still commit', async () => {
    const real = storage();
    let fail = true;
    const locked: Storage = {
      ...real,
      transaction: async (fn) => {
        if (!fail) return real.transaction(fn);
        await sleep(5);
        throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      },
    };
    const gc = new GroupCommit(locked, (trx) => trx);
    const first = [gc.run(insert('busy/1'))];
    await sleep(1);
    first.push(gc.run(insert('busy/2'))); // queued during the failed wait: in that batch, fails with it
    const results = await Promise.allSettled(first);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code?: unknown }).code)).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    expect(gc.busy).toBe(false);
    fail = false;
    expect(await gc.run(insert('busy/3'))).toBe('busy/3');
    expect(await ids('busy')).toEqual(['busy/3']);
  });
});
