import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../errors.js';
import {
  canonicalRequest,
  canonicalUri,
  deriveSigningKey,
  extractAuth,
  payloadHash,
  signature,
  stringToSign,
  verifySigV4,
  type CredentialResolver,
  type SignedRequest,
  type VerifyOptions,
} from './index.js';

// The official SigV4 suite (awslabs/aws-c-auth, v4), checked in as data: one folder per case.
const ROOT = fileURLToPath(new URL('../../../test/vectors/sigv4/', import.meta.url));

interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  timestamp: string;
  omit_session_token?: boolean;
}

/**
 * Parses a raw HTTP/1.1 request as the suite writes it: a request line whose target may
 * hold spaces, headers (a line starting with whitespace continues the previous value),
 * a blank line, the body. Repeated headers become arrays, as `headersDistinct` gives them.
 */
function parseHttp(text: string): SignedRequest {
  const sep = text.indexOf('\n\n');
  const head = (sep === -1 ? text : text.slice(0, sep)).replace(/\n+$/, '');
  const body = sep === -1 ? '' : text.slice(sep + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
  const q = target.indexOf('?');
  const entries: [string, string][] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && entries.length > 0) {
      entries[entries.length - 1]![1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    entries.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1)]);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of entries) {
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return {
    method: requestLine.slice(0, requestLine.indexOf(' ')),
    rawPath: q === -1 ? target : target.slice(0, q),
    rawQuery: q === -1 ? '' : target.slice(q + 1),
    headers,
    body: Buffer.from(body, 'utf8'),
  };
}

const read = (dir: string, file: string): string => readFileSync(join(ROOT, dir, file), 'utf8');

const cases = readdirSync(ROOT).filter((name) => statSync(join(ROOT, name)).isDirectory());

const resolverFor =
  (ctx: Context, secret = ctx.credentials.secret_access_key): CredentialResolver =>
  (accessKeyId, sessionToken) => {
    if (accessKeyId !== ctx.credentials.access_key_id) return undefined;
    if (ctx.credentials.token !== undefined && sessionToken !== ctx.credentials.token) {
      throw new AppError('InvalidClientTokenId', 'The security token included in the request is invalid');
    }
    return { secretAccessKey: secret, principal: { accessKeyId } };
  };

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

const clone = (req: SignedRequest): SignedRequest => ({ ...req, headers: { ...req.headers } });

/** Flips the first hex digit of the signature, wherever the request carries it. */
function flipSignature(req: SignedRequest): SignedRequest {
  const out = clone(req);
  const flip = (sig: string): string => (sig[0] === '0' ? '1' : '0') + sig.slice(1);
  const auth = out.headers.authorization;
  if (typeof auth === 'string') {
    const at = auth.indexOf('Signature=') + 'Signature='.length;
    out.headers.authorization = auth.slice(0, at) + flip(auth.slice(at));
  } else {
    out.rawQuery = out.rawQuery.replace(/X-Amz-Signature=([0-9a-f]+)/, (_, sig: string) => `X-Amz-Signature=${flip(sig)}`);
  }
  return out;
}

it('finds the whole suite', () => {
  expect(cases.length).toBeGreaterThanOrEqual(38);
  expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License');
});

