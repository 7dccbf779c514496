import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { loadModel } from './model.js';
import { operation } from './operation.js';
import type { ServiceModel } from './model.js';
import { decodeRestJsonInput, dispatchRestJson, encodeRestJsonOutput, matchRestJson } from './rest-json.js';
import type { AwsHttpRequest, AwsSurface, DispatchDeps } from './surface.js';

const model = loadModel('cognito-sync');
const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const ID = 'us-east-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const enc = (s: string) => encodeURIComponent(s);

function surface(ops: AwsSurface['operations'] = {}): AwsSurface {
  return { model, protocol: 'restJson1', signingName: 'cognito-sync', operations: ops, errors: { InvalidParameter: { name: 'InvalidParameterException', status: 400 }, Conflict: { name: 'ResourceConflictException', status: 400 } }, internalErrorName: 'InternalErrorException' };
}

function request(method: string, url: string, body = '', headers: Record<string, string> = {}): AwsHttpRequest {
  const q = url.indexOf('?');
  return {
    method,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers,
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: Buffer.from(body),
    sourceIp: '127.0.0.1',
  };
}

const deps: DispatchDeps = {
  authenticate: async () => ({ principal: undefined, region: 'us-east-1' }),
  now: () => 1_700_000_000_000,
  requestId: () => 'req-1',
  onInternalError: () => undefined,
};

describe('matchRestJson', () => {
  it('matches requestUri templates and decodes the percent-encoded labels', () => {
    const s = surface();
    expect(matchRestJson(s, 'GET', `/identitypools/${enc(POOL)}/identities/${enc(ID)}/datasets/ds.1/records`)).toEqual({
      name: 'ListRecords',
      pathParams: { IdentityPoolId: POOL, IdentityId: ID, DatasetName: 'ds.1' },
    });
    expect(matchRestJson(s, 'POST', `/identitypools/${enc(POOL)}/identities/${enc(ID)}/datasets/ds`)?.name).toBe('UpdateRecords');
    expect(matchRestJson(s, 'DELETE', `/identitypools/${enc(POOL)}/identities/${enc(ID)}/datasets/ds`)?.name).toBe('DeleteDataset');
    expect(matchRestJson(s, 'GET', `/identitypools/${enc(POOL)}/identities/${enc(ID)}/datasets/ds`)?.name).toBe('DescribeDataset');
    expect(matchRestJson(s, 'GET', '/identitypools')?.name).toBe('ListIdentityPoolUsage');
    expect(matchRestJson(s, 'GET', `/identitypools/${enc(POOL)}`)?.name).toBe('DescribeIdentityPoolUsage');
  });

  it('prefers literal segments and keeps the singular /identity/ path of RegisterDevice apart', () => {
    const s = surface();
    expect(matchRestJson(s, 'GET', `/identitypools/${POOL}/events`)?.name).toBe('GetCognitoEvents');
    expect(matchRestJson(s, 'POST', `/identitypools/${POOL}/events`)?.name).toBe('SetCognitoEvents');
    expect(matchRestJson(s, 'POST', `/identitypools/${POOL}/identity/${ID}/device`)?.name).toBe('RegisterDevice');
    expect(matchRestJson(s, 'POST', `/identitypools/${POOL}/identities/${ID}/device`)).toBeUndefined();
    expect(matchRestJson(s, 'POST', `/identitypools/${POOL}/identities/${ID}/datasets/d/subscriptions/dev-1`)?.name).toBe('SubscribeToDataset');
  });

  it('rejects wrong methods, extra segments and malformed escapes', () => {
    const s = surface();
    expect(matchRestJson(s, 'PUT', `/identitypools/${POOL}`)).toBeUndefined();
    expect(matchRestJson(s, 'GET', `/identitypools/${POOL}/identities/${ID}/datasets/d/records/x`)).toBeUndefined();
    expect(matchRestJson(s, 'GET', '/identitypools/%E0%A4%A')).toBeUndefined();
  });
});

describe('decodeRestJsonInput', () => {
  it('types query values and keeps `+` literal', () => {
    const req = request('GET', `/x?lastSyncCount=7&maxResults=1024&syncSessionToken=a%2Bb+c`);
    const input = decodeRestJsonInput(model, 'ListRecordsRequest', req, { IdentityPoolId: POOL, IdentityId: ID, DatasetName: 'd' });
    expect(input).toEqual({ IdentityPoolId: POOL, IdentityId: ID, DatasetName: 'd', LastSyncCount: 7, MaxResults: 1024, SyncSessionToken: 'a+b+c' });
  });

  it('rejects a non-integer query value as SerializationException', () => {
    expect(() => decodeRestJsonInput(model, 'ListRecordsRequest', request('GET', '/x?lastSyncCount=seven'), {})).toThrow(AppError);
  });

  it('reads header members and body members; the body cannot override path labels', () => {
    const body = JSON.stringify({
      IdentityId: 'us-east-1:ffffffff-0000-0000-0000-000000000000',
      SyncSessionToken: 'tok',
      DeviceId: 'dev',
      RecordPatches: [{ Op: 'replace', Key: 'k', SyncCount: 0, Value: 'v', DeviceLastModifiedDate: 1700000000.123 }],
    });
    const req = request('POST', '/x', body, { 'x-amz-client-context': 'Y3R4' });
    const input = decodeRestJsonInput(model, 'UpdateRecordsRequest', req, { IdentityPoolId: POOL, IdentityId: ID, DatasetName: 'd' });
    expect(input).toEqual({
      IdentityPoolId: POOL,
      IdentityId: ID,
      DatasetName: 'd',
      ClientContext: 'Y3R4',
      SyncSessionToken: 'tok',
      DeviceId: 'dev',
      RecordPatches: [{ Op: 'replace', Key: 'k', SyncCount: 0, Value: 'v', DeviceLastModifiedDate: new Date(1700000000123) }],
    });
  });
});

