import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { AppError } from '../errors.js';
import { SymmetricKeyRing } from '../keys/key-ring.js';
import { Sealer } from '../keys/sealer.js';
import { SessionIssuer } from './sessions.js';
import { MemoryKeys } from '../../../test/support/memory-keys.js';

const grant = {
  accountId: '123456789012',
  roleArn: 'arn:aws:iam::123456789012:role/app',
  roleId: 'AROAEXAMPLEEXAMPLE12',
  roleName: 'app',
  sessionName: 'CognitoIdentityCredentials',
  durationSeconds: 3600,
  context: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:abc', 'cognito-identity.amazonaws.com:amr': ['authenticated', 'idp'] },
};

function setup() {
  const clock = new ManualClock(1_800_000_000_000);
  const repo = new MemoryKeys();
  const master = new Sealer(Buffer.alloc(32, 7));
  return { clock, repo, master, issuer: new SessionIssuer(new SymmetricKeyRing(repo, master, clock), clock) };
}

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

describe('sealed STS sessions', () => {
  it('issues ASIA credentials whose token resolves to the same principal and secret', async () => {
    const { issuer } = setup();
    const creds = await issuer.issue(grant);
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toHaveLength(40);
    const resolved = await issuer.resolve(creds.accessKeyId, creds.sessionToken);
    expect(resolved.secretAccessKey).toBe(creds.secretAccessKey);
    expect(resolved.principal.arn).toBe('arn:aws:sts::123456789012:assumed-role/app/CognitoIdentityCredentials');
    expect(resolved.principal.userId).toBe('AROAEXAMPLEEXAMPLE12:CognitoIdentityCredentials');
    expect(resolved.principal.context['cognito-identity.amazonaws.com:amr']).toEqual(['authenticated', 'idp']);
  });

  it('survives a restart: a new issuer over the same stored key resolves old tokens', async () => {
    const { issuer, repo, master, clock } = setup();
    const creds = await issuer.issue(grant);
    const again = new SessionIssuer(new SymmetricKeyRing(repo, master, clock), clock);
    expect((await again.resolve(creds.accessKeyId, creds.sessionToken)).secretAccessKey).toBe(creds.secretAccessKey);
  });

  it('refuses tampered tokens, tokens of another key id, a missing token, and expired sessions', async () => {
    const { issuer, clock } = setup();
    const creds = await issuer.issue(grant);
    const parts = creds.sessionToken.split('.');
    const body = parts[2]!;
    const flipped = body.slice(0, 10) + (body[10] === 'A' ? 'B' : 'A') + body.slice(11);
    expect(await code(issuer.resolve(creds.accessKeyId, `${parts[0]}.${parts[1]}.${flipped}`))).toBe('InvalidClientTokenId');
    const other = await issuer.issue(grant);
    expect(await code(issuer.resolve(other.accessKeyId, creds.sessionToken))).toBe('InvalidClientTokenId');
    expect(await code(issuer.resolve(creds.accessKeyId, undefined))).toBe('InvalidClientTokenId');
    expect(await code(issuer.resolve(creds.accessKeyId, 'garbage'))).toBe('InvalidClientTokenId');
    clock.advance(3600_000);
    expect(await code(issuer.resolve(creds.accessKeyId, creds.sessionToken))).toBe('ExpiredToken');
  });

  it('cannot open key material sealed under another master key', async () => {
    const { issuer, repo, clock } = setup();
    await issuer.issue(grant);
    const wrong = new SessionIssuer(new SymmetricKeyRing(repo, new Sealer(Buffer.alloc(32, 8)), clock), clock);
    await expect(wrong.issue(grant)).rejects.toThrow(/master key/);
  });
});