describe.each(cases)('SigV4 vector %s', (dir) => {
  const ctx = JSON.parse(read(dir, 'context.json')) as Context;
  const now = Date.parse(ctx.timestamp);
  const unsigned = parseHttp(read(dir, 'request.txt'));
  const options: VerifyOptions = { now, normalizePath: ctx.normalize };
  const resolve = resolverFor(ctx);

  describe.each(['header', 'query'] as const)('%s form', (form) => {
    const signed = parseHttp(read(dir, `${form}-signed-request.txt`));

    it('is request.txt plus signing material', () => {
      expect(signed.method).toBe(unsigned.method);
      expect(signed.rawPath).toBe(unsigned.rawPath);
      expect(signed.body.equals(unsigned.body)).toBe(true);
      for (const [name, value] of Object.entries(unsigned.headers)) expect(signed.headers[name]).toEqual(value);
    });

    it('builds the canonical request, string to sign and signature of the vector', () => {
      const auth = extractAuth(signed);
      const creq = canonicalRequest(signed, {
        signedHeaders: auth.signedHeaders,
        payloadHash: payloadHash(signed),
        normalizePath: ctx.normalize,
        omitSecurityTokenParam: form === 'query' && ctx.omit_session_token === true,
      });
      expect(creq).toBe(read(dir, `${form}-canonical-request.txt`));
      const sts = stringToSign(auth.amzDate, auth.credential.scope, creq);
      expect(sts).toBe(read(dir, `${form}-string-to-sign.txt`));
      const { date, region, service } = auth.credential;
      const key = deriveSigningKey(ctx.credentials.secret_access_key, date, region, service);
      expect(signature(key, sts)).toBe(read(dir, `${form}-signature.txt`).trim());
      expect(auth.signature).toBe(read(dir, `${form}-signature.txt`).trim());
    });

    it('verifies end to end', async () => {
      const verified = await verifySigV4(signed, resolve, options);
      expect(verified).toMatchObject({
        accessKeyId: ctx.credentials.access_key_id,
        date: '20150830',
        region: ctx.region,
        service: ctx.service,
        credential: { principal: { accessKeyId: ctx.credentials.access_key_id } },
      });
      expect(verified.sessionToken).toBe(ctx.credentials.token);
    });

    it('verifies with the default (normalizing) options unless the case is unnormalized and normalizing changes it', async () => {
      const same = canonicalUri(signed.rawPath, true) === canonicalUri(signed.rawPath, false);
      const expected = ctx.normalize || same ? 'ok' : 'SignatureDoesNotMatch';
      expect(await codeOf(verifySigV4(signed, resolve, { now }))).toBe(expected);
    });

    it('rejects any single change to the request', async () => {
      const mismatch = async (req: SignedRequest): Promise<void> => {
        expect(await codeOf(verifySigV4(req, resolve, options))).toBe('SignatureDoesNotMatch');
      };
      await mismatch({ ...signed, method: signed.method === 'GET' ? 'POST' : 'GET' });
      await mismatch({ ...signed, rawPath: `/tampered${signed.rawPath}` });
      await mismatch({ ...signed, rawQuery: signed.rawQuery === '' ? 'Extra=1' : `${signed.rawQuery}&Extra=1` });
      await mismatch({ ...signed, headers: { ...signed.headers, host: 'example.amazonaws.com.evil' } });
      await mismatch({ ...signed, body: Buffer.concat([signed.body, Buffer.from('x')]) });
      await mismatch(flipSignature(signed));
      expect(await codeOf(verifySigV4(signed, resolverFor(ctx, `${ctx.credentials.secret_access_key}x`), options))).toBe(
        'SignatureDoesNotMatch',
      );
      if (form === 'header') {
        await mismatch({ ...signed, headers: { ...signed.headers, 'x-amz-date': '20150830T123601Z' } });
      } else {
        await mismatch({ ...signed, rawQuery: signed.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601') });
      }
    });

    it('rejects requests outside the time window', async () => {
      const at = async (ms: number): Promise<ErrorCode | 'ok'> => codeOf(verifySigV4(signed, resolve, { ...options, now: ms }));
      const min16 = 16 * 60 * 1000;
      expect(await at(now - min16)).toBe('SignatureExpired');
      expect(await at(now - 14 * 60 * 1000)).toBe('ok');
      if (form === 'header') {
        expect(await at(now + min16)).toBe('SignatureExpired');
        expect(await at(now + 14 * 60 * 1000)).toBe('ok');
      } else {
        expect(await at(now + ctx.expiration_in_seconds * 1000)).toBe('ok');
        expect(await at(now + ctx.expiration_in_seconds * 1000 + 1000)).toBe('SignatureExpired');
      }
    });

    it('rejects an unknown key and, when the case has one, a wrong session token', async () => {
      expect(await codeOf(verifySigV4(signed, () => undefined, options))).toBe('InvalidClientTokenId');
      if (ctx.credentials.token !== undefined) {
        const wrong = resolverFor({ ...ctx, credentials: { ...ctx.credentials, token: 'other' } });
        expect(await codeOf(verifySigV4(signed, wrong, options))).toBe('InvalidClientTokenId');
      }
    });
  });
});
