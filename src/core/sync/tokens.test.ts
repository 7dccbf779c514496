import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { SyncTokens } from './tokens.js';

const key = { kid: '1', key: randomBytes(32) };
const tokens = new SyncTokens(async () => [key]);
const claims = { poolId: 'us-east-1:p', identityId: 'us-east-1:i', datasetName: 'd' };

describe('SyncTokens', () => {
  it('round-trips the count a session token was issued at', async () => {
    const t = await tokens.issueSession({ ...claims, syncCount: 12 });
    await expect(tokens.openSession(t, claims)).resolves.toBe(12);
  });

  it('refuses a token for another identity, dataset or pool with AWS’s message', async () => {
    const t = await tokens.issueSession({ ...claims, syncCount: 1 });
    for (const other of [{ ...claims, identityId: 'us-east-1:j' }, { ...claims, datasetName: 'e' }, { ...claims, poolId: 'us-east-1:q' }]) {
      await expect(tokens.openSession(t, other)).rejects.toMatchObject({ code: 'InvalidParameter', message: 'SyncSessionToken not valid for these inputs' });
    }
  });

  it('refuses forged, truncated and foreign-key tokens', async () => {
    const t = await tokens.issueSession({ ...claims, syncCount: 1 });
    const [kid, body, mac] = t.split('.');
    const forged = `${kid}.${Buffer.from(JSON.stringify([claims.poolId, claims.identityId, claims.datasetName, 99])).toString('base64url')}.${mac}`;
    await expect(tokens.openSession(forged, claims)).rejects.toBeInstanceOf(AppError);
    await expect(tokens.openSession(`${kid}.${body}`, claims)).rejects.toBeInstanceOf(AppError);
    await expect(tokens.openSession('garbage', claims)).rejects.toBeInstanceOf(AppError);
    const other = new SyncTokens(async () => [{ kid: '1', key: randomBytes(32) }]);
    await expect(other.openSession(t, claims)).rejects.toBeInstanceOf(AppError);
  });

  it('keeps page tokens and session tokens apart', async () => {
    const page = await tokens.issuePage('scope', { snapshot: 3, afterCount: 2, afterKey: 'k' });
    await expect(tokens.openPage(page, 'scope')).resolves.toEqual({ snapshot: 3, afterCount: 2, afterKey: 'k' });
    await expect(tokens.openPage(page, 'other')).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(tokens.openSession(page, claims)).rejects.toMatchObject({ code: 'InvalidParameter' });
  });
});
