import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { longTermAccessKeyId, secretAccessKey } from '../core/ids.js';

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface LoadedSecret<T> {
  value: T;
  /** true when generated now: the caller prints it once. */
  generated: boolean;
}

/** Writes a file only the owner can read, refusing to follow an existing file's looser mode. */
function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * The master key seals key material at rest. From COGNATE_MASTER_KEY (base64, 32 bytes),
 * else `<data>/master.key` (created 0600 on first start). Nodes sharing one PostgreSQL
 * database must share the master key: set COGNATE_MASTER_KEY on each.
 */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env.COGNATE_MASTER_KEY;
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== 32) throw new Error('COGNATE_MASTER_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  ensureDir(dataDir);
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    try {
      writePrivate(file, randomBytes(32).toString('base64'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // another worker made it
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/** Root AWS credentials: env COGNATE_ROOT_ACCESS_KEY_ID/SECRET, else generated once into `<data>/root-credentials.json` (0600). */
export function loadRootCredentials(dataDir: string, env: NodeJS.ProcessEnv): LoadedSecret<RootCredentials> {
  const id = env.COGNATE_ROOT_ACCESS_KEY_ID;
  const secret = env.COGNATE_ROOT_SECRET_ACCESS_KEY;
  if (id || secret) {
    if (!id || !secret) throw new Error('set both COGNATE_ROOT_ACCESS_KEY_ID and COGNATE_ROOT_SECRET_ACCESS_KEY, or neither');
    if (!/^[A-Z0-9]{16,128}$/.test(id)) throw new Error('COGNATE_ROOT_ACCESS_KEY_ID must be 16-128 upper-case letters and digits');
    if (id.startsWith('ASIA')) throw new Error('COGNATE_ROOT_ACCESS_KEY_ID must not start with ASIA (reserved for temporary credentials)');
    return { value: { accessKeyId: id, secretAccessKey: secret }, generated: false };
  }
  ensureDir(dataDir);
  const file = join(dataDir, 'root-credentials.json');
  let generated = false;
  if (!existsSync(file)) {
    try {
      writePrivate(file, `${JSON.stringify({ accessKeyId: longTermAccessKeyId(), secretAccessKey: secretAccessKey() }, null, 2)}\n`);
      generated = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as RootCredentials;
  return { value: parsed, generated };
}
