/**
 * Headless Chromium for browser e2e tests: Debian's `chromium` (or CHROMIUM_PATH) driven by
 * playwright-core, never a downloaded browser. A missing browser fails the test run with
 * instructions; it is never skipped.
 *
 * TLS trust: Chromium on Linux reads trust anchors from an NSS database, which cannot be written
 * without NSS's certutil. Instead the local server certificate's public key is pinned with
 * `--ignore-certificate-errors-spki-list`, which Chromium honours only with a user-data-dir (a
 * fresh one per launch): certificate errors are ignored for that one key and nothing else, so the
 * IdP origin is still a normal secure context and other hosts keep full verification.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable: CHROMIUM_PATH, else Debian's /usr/bin/chromium; throws when neither exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidate = env['CHROMIUM_PATH'] || DEFAULT_CHROMIUM;
  if (!existsSync(candidate)) {
    throw new Error("Chromium not found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH");
  }
  return candidate;
}

/** base64(SHA-256(SubjectPublicKeyInfo DER)) of the first certificate in a PEM: Chromium's SPKI pin format. */
export function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** PEM certificates (server leaf first) whose keys are accepted although no system CA vouches for them. */
  trustServerCerts?: string[];
  /**
   * Chromium builds may block third-party cookies by default; Google Chrome's default (and most
   * users') is to allow them, which iframe silent authentication needs. Written to the profile.
   */
  allowThirdPartyCookies?: boolean;
}

/**
 * Launches headless Chromium with a fresh profile. A persistent context is a regular (not
 * off-the-record) profile, so cross-site cookies behave as in a user's browser.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<TestBrowser> {
  const executablePath = findChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), 'cognate-chromium-'));
  const pins = (options.trustServerCerts ?? []).map(spkiHash);
  if (options.allowThirdPartyCookies) {
    await mkdir(join(userDataDir, 'Default'));
    await writeFile(join(userDataDir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  }
  const args = [...BASE_ARGS, ...(pins.length ? [`--ignore-certificate-errors-spki-list=${pins.join(',')}`] : [])];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args, timeout: 30_000 });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
