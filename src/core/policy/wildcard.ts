/**
 * `*` / `?` glob matching for Action, Resource, `String…Like` and `Arn…` values.
 *
 * Patterns are handled in an *escaped* notation so that literal text (a substituted policy
 * variable, `${*}`) can sit beside live wildcards: a backslash makes the next character
 * literal. Raw policy text has no escape character of its own (IAM gives `\` no meaning),
 * so {@link rawGlob} escapes backslashes and leaves `*` and `?` live.
 *
 * Matching is case-sensitive; callers lower-case both sides where IAM is case-insensitive
 * (actions, `StringEqualsIgnoreCase`). `*` matches any run of characters, `/` and `:`
 * included; `?` matches one UTF-16 code unit. The matcher is the two-pointer algorithm
 * with one backtrack point, so a hostile request string costs at most O(n·m), never the
 * exponential time a naive regex can take.
 */

/** A compiled pattern. */
export type Matcher = (value: string) => boolean;

const STAR = -1;
const ONE = -2;

/** Escapes `\`, `*` and `?` so the text matches only itself. */
export function escapeLiteral(text: string): string {
  return /[\\*?]/.test(text) ? text.replace(/[\\*?]/g, (c) => `\\${c}`) : text;
}

/** Turns raw policy text into escaped notation, keeping `*` and `?` as wildcards. */
export function rawGlob(text: string): string {
  return text.includes('\\') ? text.replace(/\\/g, '\\\\') : text;
}

/** Removes the escapes of a pattern that has no live wildcard. */
function unescape(glob: string): string {
  return glob.includes('\\') ? glob.replace(/\\(.)/gs, '$1') : glob;
}

function tokenize(glob: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < glob.length) out.push(glob.charCodeAt(++i));
    else if (c === 0x2a /* * */) {
      if (out[out.length - 1] !== STAR) out.push(STAR); // `**` is `*`
    } else if (c === 0x3f /* ? */) out.push(ONE);
    else out.push(c);
  }
  return out;
}

function literalOf(tokens: number[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += String.fromCharCode(tokens[i]!);
  return out;
}

function general(tokens: number[]): Matcher {
  const pat = Int32Array.from(tokens);
  return (s) => {
    let p = 0;
    let i = 0;
    let starP = -1;
    let starI = 0;
    while (i < s.length) {
      const t = p < pat.length ? pat[p]! : 0;
      if (p < pat.length && (t === ONE || t === s.charCodeAt(i))) {
        p++;
        i++;
      } else if (p < pat.length && t === STAR) {
        starP = p++;
        starI = i;
      } else if (starP >= 0) {
        p = starP + 1;
        i = ++starI;
      } else return false;
    }
    while (p < pat.length && pat[p] === STAR) p++;
    return p === pat.length;
  };
}

function build(glob: string): Matcher {
  const tokens = tokenize(glob);
  const stars = tokens.filter((t) => t === STAR).length;
  const ones = tokens.filter((t) => t === ONE).length;
  if (stars === 0 && ones === 0) {
    const literal = unescape(glob);
    return (s) => s === literal;
  }
  if (ones === 0 && stars === 1) {
    if (tokens.length === 1) return () => true;
    if (tokens[tokens.length - 1] === STAR) {
      const prefix = literalOf(tokens, 0, tokens.length - 1);
      return (s) => s.startsWith(prefix);
    }
    if (tokens[0] === STAR) {
      const suffix = literalOf(tokens, 1, tokens.length);
      return (s) => s.endsWith(suffix);
    }
  }
  return general(tokens);
}

/**
 * Compiled patterns, shared process-wide. Static policy patterns are compiled once at
 * parse time; patterns produced by substituting policy variables are compiled per distinct
 * result, so the cache is bounded and simply starts over when full.
 */
const cache = new Map<string, Matcher>();
const CACHE_LIMIT = 10_000;

/** Compiles (or fetches) the matcher of an escaped-notation pattern. */
export function compileGlob(glob: string): Matcher {
  let m = cache.get(glob);
  if (m === undefined) {
    m = build(glob);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(glob, m);
  }
  return m;
}

/** Whether an escaped-notation pattern has a live `*` or `?`. */
export function hasWildcard(glob: string): boolean {
  return tokenize(glob).some((t) => t < 0);
}

/**
 * Splits an ARN into its six components (`arn:partition:service:region:account:resource`),
 * the last keeping any further colons. With `escaped`, the text is an escaped-notation
 * pattern and an escaped character never splits. `undefined` for fewer than six components.
 */
export function arnComponents(text: string, escaped: boolean): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length && parts.length < 5; i++) {
    const c = text.charCodeAt(i);
    if (escaped && c === 0x5c /* \ */) i++;
    else if (c === 0x3a /* : */) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (parts.length < 5) return undefined;
  parts.push(text.slice(start));
  return parts;
}
