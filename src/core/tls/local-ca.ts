/**
 * A local certificate authority for development: Cognate can serve HTTPS on localhost with a
 * certificate that clients trust by pointing at one file (`ca.pem`, e.g. via NODE_EXTRA_CA_CERTS
 * or the AWS SDKs' `ca_bundle`). Nothing here is meant for a public deployment.
 */
import { createPrivateKey, X509Certificate as NodeX509 } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import {
  createRootCa,
  issueServerCertificate,
  loadIssuedCertificate,
  type IssuedCertificate,
} from './certificates.js';

/** The server's TLS material, ready for `https.createServer({ key, cert })`, and the CA that clients trust. */
export interface LocalTls {
  /** The server's private key, PKCS#8 PEM. */
  keyPem: string;
  /** The server certificate followed by the CA certificate, PEM. */
  certChainPem: string;
  /** The local root CA certificate, PEM. */
  caPem: string;
  /** Absolute path of `ca.pem`. */
  caPath: string;
}

/** Options of {@link ensureLocalTls}. */
export interface LocalTlsOptions {
  /** Time source for issuance and for deciding that the server certificate needs renewal. */
  clock?: Clock;
}

const FILES = { ca: 'ca.pem', caKey: 'ca-key.pem', server: 'server.pem', serverKey: 'server-key.pem' } as const;
const LOCK = '.lock';
const CA_DAYS = 3650;
/** CA/Browser Forum's historical ceiling, which Apple platforms still enforce for TLS server certificates. */
const SERVER_DAYS = 824;
/** Renew the server certificate when less than this much validity is left. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const SERVER_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;
const LOCK_WAIT_MS = 15_000;
const LOCK_STALE_MS = 60_000;

const inProcess = new Map<string, Promise<LocalTls>>();

/**
 * Returns the local TLS material under `dir`, creating it on first use: a root CA (EC P-256, 10
 * years, `ca.pem` + `ca-key.pem`) and a server certificate for `localhost`, `127.0.0.1` and `::1`
 * signed by it (`server.pem` holding leaf then CA, `server-key.pem`). Later calls reuse the files;
 * the server certificate alone is re-issued when it is missing, unreadable, near expiry or not
 * signed by the CA. `dir` is created with mode 0700 and the key files with 0600.
 *
 * Concurrent calls in one process share one promise; concurrent processes serialize on a lock file.
 */
export function ensureLocalTls(dir: string, options: LocalTlsOptions = {}): Promise<LocalTls> {
  const root = resolve(dir);
  const pending = inProcess.get(root);
  if (pending) return pending;
  const created = withLock(root, () => loadOrCreate(root, options.clock ?? systemClock)).finally(() =>
    inProcess.delete(root),
  );
  inProcess.set(root, created);
  return created;
}

async function loadOrCreate(dir: string, clock: Clock): Promise<LocalTls> {
  const now = new Date(clock.now());
  const ca = (await readCa(dir)) ?? (await writeNewCa(dir, now));
  const server = await readServer(dir, ca, now);
  const chain = server ?? (await writeNewServer(dir, ca, now));
  return { keyPem: chain.keyPem, certChainPem: chain.chainPem, caPem: ca.certPem, caPath: join(dir, FILES.ca) };
}

const readIfPresent = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
};

async function readCa(dir: string): Promise<IssuedCertificate | undefined> {
  const certPem = await readIfPresent(join(dir, FILES.ca));
  const keyPem = await readIfPresent(join(dir, FILES.caKey));
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const ca = await loadIssuedCertificate(certPem, keyPem);
    return new NodeX509(certPem).checkPrivateKey(createPrivateKey(keyPem)) ? ca : undefined;
  } catch {
    return undefined; // unreadable: start over with a new CA
  }
}

async function readServer(
  dir: string,
  ca: IssuedCertificate,
  now: Date,
): Promise<{ keyPem: string; chainPem: string } | undefined> {
  const chainPem = await readIfPresent(join(dir, FILES.server));
  const keyPem = await readIfPresent(join(dir, FILES.serverKey));
  if (chainPem === undefined || keyPem === undefined) return undefined;
  try {
    const leaf = new NodeX509(chainPem);
    const caCert = new NodeX509(ca.certPem);
    const usable =
      leaf.checkIssued(caCert) &&
      leaf.verify(caCert.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(leaf.validTo) - now.getTime() > RENEW_BEFORE_MS &&
      chainPem.includes(ca.certPem.trim());
    return usable ? { keyPem, chainPem } : undefined;
  } catch {
    return undefined;
  }
}

async function writeNewCa(dir: string, now: Date): Promise<IssuedCertificate> {
  const suffix = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4))).toString('hex');
  const ca = await createRootCa({ commonName: `Cognate Local Development CA ${suffix}`, validityDays: CA_DAYS, now });
  await writeAtomic(join(dir, FILES.caKey), ca.keyPem, 0o600);
  await writeAtomic(join(dir, FILES.ca), ca.certPem, 0o644);
  // A new CA invalidates any server certificate left over from an earlier one.
  await rm(join(dir, FILES.server), { force: true });
  return ca;
}

async function writeNewServer(
  dir: string,
  ca: IssuedCertificate,
  now: Date,
): Promise<{ keyPem: string; chainPem: string }> {
  const server = await issueServerCertificate(ca, {
    commonName: 'localhost',
    hosts: SERVER_HOSTS,
    validityDays: SERVER_DAYS,
    now,
  });
  const chainPem = `${server.certPem.trim()}\n${ca.certPem.trim()}\n`;
  await writeAtomic(join(dir, FILES.serverKey), server.keyPem, 0o600);
  await writeAtomic(join(dir, FILES.server), chainPem, 0o644);
  return { keyPem: server.keyPem, chainPem };
}

/** Writes via a temporary file and rename, so a reader never sees half a file; the mode is set before any content. */
async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.chmod(mode); // independent of the process umask
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Serializes creation across processes that share `dir`, so a CA and its server certificate always match. */
async function withLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const lockPath = join(dir, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lockPath, { force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockPath}`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}
