/** Most decoded rows a cache keeps (the least recently decoded go first). */
const MAX_DECODED = 1_000;

/** Every column of `b` equal in `a`: the row has not changed since it was decoded. */
function sameRow<Row extends object>(a: Row, b: Row): boolean {
  for (const column of Object.keys(b) as (keyof Row)[]) if (a[column] !== b[column]) return false;
  return true;
}

/**
 * Rows read on every call (a change by another worker, or straight in the database, shows at
 * once) but decoded — JSON bodies, AES-GCM opening of sealed secrets — only when the row differs
 * from the one decoded last under its key: the token endpoint looks its client and API up on
 * every request. The same row gives the same object back: callers must not mutate it. A value
 * `keep` refuses (a sealed secret that did not open) is decoded again on every call.
 */
export class DecodedRows<Row extends object, Value> {
  readonly #entries = new Map<string, { row: Row; value: Value }>();

  constructor(
    private readonly decode: (row: Row) => Value,
    private readonly keep: (row: Row, value: Value) => boolean,
  ) {}

  /** The value of `row`, just read under `key`; undefined (and forgotten) when there is none. */
  of(key: string, row: Row | undefined): Value | undefined {
    if (!row) {
      this.#entries.delete(key);
      return undefined;
    }
    const known = this.#entries.get(key);
    if (known && sameRow(known.row, row)) return known.value;
    const value = this.decode(row);
    this.#entries.delete(key);
    if (this.keep(row, value)) {
      this.#entries.set(key, { row, value });
      if (this.#entries.size > MAX_DECODED) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return value;
  }
}
