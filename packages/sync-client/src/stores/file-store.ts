import { StoreError } from '../errors.js';
import { defineOwn } from '../records.js';
import type { DatasetState } from '../types.js';
import { cloneState, type LocalStore } from './local-store.js';

/** The part of `node:fs/promises` this store uses (typed here so the package needs no Node types). */
interface FsPromises {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  open(path: string, flags: string): Promise<{
    writeFile(data: string, encoding: 'utf8'): Promise<void>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
}

interface FileContents {
  version: 1;
  datasets: Record<string, DatasetState>;
}

// Loaded on first use only, through a computed specifier, so browser bundles never resolve it.
const FS_MODULE = 'node:fs/promises';
let fsPromise: Promise<FsPromises> | undefined;
function fs(): Promise<FsPromises> {
  fsPromise ??= import(/* @vite-ignore */ /* webpackIgnore: true */ FS_MODULE) as Promise<FsPromises>;
  return fsPromise;
}

// Writes to one file are chained process-wide, so two FileStores on one directory cannot lose updates.
const chains = new Map<string, Promise<unknown>>();
function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const run = (chains.get(file) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  chains.set(file, tail);
  void tail.then(() => {
    if (chains.get(file) === tail) chains.delete(file);
  });
  return run;
}

let tmpCounter = 0;

/**
 * Node store: one JSON file per identity (`<dir>/<encoded identity id>.json`), replaced atomically by
 * writing a temporary file, fsync-ing it and renaming it over the old one.
 */
export class FileStore implements LocalStore {
  /** @param directory Where the files go; created on first write. */
  constructor(readonly directory: string) {}

  #file(identityId: string): string {
    // encodeURIComponent turns ':' (invalid in Windows file names) and '/' into %XX.
    return `${this.directory.replace(/[\\/]+$/, '')}/${encodeURIComponent(identityId)}.json`;
  }

  async #read(file: string): Promise<FileContents> {
    const io = await fs();
    let text: string;
    try {
      text = await io.readFile(file, 'utf8');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return { version: 1, datasets: {} };
      throw new StoreError(`Cannot read ${file}`, { cause: e });
    }
    try {
      const parsed = JSON.parse(text) as FileContents;
      if (parsed.version !== 1 || typeof parsed.datasets !== 'object') throw new Error('unknown format');
      return parsed;
    } catch (e) {
      throw new StoreError(`${file} is not a sync-client store file`, { cause: e });
    }
  }

  async #write(file: string, contents: FileContents): Promise<void> {
    const io = await fs();
    const tmp = `${file}.${Date.now()}.${(tmpCounter += 1)}.tmp`;
    try {
      await io.mkdir(this.directory, { recursive: true });
      const handle = await io.open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify(contents), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await io.rename(tmp, file);
    } catch (e) {
      await io.rm(tmp, { force: true }).catch(() => undefined);
      throw new StoreError(`Cannot write ${file}`, { cause: e });
    }
  }

  async load(identityId: string, dataset: string): Promise<DatasetState | undefined> {
    const file = this.#file(identityId);
    const { datasets } = await serialized(file, () => this.#read(file));
    return Object.hasOwn(datasets, dataset) ? datasets[dataset] : undefined;
  }

  async save(identityId: string, dataset: string, state: DatasetState): Promise<void> {
    const file = this.#file(identityId);
    await serialized(file, async () => {
      const contents = await this.#read(file);
      defineOwn(contents.datasets, dataset, cloneState(state));
      await this.#write(file, contents);
    });
  }

  async delete(identityId: string, dataset: string): Promise<void> {
    const file = this.#file(identityId);
    await serialized(file, async () => {
      const contents = await this.#read(file);
      if (!Object.hasOwn(contents.datasets, dataset)) return;
      delete contents.datasets[dataset];
      await this.#write(file, contents);
    });
  }

  async list(identityId: string): Promise<string[]> {
    const file = this.#file(identityId);
    return Object.keys((await serialized(file, () => this.#read(file))).datasets);
  }
}
