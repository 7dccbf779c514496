/**
 * Serves the sync client browser app (sync-app/app.ts, bundled at start-up with esbuild) over
 * plain HTTP on loopback. One server answers as two origins, `http://127.0.0.1:<port>` and
 * `http://localhost:<port>`: two devices in one browser with separate IndexedDB and localStorage,
 * both cross-origin to the Cognate server, so every AWS call goes through CORS. Both are secure
 * contexts (loopback), as WebCrypto in the SDK requires.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { bundleForBrowser } from './bundle.js';
import type { SyncAppApi } from './sync-app/app.js';

const ENTRY = fileURLToPath(new URL('./sync-app/app.ts', import.meta.url));

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sync client test app</title></head>
<body>
<h1>Sync client test app</h1>
<script src="/app.js"></script>
</body>
</html>
`;

export interface SyncApp {
  /** Two origins of the same app: separate browser storage, one server. */
  origins: [string, string];
  /** Size of the bundle served as /app.js, in bytes. */
  bundleBytes: number;
  close(): Promise<void>;
}

export async function startSyncApp(): Promise<SyncApp> {
  const dir = await mkdtemp(join(tmpdir(), 'cognate-sync-app-'));
  let server: Server | undefined;
  try {
    const bundle = await bundleForBrowser(ENTRY, dir, 'app');
    const script = await readFile(bundle.file, 'utf8');
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?', 1)[0];
      const send = (type: string, body: string): void => {
        res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (path === '/') return send('text/html', PAGE);
      if (path === '/app.js') return send('text/javascript', script);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = listening.address() as AddressInfo;
    return {
      origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
      bundleBytes: bundle.size,
      close: async () => {
        await new Promise<void>((resolve) => {
          listening.closeAllConnections();
          listening.close(() => resolve());
        });
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    server?.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

type Result<K extends keyof SyncAppApi> = Awaited<ReturnType<SyncAppApi[K]>>;

/**
 * Calls `window.syncApp[method](...args)` in the page. Arguments and results cross as JSON; the
 * call is sent as an expression, so no test-side function source is shipped into the page.
 */
export function syncAppCaller(page: Page) {
  return async <K extends keyof SyncAppApi>(method: K, ...args: Parameters<SyncAppApi[K]>): Promise<Result<K>> => {
    const list = args.map((a) => JSON.stringify(a)).join(', ');
    return (await page.evaluate(`window.syncApp[${JSON.stringify(method)}](${list})`)) as Result<K>;
  };
}

/** Loads the app at `origin` and waits for its script. */
export async function openSyncApp(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForFunction('typeof window.syncApp === "object"');
}