describe('encodeRestJsonOutput', () => {
  it('sends header-bound members as headers and the rest as the JSON body', () => {
    const synthetic: ServiceModel = {
      metadata: { apiVersion: '1', endpointPrefix: 'x', protocol: 'rest-json' },
      operations: {},
      shapes: {
        Out: {
          type: 'structure',
          members: {
            ETag: { shape: 'S', location: 'header', locationName: 'ETag' },
            When: { shape: 'T', location: 'header', locationName: 'x-when' },
            Meta: { shape: 'M', location: 'headers', locationName: 'x-meta-' },
            Code: { shape: 'I', location: 'statusCode' },
            Body: { shape: 'S' },
            At: { shape: 'T' },
          },
        },
        S: { type: 'string' },
        T: { type: 'timestamp' },
        I: { type: 'integer' },
        M: { type: 'map', key: { shape: 'S' }, value: { shape: 'S' } },
      },
    };
    const out = encodeRestJsonOutput(synthetic, 'Out', { ETag: 'abc', When: new Date(0), Meta: { a: '1' }, Code: 202, Body: 'b', At: new Date(1500), Missing: undefined });
    expect(out).toEqual({
      headers: { etag: 'abc', 'x-when': 'Thu, 01 Jan 1970 00:00:00 GMT', 'x-meta-a': '1' },
      body: '{"Body":"b","At":1.5}',
      status: 202,
    });
    expect(encodeRestJsonOutput(synthetic, undefined, undefined)).toEqual({ headers: {}, body: '{}' });
  });
});

describe('dispatchRestJson', () => {
  const listRecords = operation({
    auth: 'sigv4',
    async handle(input: { DatasetName: string }) {
      if (input.DatasetName === 'conflict') throw new AppError('Conflict', 'Current SyncCount for: k is: 2 not: 1');
      if (input.DatasetName === 'denied') throw new AppError('AccessDenied', 'User: arn is not authorized');
      if (input.DatasetName === 'boom') throw new Error('secret detail');
      return { Records: [{ Key: 'k', LastModifiedDate: new Date(1_700_000_000_500) }], Count: 1, DatasetExists: true };
    },
  });
  const s = surface({ ListRecords: listRecords, SetCognitoEvents: operation({ auth: 'sigv4', handle: async () => undefined }) });
  const path = (ds: string) => `/identitypools/${enc(POOL)}/identities/${enc(ID)}/datasets/${ds}/records`;

  it('encodes output as JSON with epoch-second timestamps', async () => {
    const res = await dispatchRestJson(s, request('GET', path('ok')), deps);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-amzn-requestid']).toBe('req-1');
    expect(JSON.parse(res.body)).toEqual({ Records: [{ Key: 'k', LastModifiedDate: 1700000000.5 }], Count: 1, DatasetExists: true });
  });

  it('answers an operation without output with an empty JSON object', async () => {
    const res = await dispatchRestJson(s, request('POST', `/identitypools/${enc(POOL)}/events`, '{"Events":{"SyncTrigger":"arn"}}'), deps);
    expect(res).toMatchObject({ status: 200, body: '{}' });
  });

  it('takes the status of a modeled error from the model and sends header and body names', async () => {
    const res = await dispatchRestJson(s, request('GET', path('conflict')), deps);
    expect(res.status).toBe(409);
    expect(res.headers['x-amzn-errortype']).toBe('ResourceConflictException:');
    expect(JSON.parse(res.body)).toEqual({ __type: 'ResourceConflictException', message: 'Current SyncCount for: k is: 2 not: 1' });
  });

  it('renders AccessDeniedException (not in the model) as 403', async () => {
    const res = await dispatchRestJson(s, request('GET', path('denied')), deps);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).__type).toBe('AccessDeniedException');
  });

  it('hides internal errors', async () => {
    const res = await dispatchRestJson(s, request('GET', path('boom')), deps);
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('secret');
    expect(JSON.parse(res.body).__type).toBe('InternalErrorException');
  });

  it('answers unknown routes with 404 UnknownOperationException', async () => {
    const res = await dispatchRestJson(s, request('GET', '/identitypools/x/nothing/here'), deps);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).__type).toBe('UnknownOperationException');
  });

  it('reports model validation failures in AWS phrasing', async () => {
    const res = await dispatchRestJson(s, request('GET', path('bad%2Fname')), deps);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).message).toBe(
      "1 validation error detected: Value 'bad/name' at 'datasetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+",
    );
  });

  it('authenticates before decoding', async () => {
    const failing: DispatchDeps = { ...deps, authenticate: () => Promise.reject(new AppError('MissingAuthenticationToken', 'Missing Authentication Token')) };
    const res = await dispatchRestJson(s, request('GET', `${path('ok')}?lastSyncCount=nope`), failing);
    expect(res.status).toBe(403);
    expect(res.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException:');
  });
});
