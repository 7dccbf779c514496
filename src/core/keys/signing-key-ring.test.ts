import { SignJWT, jwtVerify, createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { StoredKey } from './ports.js';
import { Sealer } from './sealer.js';
import { SigningKeyRing, type SigningKeyRepository } from './signing-key-ring.js';

class MemoryKeys implements SigningKeyRepository {
  rows: StoredKey[] = [];
  reads = 0;
  async listByPurpose(purpose: string) {
    this.reads++;
    return this.rows.filter((r) => r.purpose === purpose).map((r) => ({ ...r }));
  }
  async insertIfAbsent(key: StoredKey) {
    if (!this.rows.some((r) => r.id === key.id)) this.rows.push({ ...key });
  }
  async rotate(purpose: string, expect: { currentId: string; nextId: string }, newNext: StoredKey, at: number) {
    const mine = this.rows.filter((r) => r.purpose === purpose);
    const cur = mine.filter((r) => r.status === 'current');
    const nxt = mine.filter((r) => r.status === 'next');
    if (cur.length !== 1 || cur[0]!.id !== expect.currentId || nxt.length !== 1 || nxt[0]!.id !== expect.nextId) return false;
    for (const r of mine) if (r.status === 'previous') Object.assign(r, { status: 'revoked', rotatedAt: at });
    Object.assign(cur[0]!, { status: 'previous', rotatedAt: at });
    Object.assign(nxt[0]!, { status: 'current', rotatedAt: at });
    this.rows.push({ ...newNext });
    return true;
  }
}

function setup() {
  const clock = new ManualClock(1_800_000_000_000);
  const repo = new MemoryKeys();
  const master = new Sealer(Buffer.alloc(32, 9));
  const ring = () => new SigningKeyRing(repo, master, clock, { purpose: 'test-token', alg: 'RS512', kid: (n) => `us-east-1-${n}` });
  return { clock, repo, master, ring };
}

async function sign(ring: SigningKeyRing): Promise<string> {
  const key = await ring.current();
  return new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

describe('SigningKeyRing', () => {
  it('creates a current and a next key on first use, sealed, with stable region-style kids', async () => {
    const { repo, ring } = setup();
    const r = ring();
    const current = await r.current();
    expect(current.kid).toBe('us-east-1-1');
    expect(repo.rows.map((k) => [k.id, k.status])).toEqual([
      ['test-token/1', 'current'],
      ['test-token/2', 'next'],
    ]);
    expect(repo.rows[0]!.sealed).not.toContain('"d"');
    const jwks = await r.verificationKeys();
    expect(jwks.map((k) => k.kid)).toEqual(['us-east-1-1', 'us-east-1-2']);
    for (const k of jwks) {
      expect(k).toMatchObject({ kty: 'RSA', alg: 'RS512', use: 'sig' });
      expect(Object.keys(k).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    }
  });

  it('signs tokens that verify against its own JWKS, across a restart', async () => {
    const { ring } = setup();
    const token = await sign(ring());
    const again = ring();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: await again.verificationKeys() }));
    expect(payload.sub).toBe('x');
    expect(protectedHeader).toMatchObject({ alg: 'RS512', kid: 'us-east-1-1' });
    expect(await again.verificationKey('us-east-1-1')).toBeDefined();
    expect(await again.verificationKey('nope')).toBeUndefined();
  });

  it('converges when two nodes start at once', async () => {
    const { repo, ring } = setup();
    const [a, b] = await Promise.all([ring().current(), ring().current()]);
    expect(a.kid).toBe(b.kid);
    expect(repo.rows).toHaveLength(2);
    const token = await sign(ring());
    const [ka, kb] = await Promise.all([ring().verificationKeys(), ring().verificationKeys()]);
    expect(ka).toEqual(kb);
    await expect(jwtVerify(token, createLocalJWKSet({ keys: ka }))).resolves.toBeDefined();
  });

  it('rotates next → current → previous → revoked, keeping old tokens verifiable for one rotation', async () => {
    const { repo, ring } = setup();
    const r = ring();
    const old = await sign(r);
    await r.rotate();
    expect((await r.current()).kid).toBe('us-east-1-2');
    expect((await r.verificationKeys()).map((k) => k.kid)).toEqual(['us-east-1-2', 'us-east-1-3', 'us-east-1-1']);
    await expect(jwtVerify(old, createLocalJWKSet({ keys: await r.verificationKeys() }))).resolves.toBeDefined();
    await r.rotate();
    expect((await r.verificationKeys()).map((k) => k.kid)).toEqual(['us-east-1-3', 'us-east-1-4', 'us-east-1-2']);
    expect(repo.rows.find((k) => k.id === 'test-token/1')!.status).toBe('revoked');
    await expect(jwtVerify(old, createLocalJWKSet({ keys: await r.verificationKeys() }))).rejects.toThrow();
  });

  it('a racing rotation changes nothing the second time', async () => {
    const { repo, ring } = setup();
    const a = ring();
    const b = ring();
    await Promise.all([a.current(), b.current()]);
    await Promise.all([a.rotate(), b.rotate()]);
    expect(repo.rows.filter((k) => k.status === 'current')).toHaveLength(1);
    expect(repo.rows.filter((k) => k.status === 'next')).toHaveLength(1);
  });

  it('caches keys in memory and sees another node’s rotation after the refresh interval or on an unknown kid', async () => {
    const { repo, ring, clock } = setup();
    const a = ring();
    const b = ring();
    await a.current();
    await b.current();
    const reads = repo.reads;
    for (let i = 0; i < 10; i++) await b.current();
    expect(repo.reads).toBe(reads);
    await a.rotate();
    expect((await b.current()).kid).toBe('us-east-1-1');
    expect(await b.verificationKey('us-east-1-3')).toBeDefined();
    clock.advance(61_000);
    expect((await b.current()).kid).toBe('us-east-1-2');
  });

  it('refuses keys sealed under another master key', async () => {
    const { repo, clock, ring } = setup();
    await ring().current();
    const other = new SigningKeyRing(repo, new Sealer(Buffer.alloc(32, 1)), clock, { purpose: 'test-token', alg: 'RS512' });
    await expect(other.current()).rejects.toThrow(/master key/);
  });
});
