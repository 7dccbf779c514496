/**
 * A tiny single-page app for browser tests, served over https from another origin than the IdP
 * (127.0.0.1 instead of localhost: another site, so the IdP's cookies are third-party in the
 * silent-auth iframe). It loads the @auth0/auth0-spa-js UMD bundle and spa-app/app.js.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../../node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js', import.meta.url));
const APP = fileURLToPath(new URL('./spa-app/app.js', import.meta.url));

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>SPA test app</title></head>
<body>
<h1>SPA test app</h1>
<script src="/auth0-spa-js.production.js"></script>
<script src="/app.js"></script>
</body>
</html>
`;

export interface SpaApp {
  /** `https://127.0.0.1:<port>`: register it in callbacks (`/callback`), web_origins and allowed_logout_urls (`/`). */
  origin: string;
  close(): Promise<void>;
}

export interface SpaAppOptions {
  /** TLS key and certificate chain (the local CA's server certificate covers 127.0.0.1). */
  tls: { keyPem: string; certChainPem: string };
  /** The SDK's `domain` (host:port of the IdP). */
  domain: string;
  /** Filled in once the app's origin is known (the app must be registered with it). */
  clientId: () => string;
}

export async function startSpaApp(options: SpaAppOptions): Promise<SpaApp> {
  const [bundle, app] = await Promise.all([readFile(BUNDLE, 'utf8'), readFile(APP, 'utf8')]);
  let origin = '';
  const server: Server = createServer({ key: options.tls.keyPem, cert: options.tls.certChainPem }, (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const send = (type: string, body: string): void => {
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/callback') return send('text/html', PAGE);
    if (path === '/auth0-spa-js.production.js') return send('text/javascript', bundle);
    if (path === '/app.js') {
      const config = { domain: options.domain, clientId: options.clientId(), origin };
      return send('text/javascript', `window.APP_CONFIG = ${JSON.stringify(config)};\n${app}`);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
