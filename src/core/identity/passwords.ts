import { availableParallelism } from 'node:os';
import argon2 from 'argon2';

/**
 * Password hashing: argon2id with OWASP's parameters (m = 19 MiB, t = 2, p = 1). A hash made
 * with other parameters or another scheme verifies through its own verifier and is flagged for
 * re-hashing on the next successful login (upgrade-on-login).
 */
export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Verifies one hash scheme (e.g. bcrypt for imported users); registered by prefix. */
export interface LegacyVerifier {
  /** e.g. `$2b$` */
  prefixes: readonly string[];
  verify(hash: string, password: string): Promise<boolean>;
}

export interface VerifyResult {
  ok: boolean;
  /** When ok and the stored hash is weaker than the current parameters: the new hash to store. */
  rehash?: string;
}

/**
 * At most `limit` computations at once; the others wait their turn, first come first served.
 * argon2 runs on libuv's thread pool (4 threads a process): with several worker processes on few
 * cores, more hashes at once than cores only share the cores, each evicting the others' 19 MiB
 * from the caches (measured here: two processes of 4 threads each hash ~10 % slower in all than
 * with one hash each), and they hold the pool from the file and DNS work queued behind them.
 */
class Turns {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      // The turn passes straight to the next in line (the count stays); none waiting: it is freed.
      if (next) next();
      else this.#running--;
    }
  }
}

/**
 * Password hashes one worker process computes at once: its share of the machine's cores, so that
 * all workers together hash one per core ({@link Turns}). `workers` as configured (0: one per core).
 */
export function hashesAtOnce(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.round(cores / (workers === 0 ? cores : workers)));
}

export class PasswordHasher {
  readonly #params: Argon2Params;
  readonly #legacy: LegacyVerifier[];
  readonly #turns: Turns;
  #dummy: Promise<string> | undefined;

  /** `concurrency`: most hashes and verifications of this process at once (see {@link Turns}). */
  constructor(params: Argon2Params = OWASP_ARGON2ID, legacy: LegacyVerifier[] = [], concurrency = Number.POSITIVE_INFINITY) {
    this.#params = params;
    this.#legacy = legacy;
    this.#turns = new Turns(Math.max(1, concurrency));
  }

  hash(password: string): Promise<string> {
    return this.#turns.run(() => argon2.hash(password, { type: argon2.argon2id, ...this.#params }));
  }

  /** Constant-time inside argon2; unknown schemes verify false (never throw on bad stored data). */
  async verify(stored: string, password: string): Promise<VerifyResult> {
    let ok = false;
    let upgrade = false;
    if (stored.startsWith('$argon2')) {
      ok = await this.#turns.run(() => argon2.verify(stored, password).catch(() => false));
      upgrade = ok && (!stored.startsWith('$argon2id$') || argon2.needsRehash(stored, { ...this.#params }));
    } else {
      const verifier = this.#legacy.find((v) => v.prefixes.some((p) => stored.startsWith(p)));
      ok = verifier ? await this.#turns.run(() => verifier.verify(stored, password).catch(() => false)) : false;
      upgrade = ok;
    }
    return ok && upgrade ? { ok, rehash: await this.hash(password) } : { ok };
  }

  /**
   * Burns the same time as a real verification, for unknown users (no user enumeration by
   * timing on login or change_password).
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('cognate-dummy-password-for-timing');
    const dummy = await this.#dummy;
    await this.#turns.run(() => argon2.verify(dummy, password).catch(() => false));
    return false;
  }
}
