import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  canonicalRequest,
  deriveSigningKey,
  payloadHash,
  scopeOf,
  signature,
  SignatureMismatchError,
  stringToSign,
  verifySigV4,
  type ResolvedCredential,
  type SignedRequest,
} from './index.js';

const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = Date.parse('2015-08-30T12:36:00Z');
const AMZ_DATE = '20150830T123600Z';
const resolve = (accessKeyId: string): ResolvedCredential | undefined =>
  accessKeyId === AKID || accessKeyId.startsWith('ASIA') ? { secretAccessKey: SECRET, principal: accessKeyId } : undefined;

interface SignSpec {
  accessKeyId?: string;
  signedHeaders?: string[];
  date?: string;
  service?: string;
  /** Override how the Authorization header is written. */
  format?: (credential: string, signedHeaders: string, sig: string) => string;
}

/** Signs with the exported building blocks (themselves pinned by the vector suite). */
function sign(req: SignedRequest, spec: SignSpec = {}): SignedRequest {
  const signedHeaders = spec.signedHeaders ?? ['host', 'x-amz-date'];
  const service = spec.service ?? 'sts';
  const date = spec.date ?? AMZ_DATE.slice(0, 8);
  // A signer trusts its own x-amz-content-sha256, whatever the body.
  const declared = req.headers['x-amz-content-sha256'];
  const creq = canonicalRequest(req, { signedHeaders, payloadHash: typeof declared === 'string' ? declared : payloadHash(req) });
  const sts = stringToSign((req.headers['x-amz-date'] as string | undefined) ?? AMZ_DATE, scopeOf(date, 'us-east-1', service), creq);
  const sig = signature(deriveSigningKey(SECRET, date, 'us-east-1', service), sts);
  const credential = `${spec.accessKeyId ?? AKID}/${date}/us-east-1/${service}/aws4_request`;
  const format = spec.format ?? ((c, h, s) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`);
  return { ...req, headers: { ...req.headers, authorization: format(credential, signedHeaders.join(';'), sig) } };
}

const base = (headers: SignedRequest['headers'] = {}, body = ''): SignedRequest => ({
  method: 'POST',
  rawPath: '/',
  rawQuery: '',
  headers: { host: 'sts.amazonaws.com', 'x-amz-date': AMZ_DATE, ...headers },
  body: Buffer.from(body),
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected verification to fail');
}

describe('verifySigV4 — request shape', () => {
  it('MissingAuthenticationToken without any SigV4 material', async () => {
    const e = await failure(verifySigV4(base(), resolve, { now: NOW }));
    expect(e.code).toBe('MissingAuthenticationToken');
    expect(e.message).toBe('Request is missing Authentication Token');
  });

  it('IncompleteSignature naming every missing part, like AWS', async () => {
    const e = await failure(verifySigV4(base({ authorization: 'Bearer eyJ0eXAi', 'x-amz-date': undefined }), resolve, { now: NOW }));
    expect(e.code).toBe('IncompleteSignature');
    expect(e.message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJ0eXAi",
    );
    const partial = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request';
    const e2 = await failure(verifySigV4(base({ authorization: partial }), resolve, { now: NOW }));
    expect(e2.message).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        `Authorization=${partial}`,
    );
  });

  it('IncompleteSignature for a token without "=", a bad credential, an unsigned host', async () => {
    const noEq = 'AWS4-HMAC-SHA256 Credential= AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=ab';
    await expect(verifySigV4(base({ authorization: noEq }), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'IncompleteSignature',
      message: `'AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${noEq}'.`,
    });
    const four = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=ab';
    await expect(verifySigV4(base({ authorization: four }), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'IncompleteSignature',
      message:
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/aws4_request'",
    });
    const term = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws5_request, SignedHeaders=host, Signature=ab';
    await expect(verifySigV4(base({ authorization: term }), resolve, { now: NOW })).rejects.toMatchObject({ code: 'IncompleteSignature' });
    await expect(verifySigV4(sign(base(), { signedHeaders: ['x-amz-date'] }), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'IncompleteSignature',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
    await expect(verifySigV4(sign(base({ 'x-amz-date': '2015-08-30T12:36:00Z' })), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'IncompleteSignature',
    });
  });

  it('parses the Authorization header leniently: no spaces, any field order, extra spaces', async () => {
    const variants: SignSpec['format'][] = [
      (c, h, s) => `AWS4-HMAC-SHA256 Credential=${c},SignedHeaders=${h},Signature=${s}`,
      (c, h, s) => `AWS4-HMAC-SHA256 Signature=${s}, Credential=${c}, SignedHeaders=${h}`,
      (c, h, s) => `  AWS4-HMAC-SHA256   SignedHeaders=${h} ,  Signature=${s},Credential=${c}  `,
    ];
    for (const format of variants) {
      await expect(verifySigV4(sign(base(), { format }), resolve, { now: NOW })).resolves.toMatchObject({ accessKeyId: AKID });
    }
  });
});

describe('verifySigV4 — dates and the time window', () => {
  it("says AWS's 'Signature expired' and 'not yet current' texts", async () => {
    const req = sign(base());
    await expect(verifySigV4(req, resolve, { now: Date.parse('2015-08-30T13:01:00Z') })).rejects.toMatchObject({
      code: 'SignatureExpired',
      message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T130100Z - 15 min.)',
    });
    await expect(verifySigV4(req, resolve, { now: Date.parse('2015-08-30T12:20:00Z') })).rejects.toMatchObject({
      code: 'SignatureExpired',
      message: 'Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)',
    });
    await expect(verifySigV4(req, resolve, { now: NOW + 5 * 60_000, maxSkewMs: 5 * 60_000 })).resolves.toBeDefined();
    await expect(verifySigV4(req, resolve, { now: NOW + 5 * 60_000 + 1000, maxSkewMs: 5 * 60_000 })).rejects.toMatchObject({
      message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
    });
  });

  it('requires the credential-scope date to be the X-Amz-Date day', async () => {
    const req = sign(base({ 'x-amz-date': '20150831T000500Z' }), { date: '20150830' });
    await expect(verifySigV4(req, resolve, { now: Date.parse('2015-08-31T00:05:00Z') })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message:
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150830' != '20150831', from '20150831T000500Z'.",
    });
  });

  it('accepts the older Date header in place of X-Amz-Date', async () => {
    const req = sign(base({ 'x-amz-date': undefined, date: 'Sun, 30 Aug 2015 12:36:00 GMT' }), { signedHeaders: ['date', 'host'] });
    await expect(verifySigV4(req, resolve, { now: NOW })).resolves.toMatchObject({ date: '20150830' });
  });
});

describe('verifySigV4 — credentials', () => {
  it('InvalidClientTokenId for an unknown key, or an ASIA key without a token', async () => {
    await expect(verifySigV4(sign(base(), { accessKeyId: 'AKIDUNKNOWN' }), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
    });
    let called = false;
    const spy = (id: string): ResolvedCredential | undefined => {
      called = true;
      return resolve(id);
    };
    await expect(verifySigV4(sign(base(), { accessKeyId: 'ASIAEXAMPLE' }), spy, { now: NOW })).rejects.toMatchObject({
      code: 'InvalidClientTokenId',
    });
    expect(called).toBe(false);
  });

  it('passes the session token to the resolver, signed or added after signing', async () => {
    const seen: (string | undefined)[] = [];
    const spy = (id: string, token: string | undefined): ResolvedCredential | undefined => {
      seen.push(token);
      return resolve(id);
    };
    const signedToken = sign(base({ 'x-amz-security-token': 'tok' }), {
      accessKeyId: 'ASIAEXAMPLE',
      signedHeaders: ['host', 'x-amz-date', 'x-amz-security-token'],
    });
    const lateToken = sign(base(), { accessKeyId: 'ASIAEXAMPLE' });
    lateToken.headers['x-amz-security-token'] = 'tok';
    await expect(verifySigV4(signedToken, spy, { now: NOW })).resolves.toMatchObject({ sessionToken: 'tok' });
    await expect(verifySigV4(lateToken, spy, { now: NOW })).resolves.toMatchObject({ sessionToken: 'tok' });
    expect(seen).toEqual(['tok', 'tok']);
    // A signed token cannot be swapped.
    signedToken.headers['x-amz-security-token'] = 'other';
    await expect(verifySigV4(signedToken, spy, { now: NOW })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('lets resolver errors through and enforces expiresAt', async () => {
    const throwing = (): never => {
      throw new AppError('ExpiredToken', 'The security token included in the request is expired');
    };
    await expect(verifySigV4(sign(base()), throwing, { now: NOW })).rejects.toMatchObject({ code: 'ExpiredToken' });
    const expired = (): ResolvedCredential => ({ secretAccessKey: SECRET, principal: null, expiresAt: NOW });
    await expect(verifySigV4(sign(base()), expired, { now: NOW })).rejects.toMatchObject({ code: 'ExpiredToken' });
    const valid = async (): Promise<ResolvedCredential> => ({ secretAccessKey: SECRET, principal: 'p', expiresAt: NOW + 1 });
    await expect(verifySigV4(sign(base()), valid, { now: NOW })).resolves.toMatchObject({ credential: { principal: 'p' } });
  });
});

describe('verifySigV4 — signature and payload', () => {
  it("keeps AWS's exact mismatch message and carries the canonical forms separately, never the secret", async () => {
    const req = sign(base({}, 'Action=GetCallerIdentity'));
    const e = await failure(verifySigV4({ ...req, rawPath: '/other' }, resolve, { now: NOW }));
    expect(e).toBeInstanceOf(SignatureMismatchError);
    expect(e.code).toBe('SignatureDoesNotMatch');
    expect(e.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    const m = e as SignatureMismatchError;
    expect(m.canonicalRequest.split('\n')[1]).toBe('/other');
    expect(m.stringToSign.startsWith(`AWS4-HMAC-SHA256\n${AMZ_DATE}\n20150830/us-east-1/sts/aws4_request\n`)).toBe(true);
    expect(m.awsDetail).toBe(
      `\n\nThe Canonical String for this request should have been\n'${m.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${m.stringToSign}'\n`,
    );
    expect(`${e.message}${m.awsDetail}${JSON.stringify(e)}`).not.toContain(SECRET);
  });

  it('rejects a malformed signature without throwing anything else', async () => {
    const req = sign(base());
    const auth = req.headers.authorization as string;
    for (const sig of ['', 'zz', auth.slice(-64).toUpperCase(), `${auth.slice(-64)}00`]) {
      const bad = { ...req, headers: { ...req.headers, authorization: `${auth.slice(0, -64)}${sig}` } };
      await expect(verifySigV4(bad, resolve, { now: NOW })).rejects.toMatchObject({ code: expect.stringMatching(/SignatureDoesNotMatch|IncompleteSignature/) });
    }
  });

  it('uses x-amz-content-sha256 only when it is the body hash or UNSIGNED-PAYLOAD', async () => {
    const body = '{"a":1}';
    const signedHeaders = ['host', 'x-amz-content-sha256', 'x-amz-date'];
    const good = sign(base({ 'x-amz-content-sha256': payloadHash(base({}, body)) }, body), { signedHeaders });
    await expect(verifySigV4(good, resolve, { now: NOW })).resolves.toBeDefined();
    const unsigned = sign(base({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body), { signedHeaders });
    await expect(verifySigV4(unsigned, resolve, { now: NOW })).resolves.toBeDefined();
    const lying = sign(base({ 'x-amz-content-sha256': payloadHash(base({}, '{}')) }, body), { signedHeaders });
    await expect(verifySigV4(lying, resolve, { now: NOW })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('joins repeated headers with "," when they arrive as arrays', async () => {
    const req = sign(base({ 'x-amz-meta': ['a', ' b '] }), { signedHeaders: ['host', 'x-amz-date', 'x-amz-meta'] });
    await expect(verifySigV4(req, resolve, { now: NOW })).resolves.toBeDefined();
    // node's `headers` would have joined them with ", ": a different canonical value.
    await expect(verifySigV4({ ...req, headers: { ...req.headers, 'x-amz-meta': 'a, b' } }, resolve, { now: NOW })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

describe('verifySigV4 — presigned URLs', () => {
  const presign = (params: Record<string, string>): SignedRequest => {
    const req: SignedRequest = { method: 'GET', rawPath: '/', rawQuery: '', headers: { host: 'sts.amazonaws.com' }, body: Buffer.alloc(0) };
    const query = Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const creq = canonicalRequest({ ...req, rawQuery: query }, { signedHeaders: ['host'], payloadHash: payloadHash(req) });
    const sig = signature(deriveSigningKey(SECRET, '20150830', 'us-east-1', 'sts'), stringToSign(AMZ_DATE, scopeOf('20150830', 'us-east-1', 'sts'), creq));
    return { ...req, rawQuery: `${query}&X-Amz-Signature=${sig}` };
  };
  const params = (expires: string): Record<string, string> => ({
    Action: 'GetCallerIdentity',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${AKID}/20150830/us-east-1/sts/aws4_request`,
    'X-Amz-Date': AMZ_DATE,
    'X-Amz-Expires': expires,
    'X-Amz-SignedHeaders': 'host',
  });

  it('accepts up to 7 days and no more', async () => {
    const week = presign(params('604800'));
    await expect(verifySigV4(week, resolve, { now: NOW + 604_800_000 })).resolves.toBeDefined();
    await expect(verifySigV4(week, resolve, { now: NOW + 604_801_000 })).rejects.toMatchObject({
      code: 'SignatureExpired',
      message: 'Request has expired',
    });
    await expect(verifySigV4(presign(params('604801')), resolve, { now: NOW })).rejects.toMatchObject({
      code: 'IncompleteSignature',
      message: 'X-Amz-Expires must be less than a week (in seconds) that is; 604800',
    });
    await expect(verifySigV4(presign(params('soon')), resolve, { now: NOW })).rejects.toMatchObject({ code: 'IncompleteSignature' });
  });

  it('requires every X-Amz-* parameter and one auth mechanism only', async () => {
    const { 'X-Amz-Expires': _omit, ...noExpires } = params('60');
    await expect(verifySigV4(presign(noExpires), resolve, { now: NOW })).rejects.toMatchObject({ code: 'IncompleteSignature' });
    const both = presign(params('60'));
    both.headers.authorization = 'AWS4-HMAC-SHA256 Credential=x';
    await expect(verifySigV4(both, resolve, { now: NOW })).rejects.toMatchObject({ code: 'IncompleteSignature' });
  });
});
