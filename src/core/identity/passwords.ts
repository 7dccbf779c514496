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

export class PasswordHasher {
  readonly #params: Argon2Params;
  readonly #legacy: LegacyVerifier[];
  #dummy: Promise<string> | undefined;

  constructor(params: Argon2Params = OWASP_ARGON2ID, legacy: LegacyVerifier[] = []) {
    this.#params = params;
    this.#legacy = legacy;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.#params });
  }

  /** Constant-time inside argon2; unknown schemes verify false (never throw on bad stored data). */
  async verify(stored: string, password: string): Promise<VerifyResult> {
    let ok = false;
    let upgrade = false;
    if (stored.startsWith('$argon2')) {
      ok = await argon2.verify(stored, password).catch(() => false);
      upgrade = ok && (!stored.startsWith('$argon2id$') || argon2.needsRehash(stored, { ...this.#params }));
    } else {
      const verifier = this.#legacy.find((v) => v.prefixes.some((p) => stored.startsWith(p)));
      ok = verifier ? await verifier.verify(stored, password).catch(() => false) : false;
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
    await argon2.verify(await this.#dummy, password).catch(() => false);
    return false;
  }
}
