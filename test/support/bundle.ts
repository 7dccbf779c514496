/**
 * Browser bundles for e2e tests, built at test time with esbuild (installed with tsx and vitest;
 * not a dependency of its own). The `browser` fields of package.json are honoured, so the AWS SDK
 * v3 packages resolve to their browser runtime (fetch, WebCrypto, IndexedDB caches) exactly as an
 * app's bundler would pick them.
 */
import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * Packages whose `browser` field esbuild does not apply. @aws-sdk/credential-providers maps
 * `./dist-es/index` to `./dist-es/index.browser`; webpack and Rollup match that key against the
 * `module` entry `./dist-es/index.js`, esbuild does not (it never strips the extension), and the
 * Node index drags in node:fs, node:child_process and IMDS. Pointing at the browser index is what
 * an esbuild user of the SDK has to do as well.
 */
const BROWSER_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-providers': '@aws-sdk/credential-providers/dist-es/index.browser.js',
};

export interface BrowserBundle {
  /** Absolute path of the written bundle. */
  file: string;
  /** Bytes written. */
  size: number;
}

/**
 * Bundles a TypeScript entry (and everything it imports, node_modules included) into one
 * self-executing script `<outdir>/<name>.js` for a `<script>` tag. Fails on any unresolved import,
 * which in a browser bundle means a Node-only module leaked in.
 */
export async function bundleForBrowser(entry: string, outdir: string, name = 'bundle'): Promise<BrowserBundle> {
  const file = join(outdir, `${name}.js`);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    alias: BROWSER_ALIASES,
    sourcemap: 'inline',
    logLevel: 'silent',
    metafile: true,
  });
  const out = Object.values(result.metafile.outputs)[0];
  return { file, size: out?.bytes ?? 0 };
}
