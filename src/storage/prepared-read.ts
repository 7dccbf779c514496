import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Stand-ins for the arguments while the query is compiled once: strings no caller ever passes. */
const mark = (i: number): string => `\u0000prepared-read-argument-${i}\u0000`;

/**
 * A hot read (the token endpoint's client, API, grant, user and token look-ups) compiled once and
 * then run with each call's arguments: kysely builds and compiles every query afresh, which costs
 * more than SQLite running these primary-key reads. `build` receives string stand-ins for its
 * arguments; every stand-in must end up as a bound parameter (never in the SQL text), which the
 * first compile checks. The SQL is the same on every call, so SQLite's statement cache
 * (database.ts) and PostgreSQL's plans serve it as before.
 */
export class PreparedRead<Row, Args extends string[]> {
  #compiled: { query: CompiledQuery<Row>; slots: number[] } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly arity: Args['length'],
    private readonly build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>,
  ) {}

  /** All rows. */
  async all(...args: Args): Promise<Row[]> {
    const { query, slots } = this.#compile();
    const parameters = query.parameters.map((p, i) => {
      const slot = slots[i] ?? -1;
      return slot < 0 ? p : args[slot];
    });
    return (await this.db.executeQuery<Row>({ ...query, parameters })).rows;
  }

  /** The first row, if any. */
  async first(...args: Args): Promise<Row | undefined> {
    return (await this.all(...args))[0];
  }

  #compile(): { query: CompiledQuery<Row>; slots: number[] } {
    if (!this.#compiled) {
      const marks = Array.from({ length: this.arity }, (_, i) => mark(i));
      const query = this.build(this.db, ...(marks as Args)).compile();
      const slots = query.parameters.map((p) => (typeof p === 'string' ? marks.indexOf(p) : -1));
      const unbound = marks.findIndex((_, i) => !slots.includes(i));
      if (unbound >= 0 || marks.some((m) => query.sql.includes(m))) throw new Error(`prepared read: argument ${unbound} is not a bound parameter in ${query.sql}`);
      this.#compiled = { query, slots };
    }
    return this.#compiled;
  }
}
