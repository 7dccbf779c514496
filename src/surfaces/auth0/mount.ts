import { IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { GRANT } from '../../core/oauth/applications.js';
import { rememberGrant, type LookedUpGrant } from './audience.js';
import { ensureManagementApi } from './bootstrap.js';
import { loadSigningJwks } from './keys.js';
import { buildProvider, type BuiltProvider } from './provider.js';
import type { Auth0Services } from './services.js';

const EXACT = new Set(['/oauth/token', '/oauth/revoke', '/oauth/par', '/userinfo', '/.well-known/openid-configuration', '/.well-known/jwks.json']);
const PREFIXES = ['/authorize', '/oidc/logout'];

/** Paths served by oidc-provider; nothing else (AWS `POST /`, `/identitypools*`, `/health`…) is ever captured. */
export function isProviderPath(path: string): boolean {
  return EXACT.has(path) || PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** How often a worker re-reads the key set for changes made elsewhere (another worker or node). */
export const KEY_SET_RECHECK_MS = 60_000;

/**
 * Builds oidc-provider on first use (the issuer is only final once the listener is bound) and
 * rebuilds it when the signing keys changed: at once after a rotation or revocation made in this
 * process ({@link Auth0Services.signingKeysChanged}), within KEY_SET_RECHECK_MS for changes made
 * by another worker or node.
 */
export class ProviderHolder {
  #built: Promise<BuiltProvider> | undefined;
  #checkedAt = 0;
  #stale = false;

  constructor(private readonly s: Auth0Services) {
    s.signingKeysChanged.subscribe(() => {
      this.#stale = true;
    });
  }

  async get(): Promise<Provider> {
    const now = this.s.ctx.clock.now();
    if (this.#built && (this.#stale || now - this.#checkedAt > KEY_SET_RECHECK_MS)) {
      this.#stale = false;
      this.#checkedAt = now;
      const current = await this.#built;
      const { fingerprint } = await loadSigningJwks(this.s);
      if (fingerprint !== current.keysFingerprint) {
        // A failed rebuild keeps the provider that works; the next re-check tries again.
        this.#built = buildProvider(this.s).catch((e: unknown) => {
          this.s.ctx.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'auth0 provider rebuild failed');
          return current;
        });
      }
    }
    if (!this.#built) {
      this.#checkedAt = now;
      this.#built = ensureManagementApi(this.s).then(() => buildProvider(this.s));
      this.#built.catch(() => (this.#built = undefined));
    }
    return (await this.#built).provider;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
const handlers = new WeakMap<Provider, Handler>();

/** Koa's `callback()` composes the middleware stack on every call: once per provider is enough. */
function handlerOf(provider: Provider): Handler {
  let handler = handlers.get(provider);
  if (!handler) handlers.set(provider, (handler = provider.callback() as Handler));
  return handler;
}

/**
 * Hands oidc-provider's routes the raw Node request before fastify reads the body (oidc-provider
 * is a Koa app that parses its own bodies). Token and revocation bodies are normalised first.
 */
export function mountProvider(app: FastifyInstance, s: Auth0Services, holder: ProviderHolder): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (!isProviderPath(path)) return;
    reply.hijack();
    try {
      const provider = await holder.get();
      if (path === '/authorize') req.raw.url = withOfflineConsent(req.raw.url ?? path);
      const raw = req.method === 'POST' && (path === '/oauth/token' || path === '/oauth/revoke') ? await normaliseTokenRequest(req.raw, s) : req.raw;
      await handlerOf(provider)(raw, reply.raw);
    } catch (e) {
      s.ctx.logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'auth0 provider error');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ error: 'server_error', error_description: 'Internal error' }));
      }
    }
  });
}

/**
 * OIDC Core §11 lets a provider ignore `offline_access` without `prompt=consent`, and
 * oidc-provider does; Auth0 issues refresh tokens without it (§2.3). So the prompt is added
 * (consent is then granted without a page for first-party apps, interactions.ts). With
 * `prompt=none` it cannot be: silent authentication returns no refresh token.
 */
export function withOfflineConsent(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const scope = (params.get('scope') ?? '').split(' ');
  const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (!scope.includes('offline_access') || prompt.includes('consent') || prompt.includes('none')) return url;
  params.set('prompt', [...prompt, 'consent'].join(' '));
  return `${url.slice(0, q)}?${params.toString()}`;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request entity too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const formDecode = (v: string): string => decodeURIComponent(v.replace(/\+/g, '%20'));

/**
 * §1.1 / §10.6: accept JSON as well as form bodies, and HTTP Basic credentials whose halves are
 * form-url-encoded (openid-client) — both become client_secret_post form parameters, so every
 * confidential client accepts either method. Client credentials without `scope` get the client
 * grant's scopes (Auth0 issues everything granted).
 */
async function normaliseTokenRequest(req: IncomingMessage, s: Auth0Services): Promise<IncomingMessage> {
  const body = await readBody(req, s.ctx.config.bodyLimit);
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
  // oidc-provider keeps only each grant's own parameters: client_credentials takes RFC 8707 `resource`.
  if (params.get('grant_type') === GRANT.clientCredentials && params.get('audience') && !params.get('resource')) params.set('resource', params.get('audience') ?? '');
  let grant: LookedUpGrant | undefined;
  if (params.get('grant_type') === GRANT.clientCredentials && !params.get('scope')) {
    const audience = params.get('audience') ?? (await s.tenant.get()).default_audience;
    const clientId = params.get('client_id');
    grant = audience && clientId ? { clientId, audience, found: await s.apis.findGrant(clientId, audience) } : undefined;
    if (grant?.found?.scope.length) params.set('scope', grant.found.scope.join(' '));
  }
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
  if (grant) rememberGrant(copy, grant); // read again by getResourceServerInfo for this request (audience.ts)
  return copy;
}
