import { createHmac, createSign, createVerify, generateKeyPairSync } from 'node:crypto';

/**
 * Operations per second of `fn` on this (one) core: the best of `windows` windows of about `ms`
 * milliseconds each. A shared machine dips now and then (another tenant, a GC of ours); the
 * ceiling is what the core can do, so a dip must not lower it — the best window makes every
 * ratio against the ceiling the conservative one.
 */
export function opsPerSecond(fn: () => void, ms = 1000, windows = 3): number {
  for (let i = 0; i < 50; i++) fn(); // warm up
  let best = 0;
  for (let w = 0; w < windows; w++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < 20; i++) fn();
      n += 20;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, Math.round((n * 1000) / elapsed));
  }
  return best;
}

export interface CryptoCeiling {
  rs256SignPerSec: number;
  rs256VerifyPerSec: number;
  /** SigV4 signing-key derivation: four chained HMAC-SHA256 */
  sigv4KeyDerivationsPerSec: number;
  hmacSha256PerSec: number;
  argon2idHashesPerSec?: number;
}

/** The same run's crypto ceiling on one core (node:crypto), so load figures compare across machines. */
export async function measureCeiling(): Promise<CryptoCeiling> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwiYXVkIjoiYXBwIn0');
  const sig = createSign('RSA-SHA256').update(data).sign(privateKey);
  const rs256SignPerSec = opsPerSecond(() => createSign('RSA-SHA256').update(data).sign(privateKey));
  const rs256VerifyPerSec = opsPerSecond(() => createVerify('RSA-SHA256').update(data).verify(publicKey, sig));
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  const sigv4KeyDerivationsPerSec = opsPerSecond(() => {
    const d = createHmac('sha256', `AWS4${secret}`).update('20261127').digest();
    const r = createHmac('sha256', d).update('us-east-1').digest();
    const s = createHmac('sha256', r).update('cognito-sync').digest();
    createHmac('sha256', s).update('aws4_request').digest();
  });
  const hmacSha256PerSec = opsPerSecond(() => createHmac('sha256', secret).update(data).digest());
  const ceiling: CryptoCeiling = { rs256SignPerSec, rs256VerifyPerSec, sigv4KeyDerivationsPerSec, hmacSha256PerSec };
  try {
    const argon2 = await import('argon2');
    // OWASP parameters the Auth0-compatible provider uses: m=19 MiB, t=2, p=1.
    const opts = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
    let best = 0;
    for (let w = 0; w < 3; w++) {
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < 1500) {
        await argon2.hash('correct horse battery staple', opts);
        n++;
      }
      best = Math.max(best, Math.round((n * 1000) / (performance.now() - start)));
    }
    ceiling.argon2idHashesPerSec = best;
  } catch {
    // argon2 not installed: leave it out rather than invent a figure
  }
  return ceiling;
}
