import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import { decodeJsonValue, encodeJson } from './json-codec.js';
import { loadModel } from './model.js';
import { decodeQuery } from './query.js';
import { validateInput } from './validate.js';
import { encodeQueryError, encodeQueryResponse } from './xml.js';

const iam = loadModel('iam');
const identity = loadModel('cognito-identity');

describe('awsQuery decoding by model', () => {
  it('decodes lists, structures and scalars as SDK v3 sends them', () => {
    const params = new URLSearchParams(
      'Action=CreateOpenIDConnectProvider&Version=2010-05-08&Url=https%3A%2F%2Fidp.example.com%2Frealm&ClientIDList.member.1=app1&ClientIDList.member.2=app2&ThumbprintList.member.1=0123456789012345678901234567890123456789&Tags.member.1.Key=k&Tags.member.1.Value=v',
    );
    expect(decodeQuery(iam, 'CreateOpenIDConnectProviderRequest', params)).toEqual({
      Url: 'https://idp.example.com/realm',
      ClientIDList: ['app1', 'app2'],
      ThumbprintList: ['0123456789012345678901234567890123456789'],
      Tags: [{ Key: 'k', Value: 'v' }],
    });
  });

  it('parses integers and booleans and rejects malformed ones', () => {
    expect(decodeQuery(iam, 'ListRolesRequest', new URLSearchParams('MaxItems=5'))).toEqual({ MaxItems: 5 });
    expect(() => decodeQuery(iam, 'ListRolesRequest', new URLSearchParams('MaxItems=five'))).toThrow(AppError);
  });

  it('treats `Name=` as an empty list', () => {
    expect(decodeQuery(iam, 'CreateOpenIDConnectProviderRequest', new URLSearchParams('Url=u&ClientIDList='))).toEqual({ Url: 'u', ClientIDList: [] });
  });
});

describe('validation messages in AWS phrasing', () => {
  it('reports required, length and pattern failures with camelCase member paths', () => {
    const msg = validateInput(identity, 'CreateIdentityPoolInput', { IdentityPoolName: 'bad/name', AllowUnauthenticatedIdentities: undefined });
    expect(msg).toBe(
      "2 validation errors detected: Value 'bad/name' at 'identityPoolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+; Value null at 'allowUnauthenticatedIdentities' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks numeric ranges', () => {
    expect(validateInput(identity, 'ListIdentityPoolsInput', { MaxResults: 61 })).toBe(
      "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
    expect(validateInput(identity, 'ListIdentityPoolsInput', { MaxResults: 60 })).toBeUndefined();
  });
});

describe('awsJson1_1 values', () => {
  it('turns epoch-second numbers into Dates and back', () => {
    const out = decodeJsonValue(identity, 'GetIdInput', { IdentityPoolId: 'us-east-1:abc', Logins: { a: 'b' }, Unknown: 1 });
    expect(out).toEqual({ IdentityPoolId: 'us-east-1:abc', Logins: { a: 'b' } });
    expect(encodeJson({ Expiration: new Date(1_700_000_000_500), Skip: undefined })).toBe('{"Expiration":1700000000.5}');
  });

  it('rejects a value of the wrong JSON type as SerializationException', () => {
    try {
      decodeJsonValue(identity, 'GetIdInput', { IdentityPoolId: 5 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).wireName).toBe('SerializationException');
    }
  });
});

describe('awsQuery XML', () => {
  it('writes the result in model order with members, ISO dates and escaping', () => {
    const xml = encodeQueryResponse(
      iam,
      'GetOpenIDConnectProvider',
      { Url: 'idp.example.com/a&b', ClientIDList: ['x'], CreateDate: new Date('2026-01-01T12:00:00.123Z'), ThumbprintList: [] },
      'req-1',
    );
    expect(xml).toBe(
      '<GetOpenIDConnectProviderResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetOpenIDConnectProviderResult><Url>idp.example.com/a&amp;b</Url><ClientIDList><member>x</member></ClientIDList><ThumbprintList></ThumbprintList><CreateDate>2026-01-01T12:00:00Z</CreateDate></GetOpenIDConnectProviderResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetOpenIDConnectProviderResponse>',
    );
  });

  it('writes operations without output as metadata only, and error envelopes', () => {
    expect(encodeQueryResponse(iam, 'DeleteRole', undefined, 'r')).toBe(
      '<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>',
    );
    expect(encodeQueryError('ns', 'NoSuchEntity', 'a <b>', 'r', true)).toBe(
      '<ErrorResponse xmlns="ns"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>a &lt;b&gt;</Message></Error><RequestId>r</RequestId></ErrorResponse>',
    );
  });
});
