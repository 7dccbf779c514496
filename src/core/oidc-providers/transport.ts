/**
 * Fetching an IdP's discovery document and JWKS over a channel we can trust.
 *
 * An https endpoint is trusted when (1) its chain validates against the system store (node's
 * bundled roots plus NODE_EXTRA_CA_CERTS) and the certificate matches the host name, as since
 * AWS's 2023 change; or else (2) the last certificate it presents has one of the provider's
 * SHA-1 thumbprints and every link below that certificate is signed by the next one
 * (`tls/pinning.ts`). Plain http is allowed only to loopback hosts, for development IdPs.
 *
 * Host names and pinning: AWS does not compare the host name when trusting by thumbprint.
 * Cognate does, by default, because legacy thumbprints are usually those of a public intermediate
 * CA; without a host-name check such a pin accepts any certificate that CA ever issued to anyone.
 * `checkHostnameWhenPinned: false` restores AWS's behaviour.
 *
 * Trust is decided from the TLS socket before the body is read; an untrusted response is aborted.
 * Each request uses its own connection (`agent: false`), so no TLS session is resumed (node skips
 * the host-name check on resumed sessions). Redirects are not followed.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { checkPinnedChain } from '../tls/pinning.js';
import { isolatedTrustAnchor, presentedChain } from '../tls/presented-chain.js';
import { isLoopbackHost } from './issuer.js';

/** How far an IdP endpoint is trusted and how much of it we read. */
export interface TransportPolicy {
  /** SHA-1 thumbprints (hex, any case) of the provider; may be empty. */
  thumbprints: readonly string[];
  /** Compare the host name with the certificate also when trusting by thumbprint. Default true. */
  checkHostnameWhenPinned?: boolean;
  /** Time limit for one request (connect, TLS, headers and body), ms. Default 5000. */
  timeoutMs?: number;
  /** Largest accepted response body, bytes. Default 512 KiB. */
  maxBytes?: number;
}

/**
 * `untrusted`: the TLS peer is not trusted (or plain http to a non-loopback host);
 * `unreachable`: network error, timeout, HTTP 5xx or 429; `invalid`: an unusable answer.
 */
export type TransportFailure = 'untrusted' | 'unreachable' | 'invalid';

/** A failed fetch from an IdP endpoint. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportFailure,
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** How a response came to be trusted. */
export type TrustBasis = 'system' | 'thumbprint' | 'loopback';

/** A JSON response body together with what the cache needs from its headers. */
export interface JsonResponse {
  body: unknown;
  cacheControl: string | undefined;
  trust: TrustBasis;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 512 * 1024;

type Mode = { basis: 'loopback' } | { basis: 'system' } | { basis: 'thumbprint'; anchor: string };
type Attempt = { ok: true; body: Buffer; cacheControl: string | undefined } | { ok: false; untrusted: string };

/**
 * GETs `url` and parses its JSON body, trusting the peer as described in the module comment.
 * Throws {@link TransportError}.
 */
export async function getJson(url: URL, policy: TransportPolicy): Promise<JsonResponse> {
  const href = url.href;
  let result: Attempt;
  let trust: TrustBasis;
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new TransportError('untrusted', href, 'plain http is allowed only for loopback hosts');
    }
    trust = 'loopback';
    result = await attempt(url, { basis: 'loopback' }, policy);
  } else if (url.protocol === 'https:') {
    trust = 'system';
    result = await attempt(url, { basis: 'system' }, policy);
    if (!result.ok && policy.thumbprints.length > 0) {
      const system = result.untrusted;
      trust = 'thumbprint';
      result = await attempt(url, { basis: 'thumbprint', anchor: await isolatedTrustAnchor() }, policy);
      if (!result.ok) result = { ok: false, untrusted: `${system}; ${result.untrusted}` };
    }
  } else {
    throw new TransportError('untrusted', href, `unsupported scheme ${url.protocol}`);
  }
  if (!result.ok) throw new TransportError('untrusted', href, result.untrusted);
  try {
    return { body: JSON.parse(result.body.toString('utf8')) as unknown, cacheControl: result.cacheControl, trust };
  } catch (e) {
    throw new TransportError('invalid', href, 'the response is not JSON', { cause: e });
  }
}

const requestOptions = (url: URL, mode: Mode): RequestOptions => {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const base: RequestOptions = {
    method: 'GET',
    host,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    agent: false,
    headers: { accept: 'application/json', 'user-agent': 'Cognate' },
  };
  if (mode.basis === 'loopback') return base;
  const servername = isIP(host) === 0 ? host : undefined; // RFC 6066 §3: no IP literals in SNI
  const tls = { ...base, servername, rejectUnauthorized: false };
  if (mode.basis === 'system') return tls;
  // Pinned: a store that holds only an unrelated anchor keeps node from appending roots to the
  // presented chain; the host name is checked by checkPinnedChain (or, by choice, not at all).
  return { ...tls, ca: [mode.anchor], checkServerIdentity: () => undefined };
};

/** Why the peer of a response is not trusted in `mode`, or undefined when it is. */
const distrust = (res: IncomingMessage, url: URL, mode: Mode, policy: TransportPolicy): string | undefined => {
  if (mode.basis === 'loopback') return undefined;
  const socket = res.socket as TLSSocket;
  if (mode.basis === 'system') {
    if (socket.authorized) return undefined;
    return `certificate not trusted by the system store (${String(socket.authorizationError)})`;
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const check = checkPinnedChain(presentedChain(socket), policy.thumbprints, {
    now: Date.now(),
    ...(policy.checkHostnameWhenPinned === false ? {} : { hostname }),
  });
  return check.ok ? undefined : `certificate not pinned (${check.reason})`;
};

function attempt(url: URL, mode: Mode, policy: TransportPolicy): Promise<Attempt> {
  const href = url.href;
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<Attempt>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: Attempt | TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof TransportError || !outcome.ok) req.destroy(); // abort before reading on
      if (outcome instanceof TransportError) reject(outcome);
      else resolve(outcome);
    };
    const send = mode.basis === 'loopback' ? httpRequest : httpsRequest;
    const req = send(requestOptions(url, mode), (res) => {
      const untrusted = distrust(res, url, mode, policy);
      if (untrusted !== undefined) return settle({ ok: false, untrusted });
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const kind = status >= 500 || status === 429 ? 'unreachable' : 'invalid';
        return settle(new TransportError(kind, href, `HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      const tooLarge = (): void =>
        settle(new TransportError('invalid', href, `response larger than ${maxBytes} bytes`));
      if (declared > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const cacheControl = res.headers['cache-control'];
        settle({ ok: true, body: Buffer.concat(chunks), cacheControl });
      });
      res.on('error', (e) => settle(new TransportError('unreachable', href, e.message, { cause: e })));
    });
    const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(
      () => settle(new TransportError('unreachable', href, `no complete response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (e) => settle(new TransportError('unreachable', href, e.message, { cause: e })));
    req.end();
  });
}
