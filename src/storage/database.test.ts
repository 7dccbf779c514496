import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServeConfig } from '../config/load.js';
import { openStorage, SqliteWriteLock, StatementCache, type Storage } from './database.js';

const dirs: string[] = [];
const opened: (Storage | SQLite.Database)[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cognate-db-'));
  dirs.push(dir);
  return dir;
};
const raw = (file: string): SQLite.Database => {
  const db = new SQLite(file);
  opened.push(db);
  return db;
};
const open = async (dataDir: string, options: { sqliteSynchronous?: 'normal' | 'full' } = {}): Promise<Storage> => {
  const s = await openStorage({ dataDir, ...options });
  opened.push(s);
  return s;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  for (const o of opened.splice(0)) await ('db' in o ? o.close() : o.close());
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('StatementCache', () => {
  it('reuses statements by SQL text and evicts the least recently used beyond its bound', () => {
    const db = raw(join(scratch(), 'x.db'));
    const cache = new StatementCache(db, 3);
    const a = cache.prepare('select 1 as n');
    expect(cache.prepare('select 1 as n')).toBe(a);
    expect(a.all([])).toEqual([{ n: 1 }]);
    expect(a.all([])).toEqual([{ n: 1 }]); // re-executable
    const b = cache.prepare('select 2 as n');
    cache.prepare('select 3 as n');
    cache.prepare('select 1 as n'); // touch a: b is now the oldest
    cache.prepare('select 4 as n');
    expect(cache.size).toBe(3);
    expect(cache.prepare('select 1 as n')).toBe(a);
    const b2 = cache.prepare('select 2 as n');
    expect(b2).not.toBe(b); // evicted, prepared afresh
    expect(b2.all([])).toEqual([{ n: 2 }]);
    expect(cache.size).toBe(3);
    // A PRAGMA acts when compiled, so it is never reused.
    expect(cache.prepare('pragma busy_timeout = 7')).not.toBe(cache.prepare('pragma busy_timeout = 7'));
  });

  it('hands out a fresh statement while the cached one is still iterating', () => {
    const db = raw(join(scratch(), 'x.db'));
    const cache = new StatementCache(db);
    const text = 'select value as n from json_each(?)';
    const first = cache.prepare(text);
    const it = first.iterate(['[1,2,3]']);
    expect(it.next().value).toEqual({ n: 1 });
    const second = cache.prepare(text);
    expect(second).not.toBe(first);
    expect(second.all(['[7]'])).toEqual([{ n: 7 }]);
    expect([...it]).toEqual([{ n: 2 }, { n: 3 }]);
    expect(cache.prepare(text)).toBe(first); // done iterating: reusable again
  });

  it('serves kysely queries with parameters through the cache', async () => {
    const storage = await open(scratch());
    for (const id of ['k1', 'k2', 'k3']) {
      await storage.db.insertInto('keys').values({ id, purpose: 'p', kid: id, status: 'current', sealed: 'x', created_at: 0, rotated_at: null }).execute();
    }
    for (const id of ['k1', 'k2', 'k3']) {
      const row = await storage.db.selectFrom('keys').select('kid').where('id', '=', id).executeTakeFirst();
      expect(row?.kid).toBe(id);
    }
  });
});

describe('SQLite write lock', () => {
  it('waits for another process’s write lock without blocking the event loop, and times out as SQLITE_BUSY', async () => {
    const file = join(scratch(), 'x.db');
    const holder = raw(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('create table t (n integer)');
    holder.exec('BEGIN IMMEDIATE');
    const lock = new SqliteWriteLock(raw(file), 200);
    expect(lock.tryBegin()).toBe(false);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = Date.now();
    try {
      await expect(lock.acquire(async () => (lock.tryBegin() ? { began: true, value: 1 } : { began: false }))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(Date.now() - started).toBeLessThan(2000);
      // The loop kept turning while we waited (a blocking wait would allow none); a loaded machine fires few timers.
      expect(ticks).toBeGreaterThanOrEqual(2);
      // Once the holder commits, the next attempt gets the lock.
      setTimeout(() => holder.exec('COMMIT'), 30);
      const db2 = raw(file);
      const lock2 = new SqliteWriteLock(db2, 2000);
      const value = await lock2.acquire(async () => (lock2.tryBegin() ? { began: true, value: 'mine' } : { began: false }));
      expect(value).toBe('mine');
      expect(db2.inTransaction).toBe(true);
      db2.exec('ROLLBACK');
    } finally {
      clearInterval(timer);
    }
  });

  it('lets two storages of one file (two processes’ worth) run transactions concurrently without stalling', async () => {
    const dir = scratch();
    const a = await open(dir);
    const b = await open(dir);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const order: string[] = [];
      const first = a.transaction(async (trx) => {
        await trx.insertInto('keys').values({ id: 'a', purpose: 'lock', kid: 'a', status: 'current', sealed: 'x', created_at: 0, rotated_at: null }).execute();
        await sleep(100); // holds the write lock across turns of the event loop
        order.push('a');
      });
      await sleep(10);
      const second = b.transaction(async (trx) => {
        order.push('b');
        await trx.insertInto('keys').values({ id: 'b', purpose: 'lock', kid: 'b', status: 'current', sealed: 'x', created_at: 0, rotated_at: null }).execute();
      });
      // b's reads are not held up by its waiting transaction (its connection is free meanwhile).
      await sleep(10);
      expect(await b.db.selectFrom('keys').select('id').where('purpose', '=', 'lock').execute()).toEqual([]);
      expect(order).toEqual([]);
      await Promise.all([first, second]);
      expect(order).toEqual(['a', 'b']);
      expect(ticks).toBeGreaterThanOrEqual(2); // the loop turned while b waited (few timers fire on a loaded machine)
      const rows = await b.db.selectFrom('keys').select('id').where('purpose', '=', 'lock').orderBy('id').execute();
      expect(rows.map((r) => r.id)).toEqual(['a', 'b']);
    } finally {
      clearInterval(timer);
    }
  });

  it('sets synchronous as configured (FULL unless asked)', async () => {
    const level = async (s: Storage) => (await sql<{ synchronous: number }>`pragma synchronous`.execute(s.db)).rows[0]?.synchronous;
    expect(loadServeConfig({}, {}).sqliteSynchronous).toBe('full');
    expect(loadServeConfig({}, { COGNATE_SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('normal');
    expect(() => loadServeConfig({ 'sqlite-synchronous': 'off' }, {})).toThrow(/normal, full/);
    expect(await level(await open(scratch()))).toBe(2);
    expect(await level(await open(scratch(), { sqliteSynchronous: 'normal' }))).toBe(1);
    expect(await level(await open(scratch(), { sqliteSynchronous: 'full' }))).toBe(2);
  });
});
