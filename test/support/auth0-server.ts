/**
 * A live Cognate server over TLS for the Auth0 e2e tests, plus a fetch that trusts the local CA
 * (NODE_EXTRA_CA_CERTS must be set before the process starts, so clients get this fetch), a tiny
 * cookie jar and helpers to create applications and read HTML forms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/app/server.js';
import { createLogger } from '../../src/app/logger.js';
import { loadServeConfig } from '../../src/config/load.js';
import { DEFAULT_DATABASE_CONNECTION } from '../../src/core/identity/connections.js';
import { buildApplication, newClientSecret, type NewApplication } from '../../src/core/oauth/applications.js';
import { KyselyApplicationRepository } from '../../src/storage/repositories/auth0-clients.js';
import { KyselyConnectionRepository } from '../../src/storage/repositories/auth0-connections.js';

export interface Auth0TestServer {
  server: RunningServer;
  url: string;
  /** `${url}/` — the issuer with its trailing slash */
  issuer: string;
  dataDir: string;
  fetch: typeof fetch;
  createApp(input: Partial<NewApplication> & { app_type: NewApplication['app_type'] }): Promise<{ clientId: string; clientSecret: string | null }>;
  /** POST /dbconnections/signup on the default database connection, as auth0.js does. */
  signUp(clientId: string, email: string, password: string): Promise<Response>;
  close(): Promise<void>;
}

/** fetch over node:https with an extra CA; never follows redirects (tests drive them). */
/** `localAddress`: the loopback address to connect from (127.0.0.2…), as another client IP. */
export function fetchWithCa(ca: string, options: { localAddress?: string } = {}): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const from = options.localAddress ? { localAddress: options.localAddress, family: 4 } : {};
      const r = request(req.url, { method: req.method, headers, ca, ...from }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
            else if (v !== undefined) out.set(k, String(v));
          }
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: out }));
        });
      });
      r.on('error', reject);
      r.end(body);
    });
  };
}

export async function startAuth0TestServer(): Promise<Auth0TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cognate-auth0-'));
  const config = loadServeConfig({ port: '0', data: dataDir, tls: 'auto' }, {});
  const server = await startServer({ config, logger: createLogger(process.env['COGNATE_TEST_LOG'] ?? 'silent'), env: {} });
  const ca = await readFile(join(dataDir, 'tls', 'ca.pem'), 'utf8');
  const f = fetchWithCa(ca);
  const { storage, master, clock } = server.context;
  const apps = new KyselyApplicationRepository(storage, master);
  const connections = new KyselyConnectionRepository(storage);
  return {
    server,
    url: server.url,
    issuer: `${server.url}/`,
    dataDir,
    fetch: f,
    async createApp(input) {
      const app = buildApplication({ name: `app-${randomBytes(3).toString('hex')}`, ...input }, clock.now());
      const secret = app.token_endpoint_auth_method === 'none' ? null : newClientSecret();
      await apps.insert(app, secret);
      const db = await connections.findByName(DEFAULT_DATABASE_CONNECTION);
      if (db) await connections.enableClient(db.id, app.client_id, clock.now());
      return { clientId: app.client_id, clientSecret: secret };
    },
    signUp: (clientId, email, password) =>
      f(`${server.url}/dbconnections/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: clientId, connection: DEFAULT_DATABASE_CONNECTION, email, password }),
      }),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Cookies by name (paths ignored: the tests talk to one host). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.#cookies.has(name);
  }
}

/** The first form of an HTML page: its action and its hidden inputs. */
export function readForm(html: string): { action: string; hidden: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const hidden: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[m[1] ?? ''] = m[2] ?? '';
  return { action: action.replace(/&amp;/g, '&'), hidden };
}
