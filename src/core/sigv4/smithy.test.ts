import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest as IHttpRequest, SourceData } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { verifySigV4, type ResolvedCredential, type SignedRequest } from './index.js';

// Cross-check against the signer every @aws-sdk v3 client uses: whatever it signs, we accept.

const toBytes = (data: SourceData): Uint8Array =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 / HMAC-SHA-256 over node:crypto, in the shape @smithy/signature-v4 expects. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(this.secret));
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

const SIGNING_DATE = new Date('2024-05-01T10:20:30Z');
const LONG_TERM = { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'tmpSecret/With+Plus=AndSlash0123456789ab',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/specials==',
};

type Query = Record<string, string | string[]>;

/** What the SDK puts on the wire: @smithy/querystring-builder's strict escaping. */
const strict = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** A looser client that leaves `/`, `=`, `+`, `:` and `,` unescaped in values. */
const loose = (s: string): string =>
  strict(s).replace(/%(2F|3D|2B|3A|2C)/g, (m) => decodeURIComponent(m));

function wireQuery(query: Query, escapeValue: (s: string) => string): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${strict(name)}=${escapeValue(v)}`);
  }
  return parts.join('&');
}

interface Case {
  name: string;
  service: string;
  method: string;
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: string;
}

const cases: Case[] = [
  {
    name: 'Cognito Sync ListRecords (":" in path labels, "+/=" in a query value)',
    service: 'cognito-sync',
    method: 'GET',
    path: '/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/ds.1/records',
    query: { lastSyncCount: '0', maxResults: '10', nextToken: 'a+b/c==', syncSessionToken: '' },
  },
  {
    name: 'Cognito Sync UpdateRecords (POST with JSON body)',
    service: 'cognito-sync',
    method: 'POST',
    path: '/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/my%20data/records',
    headers: { 'content-type': 'application/json', 'x-amz-client-context': 'eyJjIjoxfQ==' },
    body: JSON.stringify({ SyncSessionToken: 't', RecordPatches: [{ Op: 'replace', Key: 'k', Value: 'ü', SyncCount: 0 }] }),
  },
  {
    name: 'a "%" in a path label (already escaped as %25)',
    service: 'cognito-sync',
    method: 'DELETE',
    path: '/identitypools/us-east-1%3Aabc/identities/us-east-1%3Adef/datasets/100%25done',
  },
  {
    name: 'unicode in the path, escaped and raw',
    service: 'cognito-sync',
    method: 'GET',
    path: '/datasets/%E1%88%B4/caf%C3%A9/ሴ/😀',
  },
  {
    name: 'dot segments and repeated slashes',
    service: 'cognito-sync',
    method: 'GET',
    path: '/a/./b/../c//d/',
  },
  {
    name: 'awsJson1_1 (Cognito Identity GetId)',
    service: 'cognito-identity',
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityService.GetId',
      'x-amz-user-agent': 'aws-sdk-js/3.0.0  ua/2.1   os/linux',
    },
    body: '{"IdentityPoolId":"us-east-1:abc"}',
  },
  {
    name: 'awsQuery form body (STS GetCallerIdentity)',
    service: 'sts',
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  },
  {
    name: 'query with repeated, empty, unicode and reserved characters',
    service: 'iam',
    method: 'GET',
    path: '/',
    query: { Action: 'ListUsers', b: ['2', '1', ''], empty: '', 'ü key': 'v a/l+u=e&x', PathPrefix: '/division_abc/' },
  },
];

function request(c: Case, host: string): HttpRequest {
  return new HttpRequest({
    method: c.method,
    protocol: 'https:',
    hostname: host,
    path: c.path,
    query: c.query ?? {},
    headers: { host, ...c.headers },
    ...(c.body === undefined ? {} : { body: c.body }),
  });
}

/** The request as our server would see it arrive. */
function received(signed: IHttpRequest, query: string, body: string | undefined): SignedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { method: signed.method, rawPath: signed.path, rawQuery: query, headers, body: Buffer.from(body ?? '', 'utf8') };
}

const resolverFor =
  (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
  (accessKeyId: string, sessionToken: string | undefined): ResolvedCredential | undefined => {
    if (accessKeyId !== creds.accessKeyId) return undefined;
    if (sessionToken !== creds.sessionToken) throw new AppError('InvalidClientTokenId', 'bad token');
    return { secretAccessKey: creds.secretAccessKey, principal: accessKeyId, expiresAt: SIGNING_DATE.getTime() + 3_600_000 };
  };

describe.each([
  ['long-term key', LONG_TERM],
  ['temporary key with session token', TEMPORARY],
] as const)('@smithy/signature-v4 cross-check, %s', (_, creds) => {
  describe.each(cases)('$name', (c) => {
    const host = `${c.service}.us-east-1.amazonaws.com`;
    const signer = new SignatureV4({ service: c.service, region: 'us-east-1', credentials: creds, sha256: NodeSha256 });
    const now = SIGNING_DATE.getTime() + 90_000;
    const options = { now, expectedService: c.service };
    const resolve = resolverFor(creds);

    it.each([
      ['strictly', strict],
      ['loosely', loose],
    ] as const)('accepts the signed request with its query escaped %s', async (_how, escape) => {
      const signed = await signer.sign(request(c, host), { signingDate: SIGNING_DATE });
      const req = received(signed, wireQuery(signed.query as Query, escape), c.body);
      const verified = await verifySigV4(req, resolve, options);
      expect(verified).toMatchObject({ accessKeyId: creds.accessKeyId, region: 'us-east-1', service: c.service });
      expect(verified.sessionToken).toBe('sessionToken' in creds ? creds.sessionToken : undefined);
      expect(verified.signedHeaders).toContain('host');
    });

    it('accepts the presigned URL and rejects it once expired', async () => {
      const presigned = await signer.presign(request(c, host), { signingDate: SIGNING_DATE, expiresIn: 300 });
      const req = received(presigned, wireQuery(presigned.query as Query, strict), c.body);
      await expect(verifySigV4(req, resolve, options)).resolves.toMatchObject({ accessKeyId: creds.accessKeyId });
      await expect(verifySigV4(req, resolve, { ...options, now: SIGNING_DATE.getTime() + 301_000 })).rejects.toMatchObject({
        code: 'SignatureExpired',
      });
    });

    it('rejects the signed request with a changed body or path', async () => {
      const signed = await signer.sign(request(c, host), { signingDate: SIGNING_DATE });
      const query = wireQuery(signed.query as Query, strict);
      const tampered = received(signed, query, `${c.body ?? ''} `);
      await expect(verifySigV4(tampered, resolve, options)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
      const moved = { ...received(signed, query, c.body), rawPath: `${c.path}x` };
      await expect(verifySigV4(moved, resolve, options)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    });
  });
});

describe('@smithy/signature-v4 cross-check, edge cases', () => {
  it('rejects a temporary key signed without its session token', async () => {
    const { accessKeyId, secretAccessKey } = TEMPORARY;
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, sha256: NodeSha256 });
    const signed = await signer.sign(request(cases[6]!, 'sts.amazonaws.com'), { signingDate: SIGNING_DATE });
    const req = received(signed, '', cases[6]!.body);
    await expect(verifySigV4(req, resolverFor(TEMPORARY), { now: SIGNING_DATE.getTime() })).rejects.toMatchObject({
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
    });
  });

  it('rejects temporary credentials past their expiry', async () => {
    const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: TEMPORARY, sha256: NodeSha256 });
    const signed = await signer.sign(request(cases[6]!, 'sts.amazonaws.com'), { signingDate: SIGNING_DATE });
    const req = received(signed, '', cases[6]!.body);
    const expired = (): ResolvedCredential => ({ secretAccessKey: TEMPORARY.secretAccessKey, principal: 1, expiresAt: SIGNING_DATE.getTime() });
    await expect(verifySigV4(req, expired, { now: SIGNING_DATE.getTime() })).rejects.toMatchObject({
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
    });
  });

  it('rejects a request signed for another service', async () => {
    const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: LONG_TERM, sha256: NodeSha256 });
    const signed = await signer.sign(request(cases[6]!, 'sts.amazonaws.com'), { signingDate: SIGNING_DATE });
    const req = received(signed, '', cases[6]!.body);
    await expect(verifySigV4(req, resolverFor(LONG_TERM), { now: SIGNING_DATE.getTime(), expectedService: 'sts' })).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to correct service: 'sts'. ",
    });
  });
});
