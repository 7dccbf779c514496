import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { Dialect } from './database.js';
import type { Database } from './schema.js';

/** Stands for the i-th argument while the query is built: `arg<string>(0)`. */
export type Arg = <T>(i: number) => T;

/**
 * A query that kysely builds and compiles once per dialect, then only runs with new argument
 * values. Building and compiling costs more than SQLite takes to run the small reads of the hot
 * paths: every ListRecords and UpdateRecords, and every token request's client, API, grant, user
 * and token look-ups. `build` gets placeholders for the arguments, each of which must end up as a
 * parameter of the compiled SQL (checked when first compiled); other values stay as written.
 */
export function compiledOnce<Row>(arity: number, build: (db: Kysely<Database>, arg: Arg) => Compilable<Row>) {
  const byDialect = new Map<Dialect, { sql: string; parameters: readonly unknown[]; slots: [param: number, arg: number][] }>();
  return async (db: Kysely<Database>, dialect: Dialect, ...args: unknown[]): Promise<Row[]> => {
    let compiled = byDialect.get(dialect);
    if (compiled === undefined) {
      const marks = Array.from({ length: arity }, (_, i) => `\u0000cognate-arg-${i}\u0000`);
      const query = build(db, <T>(i: number) => marks[i] as T).compile();
      const slots: [number, number][] = [];
      query.parameters.forEach((p, i) => {
        const a = marks.indexOf(p as string);
        if (a >= 0) slots.push([i, a]);
      });
      if (new Set(slots.map(([, a]) => a)).size !== arity) throw new Error(`compiledOnce: an argument is not a parameter of: ${query.sql}`);
      compiled = { sql: query.sql, parameters: query.parameters, slots };
      byDialect.set(dialect, compiled);
    }
    const parameters = [...compiled.parameters];
    for (const [p, a] of compiled.slots) parameters[p] = args[a];
    return (await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters))).rows;
  };
}
