import { AppError } from '../errors.js';
import { amzDateFromHttpDate, MAX_PRESIGN_EXPIRES_SECONDS, parseAmzDate } from './amz-date.js';
import { safeDecode } from './encode.js';
import { incompleteSignature, SigV4Messages } from './messages.js';
import { ALGORITHM, TERMINATOR } from './signing-key.js';
import type { SignedRequest } from './types.js';

/** The four parts of a credential scope, plus the access key id. */
export interface CredentialScope {
  accessKeyId: string;
  /** `yyyymmdd` */
  date: string;
  region: string;
  service: string;
}

/** A parsed `Credential=` value. */
export interface ParsedCredential extends CredentialScope {
  /** `<date>/<region>/<service>/aws4_request`, as it goes into the string to sign. */
  scope: string;
}

/** The fields of an `Authorization: AWS4-HMAC-SHA256 …` header; absent ones undefined. */
export interface AuthorizationFields {
  algorithm: string;
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

/** Everything the verifier needs from the request's SigV4 material. */
export interface SigV4Auth {
  /** `header`: Authorization header; `query`: presigned URL. */
  form: 'header' | 'query';
  credential: ParsedCredential;
  signedHeaders: string[];
  signature: string;
  /** Request time, `yyyyMMddTHHmmssZ`, as it goes into the string to sign. */
  amzDate: string;
  /** The same, ms since the epoch. */
  dateMs: number;
  /** X-Amz-Expires (query form only). */
  expiresSeconds?: number;
  sessionToken?: string;
  /** The session token came as the X-Amz-Security-Token query parameter. */
  tokenInQuery: boolean;
}

type Headers = SignedRequest['headers'];

/** A header's single value (the first one when repeated). */
export const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

const isSeparator = (c: number): boolean => c === 0x2c || c === 0x20 || c === 0x09;

/**
 * Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` leniently: the
 * fields may come in any order, separated by commas and/or spaces (aws-apis.md §6.1).
 * A token without `=` is an IncompleteSignature, as AWS reports it. Any other scheme
 * (`Bearer`, SigV2's `AWS`) yields no fields, so the caller reports them all missing.
 */
export function parseAuthorizationHeader(value: string): AuthorizationFields {
  const n = value.length;
  let i = 0;
  while (i < n && isSeparator(value.charCodeAt(i))) i++;
  const algStart = i;
  while (i < n && !isSeparator(value.charCodeAt(i))) i++;
  const fields: AuthorizationFields = { algorithm: value.slice(algStart, i) };
  if (fields.algorithm !== ALGORITHM) return fields;
  while (i < n) {
    while (i < n && isSeparator(value.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isSeparator(value.charCodeAt(i))) i++;
    const token = value.slice(start, i);
    const eq = token.indexOf('=');
    if (eq === -1) throw incompleteSignature(SigV4Messages.missingEqualSign(token, value));
    const v = token.slice(eq + 1);
    if (v === '') continue;
    switch (token.slice(0, eq)) {
      case 'Credential':
        fields.credential ??= v;
        break;
      case 'SignedHeaders':
        fields.signedHeaders ??= v;
        break;
      case 'Signature':
        fields.signature ??= v;
        break;
      default:
        break;
    }
  }
  return fields;
}

/** Parses `<AKID>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export function parseCredential(value: string): ParsedCredential {
  const parts = value.split('/');
  if (parts.length !== 5) throw incompleteSignature(SigV4Messages.credentialElements(value));
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== TERMINATOR) throw incompleteSignature(SigV4Messages.credentialTerminator(terminator));
  return { accessKeyId, date, region, service, scope: value.slice(accessKeyId.length + 1) };
}

const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
] as const;
type PresignParam = (typeof PRESIGN_PARAMS)[number];

/** The decoded `X-Amz-*` parameters of a presigned URL (the first of each). */
export function presignParams(rawQuery: string): Partial<Record<PresignParam, string>> {
  const found: Partial<Record<PresignParam, string>> = {};
  if (!rawQuery.includes('X-Amz-')) return found;
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq)) as PresignParam;
    if (PRESIGN_PARAMS.includes(name) && found[name] === undefined) {
      found[name] = eq === -1 ? '' : safeDecode(pair.slice(eq + 1));
    }
  }
  return found;
}

const hasPresignMarker = (rawQuery: string): boolean => {
  if (!rawQuery.includes('X-Amz-')) return false;
  const p = presignParams(rawQuery);
  return p['X-Amz-Algorithm'] !== undefined || p['X-Amz-Credential'] !== undefined;
};

/**
 * True when the request carries any SigV4 material: `Authorization: AWS4-HMAC-SHA256 …`
 * or an `X-Amz-Algorithm` / `X-Amz-Credential` query parameter.
 */
export function hasSigV4(req: Pick<SignedRequest, 'headers' | 'rawQuery'>): boolean {
  const authorization = single(req.headers.authorization);
  if (authorization !== undefined && authorization.trimStart().startsWith(ALGORITHM)) return true;
  return hasPresignMarker(req.rawQuery);
}

/**
 * Parses just the credential scope, without any crypto or validation beyond its shape, so
 * a router can tell the service (e.g. `iam` vs `sts`) before verifying. `undefined` when
 * the request has no parseable credential.
 */
