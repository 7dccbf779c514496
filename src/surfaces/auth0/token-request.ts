import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';

/**
 * A token or revocation request body as the form parameters oidc-provider reads (auth0-api.md
 * §1.1, §10.6): JSON bodies become form parameters, and HTTP Basic credentials whose halves are
 * form-url-encoded (openid-client) become client_secret_post parameters — so every confidential
 * client accepts either method, as on Auth0. `headers` are the request's, minus a consumed
 * Basic `authorization`.
 */
export interface TokenRequest {
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** A token request body grew past the server's body limit while being read. */
export class BodyTooLarge extends Error {
  constructor() {
    super('request entity too large');
  }
}

/** Who sent a token request, for the grants Cognate answers itself. */
export interface Caller {
  ip: string;
  userAgent: string | undefined;
  /** The browser origin, if any: a grant answers it only when the client allows it (else oidc-provider's client-based CORS does). */
  origin: string | undefined;
}

const formDecode = (v: string): string => decodeURIComponent(v.replace(/\+/g, '%20'));

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

export async function readTokenRequest(req: IncomingMessage, bodyLimit: number): Promise<TokenRequest> {
  const body = await readBody(req, bodyLimit);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const params = new URLSearchParams();
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) {
        if (v === null || v === undefined) continue;
        params.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
      }
    }
  } else {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.append(k, v);
  }
  const headers = { ...req.headers };
  const auth = headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        params.set('client_id', formDecode(decoded.slice(0, colon)));
        params.set('client_secret', formDecode(decoded.slice(colon + 1)));
        delete headers.authorization;
      } catch {
        // malformed percent-encoding: leave the header for oidc-provider to reject
      }
    }
  }
  return { params, headers };
}

/** True when no parameter is given twice (oidc-provider refuses those: they go to it for its error). */
export function singleValued(params: URLSearchParams): boolean {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** A stand-in for `req` carrying the normalised form body, for oidc-provider to read. */
export function asFormRequest(req: IncomingMessage, { params, headers }: TokenRequest): IncomingMessage {
  const out = Buffer.from(params.toString(), 'utf8');
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method ?? 'POST';
  copy.url = req.url ?? '/';
  copy.httpVersion = req.httpVersion;
  copy.headers = { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(out.length) };
  copy.push(out);
  copy.push(null);
  // Without `complete`, IncomingMessage#_destroy treats the end as an abort and kills the socket.
  copy.complete = true;
  return copy;
}

/**
 * An Accept under which oidc-provider might answer an error with an HTML page (its error handler
 * renders one when Koa's `ctx.accepts('json', 'html')` prefers html). Conservative: any mention
 * of html or text/*, or any weighting (q=), is left to it; otherwise JSON wins the negotiation.
 */
const MAY_PREFER_HTML = /html|text\/\*|q=/i;

/**
 * A token request in the plain form the native grants (grants/*.ts) answer: no client assertion,
 * attestation or remaining Authorization header (Basic was moved into the body above), no DPoP,
 * an Accept that gets JSON. Anything else is oidc-provider's to answer.
 */
export function isPlainTokenRequest({ params, headers }: TokenRequest): boolean {
  return (
    !params.has('client_assertion') &&
    !params.has('client_assertion_type') &&
    headers.authorization === undefined &&
    headers['dpop'] === undefined &&
    headers['oauth-client-attestation'] === undefined &&
    headers['oauth-client-attestation-pop'] === undefined &&
    (headers.accept === undefined || !MAY_PREFER_HTML.test(headers.accept))
  );
}
