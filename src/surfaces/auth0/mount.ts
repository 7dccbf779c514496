import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { ensureManagementApi } from './bootstrap.js';
import { auth0PathErrors, clientIp } from './http.js';
import { loadSigningJwks } from './keys.js';
import { answerOwnRequests } from './own-requests.js';
import { buildProvider, type BuiltProvider } from './provider.js';
import type { Auth0Services } from './services.js';
import { BodyTooLarge } from './token-request.js';

const EXACT_PATHS = ['/oauth/token', '/oauth/revoke', '/oauth/par', '/userinfo', '/.well-known/openid-configuration', '/.well-known/jwks.json'];
const EXACT = new Set(EXACT_PATHS);
const PREFIXES = ['/authorize', '/oidc/logout'];

/**
 * The fastify route patterns covering every path {@link isProviderPath} accepts (and their
 * sub-paths, which oidc-provider answers 404), so the Auth0 scope's hooks run for them (routes.ts).
 */
export const PROVIDER_ROUTES: readonly string[] = [...EXACT_PATHS, ...PREFIXES].flatMap((p) => [p, `${p}/*`]);

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
    return (await this.built()).provider;
  }

  /** The provider, for a request about to reach it: the issuer's origin and the client's address are imposed first (see imposeIssuerOrigin). */
  async forRequest(req: IncomingMessage, clientIp: string): Promise<Provider> {
    imposeIssuerOrigin(req, this.s.issuer(), clientIp);
    return this.get();
  }

  /** The provider with what it was built from (its signer). */
  async built(): Promise<BuiltProvider> {
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
    return this.#built;
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
 * is a Koa app that parses its own bodies) — unless Cognate answers it itself (own-requests.ts).
 */
export function mountProvider(app: FastifyInstance, s: Auth0Services, holder: ProviderHolder): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (!isProviderPath(path)) return;
    reply.hijack();
    try {
      const built = await holder.built();
      const ip = clientIp(req);
      imposeIssuerOrigin(req.raw, s.issuer(), ip);
      if (path === '/authorize') req.raw.url = withOfflineConsent(req.raw.url ?? path);
      const own = await answerOwnRequests(s, built, req.raw, path, ip);
      if ('answer' in own) return sendJson(reply.raw, own.answer.status, own.answer.body, own.answer.headers);
      await handlerOf(built.provider)(own.forward, reply.raw);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        // A body without Content-Length (chunked) that grew past the limit; an announced one never gets here (routes.ts).
        const res = auth0PathErrors.render('too_large', req);
        reply.raw.writeHead(res.status, { ...res.headers, connection: 'close' });
        return void reply.raw.end(res.body);
      }
      s.ctx.logger.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'auth0 provider error');
      if (!reply.raw.headersSent) sendJson(reply.raw, 500, { error: 'server_error', error_description: 'Internal error' });
    }
  });
}

/** A JSON answer of the token endpoint family: never cached (RFC 6749 §5.1). */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let issuerOrigin: { issuer: string; host: string; proto: string } | undefined;

/**
 * oidc-provider (Koa) derives every URL it prints — discovery endpoints, redirects to the login
 * page, logout forms — from the request's protocol and host, so a server reached by another name
 * (`localhost` for an issuer of `127.0.0.1`, an internal service name, plain http behind a TLS
 * proxy) would advertise that name. Auth0's URLs are always the tenant domain's: the issuer's
 * host and protocol are imposed as the forwarded ones (provider.proxy is on), overwriting whatever
 * the client sent, and X-Forwarded-For is set to the client's address as fastify resolved it (the
 * peer's, or what a trusted proxy's X-Forwarded-For names: `--trust-proxy`) so that Koa's
 * `ctx.ip` is that one (brute-force protection and logs must not trust a client-sent header).
 */
function imposeIssuerOrigin(req: IncomingMessage, issuer: string, clientIp: string): void {
  if (issuerOrigin?.issuer !== issuer) {
    const url = new URL(issuer);
    issuerOrigin = { issuer, host: url.host, proto: url.protocol.slice(0, -1) };
  }
  req.headers['x-forwarded-host'] = issuerOrigin.host;
  req.headers['x-forwarded-proto'] = issuerOrigin.proto;
  req.headers['x-forwarded-for'] = clientIp;
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