export function credentialScope(
  req: Pick<SignedRequest, 'headers' | 'rawQuery'>,
): { accessKeyId: string; date: string; region: string; service: string } | undefined {
  try {
    const authorization = single(req.headers.authorization);
    const raw =
      authorization !== undefined
        ? parseAuthorizationHeader(authorization).credential
        : presignParams(req.rawQuery)['X-Amz-Credential'];
    if (raw === undefined) return undefined;
    const { accessKeyId, date, region, service } = parseCredential(raw);
    return { accessKeyId, date, region, service };
  } catch {
    return undefined;
  }
}

/** SignedHeaders as a list; `host` (or HTTP/2's `:authority`) must be among them. */
const signedHeaderList = (value: string): string[] => {
  const list = value.split(';');
  if (!list.includes('host') && !list.includes(':authority')) throw incompleteSignature(SigV4Messages.hostNotSigned);
  return list;
};

const requireAmzDate = (value: string): number => {
  const ms = parseAmzDate(value);
  if (ms === undefined) throw incompleteSignature(SigV4Messages.dateFormat(value));
  return ms;
};

/** The header form (SigV4: Authorization header). */
function fromHeader(authorization: string, headers: Headers): SigV4Auth {
  const fields = parseAuthorizationHeader(authorization);
  const xAmzDate = single(headers['x-amz-date']);
  const httpDate = xAmzDate === undefined ? single(headers.date) : undefined;
  const missing: string[] = [];
  if (fields.credential === undefined) missing.push(SigV4Messages.requiresParameter('Credential'));
  if (fields.signature === undefined) missing.push(SigV4Messages.requiresParameter('Signature'));
  if (fields.signedHeaders === undefined) missing.push(SigV4Messages.requiresParameter('SignedHeaders'));
  if (xAmzDate === undefined && httpDate === undefined) missing.push(SigV4Messages.requiresDate);
  if (missing.length > 0) throw incompleteSignature(`${missing.join(' ')} Authorization=${authorization}`);
  const credential = parseCredential(fields.credential!);
  const signedHeaders = signedHeaderList(fields.signedHeaders!);
  // x-amz-date wins over Date (SigV4: handling dates).
  let amzDate: string;
  if (xAmzDate !== undefined) {
    amzDate = xAmzDate;
  } else {
    const fromHttp = amzDateFromHttpDate(httpDate!);
    if (fromHttp === undefined) throw incompleteSignature(SigV4Messages.dateFormat(httpDate!));
    amzDate = fromHttp;
  }
  const dateMs = requireAmzDate(amzDate);
  const token = single(headers['x-amz-security-token']);
  return {
    form: 'header',
    credential,
    signedHeaders,
    signature: fields.signature!,
    amzDate,
    dateMs,
    ...(token === undefined ? {} : { sessionToken: token }),
    tokenInQuery: false,
  };
}

/** Parses X-Amz-Expires: whole seconds, 0 to 7 days. */
function parseExpires(value: string): number {
  const negative = value.startsWith('-');
  const digits = negative ? value.slice(1) : value;
  if (digits === '' || digits.length > 12 || ![...digits].every((ch) => ch >= '0' && ch <= '9')) {
    throw incompleteSignature(SigV4Messages.expiresNotNumber);
  }
  if (negative) throw incompleteSignature(SigV4Messages.expiresNegative);
  const seconds = Number(digits);
  if (seconds > MAX_PRESIGN_EXPIRES_SECONDS) throw incompleteSignature(SigV4Messages.expiresTooLarge);
  return seconds;
}

/** The query form (SigV4: presigned URL). */
function fromQuery(rawQuery: string, headers: Headers): SigV4Auth {
  const p = presignParams(rawQuery);
  const algorithm = p['X-Amz-Algorithm'];
  if (algorithm !== undefined && algorithm !== ALGORITHM) throw incompleteSignature(SigV4Messages.queryAlgorithm);
  const credentialRaw = p['X-Amz-Credential'];
  const amzDate = p['X-Amz-Date'];
  const expires = p['X-Amz-Expires'];
  const signedHeaders = p['X-Amz-SignedHeaders'];
  const sig = p['X-Amz-Signature'];
  if (
    algorithm === undefined ||
    !credentialRaw ||
    !amzDate ||
    expires === undefined ||
    !signedHeaders ||
    !sig
  ) {
    throw incompleteSignature(SigV4Messages.queryParametersRequired);
  }
  const credential = parseCredential(credentialRaw);
  const dateMs = requireAmzDate(amzDate);
  const expiresSeconds = parseExpires(expires);
  const queryToken = p['X-Amz-Security-Token'];
  const token = queryToken ?? single(headers['x-amz-security-token']);
  return {
    form: 'query',
    credential,
    signedHeaders: signedHeaderList(signedHeaders),
    signature: sig,
    amzDate,
    dateMs,
    expiresSeconds,
    ...(token === undefined ? {} : { sessionToken: token }),
    tokenInQuery: queryToken !== undefined,
  };
}

/**
 * Extracts and shape-checks the request's SigV4 material. Throws
 * `MissingAuthenticationToken` when there is none and `IncompleteSignature` when it is
 * malformed, with AWS's descriptions of what is missing.
 */
export function extractAuth(req: Pick<SignedRequest, 'headers' | 'rawQuery'>): SigV4Auth {
  const authorization = single(req.headers.authorization);
  const presigned = hasPresignMarker(req.rawQuery);
  if (authorization !== undefined) {
    if (presigned) throw incompleteSignature(SigV4Messages.oneAuthMechanism);
    return fromHeader(authorization, req.headers);
  }
  if (presigned) return fromQuery(req.rawQuery, req.headers);
  throw new AppError('MissingAuthenticationToken', SigV4Messages.missingToken);
}
