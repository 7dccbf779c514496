/**
 * SigV4 "UriEncode": every UTF-8 byte outside the unreserved set `A-Z a-z 0-9 - _ . ~`
 * becomes `%XX` with upper-case hex (SigV4: canonical request, URI encoding rules).
 * Both functions return their input unchanged, without allocating, when it is already
 * in canonical form, which is the common case for paths and for SDK-built queries.
 */

/** 1 for the unreserved ASCII characters. */
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || '-_.~'.includes(ch)) {
    UNRESERVED[c] = 1;
  }
}

/** `%XX` for each byte value. */
const PCT: readonly string[] = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`);

const SLASH = 0x2f;
const PERCENT = 0x25;

/** Index of the first character that needs work, or `s.length`. */
function firstToEncode(s: string, keepSlash: boolean): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (UNRESERVED[c] === 0 && !(keepSlash && c === SLASH))) return i;
  }
  return n;
}

/**
 * Appends the UTF-8 encoding of the code point at `s[i]` (a non-ASCII character) and
 * returns how many UTF-16 units it used. A lone surrogate encodes as U+FFFD, as
 * `Buffer.from(s, 'utf8')` does.
 */
function encodeNonAscii(s: string, i: number, out: string[]): number {
  let cp = s.charCodeAt(i);
  let used = 1;
  if (cp >= 0xd800 && cp <= 0xdfff) {
    const next = s.charCodeAt(i + 1);
    if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      used = 2;
    } else {
      cp = 0xfffd;
    }
  }
  if (cp < 0x800) {
    out.push(PCT[0xc0 | (cp >> 6)]!, PCT[0x80 | (cp & 0x3f)]!);
  } else if (cp < 0x10000) {
    out.push(PCT[0xe0 | (cp >> 12)]!, PCT[0x80 | ((cp >> 6) & 0x3f)]!, PCT[0x80 | (cp & 0x3f)]!);
  } else {
    out.push(
      PCT[0xf0 | (cp >> 18)]!,
      PCT[0x80 | ((cp >> 12) & 0x3f)]!,
      PCT[0x80 | ((cp >> 6) & 0x3f)]!,
      PCT[0x80 | (cp & 0x3f)]!,
    );
  }
  return used;
}

/**
 * Encodes `s` as it is, never decoding first: an existing `%3A` becomes `%253A`. This is
 * the canonical URI rule for every service but S3 ("SigV4: canonical URI, non-S3 double
 * encoding"). With `keepSlash`, `/` stays (the path separators).
 */
export function uriEncode(s: string, keepSlash: boolean): string {
  let i = firstToEncode(s, keepSlash);
  if (i === s.length) return s;
  const out: string[] = [s.slice(0, i)];
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      out.push(UNRESERVED[c] === 1 || (keepSlash && c === SLASH) ? s[i]! : PCT[c]!);
      i++;
    } else {
      i += encodeNonAscii(s, i, out);
    }
  }
  return out.join('');
}

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
};

/**
 * Canonical form of one query-string name or value: percent-decode to bytes (a `+` stays
 * a `+`, it is not a space), then re-encode (SigV4: canonical query string). Working on
 * bytes keeps a `%E1` that is not valid UTF-8 intact instead of throwing; a `%` that does
 * not start an escape is taken literally.
 */
export function canonicalQueryComponent(raw: string): string {
  let i = firstToEncode(raw, false);
  if (i === raw.length) return raw;
  const out: string[] = [raw.slice(0, i)];
  const n = raw.length;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === PERCENT && i + 2 < n) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        const b = (hi << 4) | lo;
        out.push(b < 128 && UNRESERVED[b] === 1 ? String.fromCharCode(b) : PCT[b]!);
        i += 3;
        continue;
      }
    }
    if (c < 128) {
      out.push(UNRESERVED[c] === 1 ? raw[i]! : PCT[c]!);
      i++;
    } else {
      i += encodeNonAscii(raw, i, out);
    }
  }
  return out.join('');
}

/** `decodeURIComponent` that returns the input unchanged instead of throwing. */
export function safeDecode(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
