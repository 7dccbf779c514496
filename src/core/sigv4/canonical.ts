import { canonicalQueryComponent, uriEncode } from './encode.js';
import type { SignedRequest } from './types.js';

/**
 * The canonical request (SigV4: "Create a canonical request"), rebuilt from the request
 * exactly as received:
 *
 *     METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
 *
 * where CanonicalHeaders already ends in `\n`, hence the blank line before SignedHeaders.
 */

/**
 * Path normalization for non-S3 services: drop empty and `.` segments, let `..` pop one,
 * keep the leading `/` and a trailing `/` (when any segment is left). Applied to the raw,
 * still-encoded path, so `%2E%2E` is an ordinary segment (aws-apis.md §6.2 step 2).
 */
export function normalizePath(rawPath: string): string {
  // Fast path: nothing to normalize unless there is an empty segment or one starting with '.'.
  if (rawPath.charCodeAt(0) === 0x2f && !rawPath.includes('//') && !rawPath.includes('/.')) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = rawPath.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return lead + segments.join('/') + trail;
}

/**
 * SigV4: canonical URI, non-S3 double encoding. The raw path is encoded again as it was
 * received — never percent-decoded first — so the SDK's `/identitypools/us-east-1%3Aabc`
 * becomes `/identitypools/us-east-1%253Aabc`. An empty path is `/`.
 */
export function canonicalUri(rawPath: string, normalize = true): string {
  if (rawPath === '' || rawPath === '/') return '/';
  const path = normalize ? normalizePath(rawPath) : rawPath;
  return path === '' ? '/' : uriEncode(path, true);
}

const SIGNATURE_PARAM = 'x-amz-signature';
const SECURITY_TOKEN_PARAM = 'x-amz-security-token';

const isParam = (encodedName: string, lowerName: string): boolean =>
  encodedName.length === lowerName.length && encodedName.toLowerCase() === lowerName;

interface Pair {
  name: string;
  value: string;
}

const byNameThenValue = (a: Pair, b: Pair): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;

/**
 * SigV4: canonical query string. Split on `&` and the first `=`, decode and re-encode
 * each name and value strictly, sort by name then value (byte order), write `name=value`
 * (`name=` when there is no value) joined by `&`. `X-Amz-Signature` is always left out;
 * `X-Amz-Security-Token` too when `omitSecurityToken` (a presigned URL to which the token
 * was added after signing, vector `post-sts-header-after`).
 */
export function canonicalQuery(rawQuery: string, omitSecurityToken = false): string {
  if (rawQuery === '') return '';
  const pairs: Pair[] = [];
  let start = 0;
  const n = rawQuery.length;
  while (start <= n) {
    let end = rawQuery.indexOf('&', start);
    if (end === -1) end = n;
    if (end > start) {
      const eq = rawQuery.indexOf('=', start);
      const hasValue = eq !== -1 && eq < end;
      const name = canonicalQueryComponent(rawQuery.slice(start, hasValue ? eq : end));
      if (!isParam(name, SIGNATURE_PARAM) && !(omitSecurityToken && isParam(name, SECURITY_TOKEN_PARAM))) {
        pairs.push({ name, value: hasValue ? canonicalQueryComponent(rawQuery.slice(eq + 1, end)) : '' });
      }
    }
    start = end + 1;
  }
  if (pairs.length > 1) pairs.sort(byNameThenValue);
  let out = '';
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    out += i === 0 ? `${p.name}=${p.value}` : `&${p.name}=${p.value}`;
  }
  return out;
}

/** Space, tab, LF, CR: what SDK v3 collapses (`[\r\n]` to space, then `[ \t]+`). */
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Trims and collapses each run of whitespace (including CR/LF of folded lines) to one
 * space (SigV4: canonical headers, "Trimall").
 */
export function trimAll(value: string): string {
  const n = value.length;
  let clean = n === 0 || (!isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(n - 1)));
  for (let i = 1; clean && i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20) clean = value.charCodeAt(i - 1) !== 0x20;
    else if (c === 0x09 || c === 0x0a || c === 0x0d) clean = false;
  }
  if (clean) return value;
  let out = '';
  let pendingSpace = false;
  let runStart = -1;
  for (let i = 0; i < n; i++) {
    if (isSpace(value.charCodeAt(i))) {
      if (runStart !== -1) {
        out += value.slice(runStart, i);
        runStart = -1;
        pendingSpace = true;
      }
      continue;
    }
    if (runStart === -1) {
      if (pendingSpace) out += ' ';
      pendingSpace = false;
      runStart = i;
    }
  }
  if (runStart !== -1) out += value.slice(runStart);
  return out;
}

/** One header's canonical value: repeated headers trimmed each and joined by `,` in order received. */
export function canonicalHeaderValue(value: string | readonly string[] | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return trimAll(value);
  if (value.length === 1) return trimAll(value[0]!);
  let out = '';
  for (let i = 0; i < value.length; i++) out += i === 0 ? trimAll(value[i]!) : `,${trimAll(value[i]!)}`;
  return out;
}

/** A header by its lower-case name; `host` falls back to HTTP/2's `:authority`. */
export function headerValue(headers: SignedRequest['headers'], name: string): string | string[] | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (v === undefined && name === 'host') return headers[':authority'];
  return v;
}

/**
 * SigV4: canonical headers — only the headers the client listed in SignedHeaders, in that
 * (sorted, lower-case) order, each as `name:value\n`. Never a fixed set (aws-apis.md §6.3).
 */
export function canonicalHeaders(headers: SignedRequest['headers'], signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) out += `${name}:${canonicalHeaderValue(headerValue(headers, name))}\n`;
  return out;
}

/** Inputs of {@link canonicalRequest} besides the request itself. */
export interface CanonicalRequestOptions {
  /** The SignedHeaders list, as sent. */
  signedHeaders: readonly string[];
  /** From {@link payloadHash}. */
  payloadHash: string;
  /** Default `true` (every service but S3). */
  normalizePath?: boolean;
  /** Leave `X-Amz-Security-Token` out of the canonical query (token added after presigning). */
  omitSecurityTokenParam?: boolean;
}

/** The six-line canonical request (SigV4: "Create a canonical request"). */
export function canonicalRequest(
  req: Pick<SignedRequest, 'method' | 'rawPath' | 'rawQuery' | 'headers'>,
  options: CanonicalRequestOptions,
): string {
  return (
    `${req.method}\n` +
    `${canonicalUri(req.rawPath, options.normalizePath ?? true)}\n` +
    `${canonicalQuery(req.rawQuery, options.omitSecurityTokenParam ?? false)}\n` +
    canonicalHeaders(req.headers, options.signedHeaders) +
    `\n${options.signedHeaders.join(';')}\n` +
    options.payloadHash
  );
}
