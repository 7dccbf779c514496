import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { SessionIssuer, type TemporaryCredentials } from '../core/credentials/sessions.js';
import { AppError } from '../core/errors.js';
import { SymmetricKeyRing } from '../core/keys/key-ring.js';
import { Sealer } from '../core/keys/sealer.js';
import type { AwsHttpRequest, AwsSurface } from '../protocols/aws/surface.js';
import { createAuthenticator, SESSION_CACHE_MAX } from './authenticator.js';
import { MemoryKeys } from '../../test/support/memory-keys.js';

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** node:crypto as the SDK signer's hash (what @smithy/hash-node does). */
class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: Data) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Data): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {}
}

const ACCOUNT = '123456789012';
const surface = { protocol: 'awsQuery', signingName: 'sts' } as AwsSurface;
const grant = {
  accountId: ACCOUNT,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  roleId: 'AROAEXAMPLEEXAMPLE12',
  roleName: 'app',
  sessionName: 'CognitoIdentityCredentials',
  durationSeconds: 900,
  context: {},
};

function setup() {
  const clock = new ManualClock(1_800_000_000_000);
  const sessions = new SessionIssuer(new SymmetricKeyRing(new MemoryKeys(), new Sealer(Buffer.alloc(32, 7)), clock), clock);
  const opened = vi.spyOn(sessions, 'resolve');
  const authenticate = createAuthenticator({
    config: { accountId: ACCOUNT, region: 'us-east-1' },
    root: { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' },
    clock,
    sessions,
  });
  /** A GetCallerIdentity signed by the AWS SDK's signer with `creds`, dated by the test clock. */
  const call = async (creds: TemporaryCredentials) => {
    const signer = new SignatureV4({ credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken }, region: 'us-east-1', service: 'sts', sha256: Sha256 });
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const signed = await signer.sign(
      { method: 'POST', protocol: 'https:', hostname: 'sts.example.test', path: '/', query: {}, headers: { host: 'sts.example.test', 'content-type': 'application/x-www-form-urlencoded' }, body },
      { signingDate: new Date(clock.now()) },
    );
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const req: AwsHttpRequest = {
      method: 'POST',
      rawPath: '/',
      rawQuery: '',
      headers,
      headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    };
    return authenticate(req, surface, 'sigv4');
  };
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof AppError ? { code: e.code, message: e.message } : e));
  return { clock, sessions, opened, call, failure };
}

describe('STS session credentials (cached)', () => {
  it('honours a cached session until it expires, opening its token once', async () => {
    const { clock, sessions, opened, call } = setup();
    const creds = await sessions.issue(grant);
    expect((await call(creds)).principal?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app/CognitoIdentityCredentials`);
    clock.set(creds.expiration - 1_000);
    expect((await call(creds)).principal?.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app/CognitoIdentityCredentials`);
    expect(opened).toHaveBeenCalledTimes(1); // the second request was served from the cache
  });

  it('refuses a cached session from its expiration on, with the error AWS answers', async () => {
    const { clock, sessions, call, failure } = setup();
    const creds = await sessions.issue(grant);
    await call(creds); // cached
    const expired = { code: 'ExpiredToken', message: 'The security token included in the request is expired' };
    clock.set(creds.expiration);
    expect(await failure(call(creds))).toEqual(expired);
    clock.advance(60_000);
    expect(await failure(call(creds))).toEqual(expired); // and stays refused
  });

  it('refuses an expired session even if a stale credential is handed back: expiry is checked on every request', async () => {
    const { clock, sessions, opened, call, failure } = setup();
    const creds = await sessions.issue(grant);
    await call(creds);
    // The session opener is made to hand back the credential it opened while the session was
    // valid, as a cache keeping it too long would: the request is refused all the same.
    const earlier = await opened.mock.results[0]!.value;
    opened.mockResolvedValue(earlier);
    clock.set(creds.expiration + 1);
    expect(await failure(call(creds))).toEqual({ code: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });

  it(`remembers at most ${SESSION_CACHE_MAX} sessions, dropping the oldest`, async () => {
    const { sessions, opened, call } = setup();
    const all: TemporaryCredentials[] = [];
    for (let i = 0; i <= SESSION_CACHE_MAX; i++) all.push(await sessions.issue(grant));
    for (const creds of all) await call(creds);
    expect(opened).toHaveBeenCalledTimes(SESSION_CACHE_MAX + 1);
    await call(all[1]!); // the oldest still held (the first was dropped for the last)
    expect(opened).toHaveBeenCalledTimes(SESSION_CACHE_MAX + 1);
    await call(all[0]!); // dropped: opened again (and now holds the place of all[1])
    expect(opened).toHaveBeenCalledTimes(SESSION_CACHE_MAX + 2);
    await call(all[1]!);
    expect(opened).toHaveBeenCalledTimes(SESSION_CACHE_MAX + 3);
    await call(all[SESSION_CACHE_MAX]!);
    expect(opened).toHaveBeenCalledTimes(SESSION_CACHE_MAX + 3);
  });
});
