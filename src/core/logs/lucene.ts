/**
 * The Lucene query-string subset the Management API accepts in `q` for users and logs
 * (auth0-api.md §4.3 Users "q", Logs "q"): `field:value`, `field:"quoted value"`, wildcards `*`
 * and `?` in unquoted values, ranges `field:[a TO b]` / `{a TO b}` with `*` for open ends,
 * `_exists_:field`, `NOT` / `-` negation, and `AND` / `OR` (AND binds tighter; juxtaposition is
 * AND). Parentheses, boosts, fuzzy and proximity are not supported and are a syntax error.
 * The result is a disjunction of conjunctions; callers translate fields, never strings, to SQL.
 */
export type Match =
  | { kind: 'term'; value: string; quoted: boolean }
  | { kind: 'range'; lo: string | null; hi: string | null; loInclusive: boolean; hiInclusive: boolean }
  | { kind: 'exists' };

export interface Clause {
  /** null for a bare term (searches the resource's default fields) */
  field: string | null;
  negate: boolean;
  match: Match;
}

/** OR of ANDs. An empty query matches everything. */
export type Query = Clause[][];

export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
}

const MAX_LENGTH = 4_000;
const MAX_CLAUSES = 64;
const FIELD = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string | undefined {
    return this.s[this.i];
  }
  skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] ?? '')) this.i++;
  }
  done(): boolean {
    this.skipSpace();
    return this.i >= this.s.length;
  }
  fail(message: string): never {
    throw new QuerySyntaxError(`${message} at position ${this.i}`);
  }
  quoted(): string {
    this.i++; // opening quote
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i++] ?? '';
      if (c === '\\') out += this.s[this.i++] ?? '';
      else if (c === '"') return out;
      else out += c;
    }
    return this.fail('unterminated quoted value');
  }
  /** An unquoted word; escaped characters keep their backslash so wildcards can be told apart. */
  word(stopAtColon: boolean): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i] ?? '';
      if (/\s/.test(c) || (stopAtColon && c === ':')) break;
      if ('()^~'.includes(c)) this.fail(`unsupported character '${c}'`);
      if (c === '\\') {
        out += c + (this.s[this.i + 1] ?? '');
        this.i += 2;
        continue;
      }
      out += c;
      this.i++;
    }
    return out;
  }
  range(): Match {
    const open = this.s[this.i++];
    const body = this.s.slice(this.i);
    const m = /^\s*("[^"]*"|[^\s\]}]+)\s+TO\s+("[^"]*"|[^\s\]}]+)\s*([\]}])/.exec(body);
    if (!m) return this.fail('malformed range');
    this.i += m[0].length;
    const end = (v: string | undefined): string | null => (v === undefined || v === '*' ? null : v.replace(/^"|"$/g, ''));
    return { kind: 'range', lo: end(m[1]), hi: end(m[2]), loInclusive: open === '[', hiInclusive: m[3] === ']' };
  }
}

/** Unescapes an unquoted value; true when it has an unescaped `*` or `?`. */
export function unescapeTerm(raw: string): { text: string; wildcard: boolean } {
  let text = '';
  let wildcard = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c === '\\') text += raw[++i] ?? '';
    else {
      if (c === '*' || c === '?') wildcard = true;
      text += c;
    }
  }
  return { text, wildcard };
}

function clause(r: Reader): Clause {
  let negate = false;
  if (r.peek() === '-' || r.peek() === '!') {
    negate = true;
    r.i++;
  } else if (r.peek() === '+') r.i++;
  const head = r.word(true);
  if (r.peek() !== ':') {
    if (!head) r.fail('expected a term');
    return { field: null, negate, match: { kind: 'term', value: head, quoted: false } };
  }
  r.i++; // ':'
  if (!FIELD.test(head)) r.fail(`invalid field name '${head}'`);
  const c = r.peek();
  let match: Match;
  if (c === '"') match = { kind: 'term', value: r.quoted(), quoted: true };
  else if (c === '[' || c === '{') match = r.range();
  else {
    const value = r.word(false);
    if (!value) r.fail(`missing value for field '${head}'`);
    match = { kind: 'term', value, quoted: false };
  }
  if (head === '_exists_') {
    if (match.kind !== 'term' || !FIELD.test(match.value)) r.fail('_exists_ needs a field name');
    return { field: match.value, negate, match: { kind: 'exists' } };
  }
  return { field: head, negate, match };
}

/** Parses `q`; throws QuerySyntaxError (a 400 `invalid_query_string` on the wire). */
export function parseQuery(q: string): Query {
  if (q.length > MAX_LENGTH) throw new QuerySyntaxError(`query longer than ${MAX_LENGTH} characters`);
  const r = new Reader(q);
  const groups: Query = [[]];
  let count = 0;
  let pendingNot = false;
  while (!r.done()) {
    if (r.peek() === '"') {
      const value = r.quoted();
      groups[groups.length - 1]?.push({ field: null, negate: pendingNot, match: { kind: 'term', value, quoted: true } });
      pendingNot = false;
      if (++count > MAX_CLAUSES) r.fail('too many clauses');
      continue;
    }
    const save = r.i;
    const op = r.word(false);
    if (op === 'AND' || op === '&&') continue;
    if (op === 'OR' || op === '||') {
      if ((groups[groups.length - 1]?.length ?? 0) === 0) r.fail('OR without a left-hand side');
      groups.push([]);
      continue;
    }
    if (op === 'NOT') {
      pendingNot = !pendingNot;
      continue;
    }
    r.i = save;
    const c = clause(r);
    if (pendingNot) c.negate = !c.negate;
    pendingNot = false;
    groups[groups.length - 1]?.push(c);
    if (++count > MAX_CLAUSES) r.fail('too many clauses');
  }
  if (pendingNot || groups.some((g) => g.length === 0)) {
    if (groups.length === 1 && groups[0]?.length === 0 && !pendingNot) return [];
    r.fail('dangling operator');
  }
  return groups;
}
