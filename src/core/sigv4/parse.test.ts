import { describe, expect, it } from 'vitest';
import { credentialScope, hasSigV4, parseAuthorizationHeader } from './index.js';

const AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
const QUERY =
  'Action=ListUsers&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z';

describe('hasSigV4', () => {
  it('sees the Authorization header form and the presigned form', () => {
    expect(hasSigV4({ headers: { authorization: AUTH }, rawQuery: '' })).toBe(true);
    expect(hasSigV4({ headers: {}, rawQuery: QUERY })).toBe(true);
    expect(hasSigV4({ headers: {}, rawQuery: 'X-Amz-Credential=a%2Fb' })).toBe(true);
  });

  it('ignores other schemes and unrelated X-Amz-* parameters', () => {
    expect(hasSigV4({ headers: { authorization: 'Bearer abc' }, rawQuery: '' })).toBe(false);
    expect(hasSigV4({ headers: {}, rawQuery: 'X-Amz-Date=20150830T123600Z' })).toBe(false);
    expect(hasSigV4({ headers: {}, rawQuery: '' })).toBe(false);
  });
});

describe('credentialScope', () => {
  it('reads the scope from either form without verifying anything', () => {
    expect(credentialScope({ headers: { authorization: AUTH }, rawQuery: '' })).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'iam',
    });
    expect(credentialScope({ headers: {}, rawQuery: QUERY })?.service).toBe('sts');
    expect(credentialScope({ headers: { authorization: [AUTH] }, rawQuery: '' })?.service).toBe('iam');
  });

  it('is undefined when there is nothing parseable', () => {
    expect(credentialScope({ headers: {}, rawQuery: '' })).toBeUndefined();
    expect(credentialScope({ headers: { authorization: 'Bearer x' }, rawQuery: '' })).toBeUndefined();
    expect(credentialScope({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=a/b' }, rawQuery: '' })).toBeUndefined();
    expect(credentialScope({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential' }, rawQuery: '' })).toBeUndefined();
  });
});

describe('parseAuthorizationHeader', () => {
  it('takes fields in any order, with or without spaces, ignoring unknown ones', () => {
    expect(parseAuthorizationHeader('AWS4-HMAC-SHA256 Signature=s,Foo=bar,SignedHeaders=host,Credential=c')).toEqual({
      algorithm: 'AWS4-HMAC-SHA256',
      credential: 'c',
      signedHeaders: 'host',
      signature: 's',
    });
  });

  it('returns no fields for another algorithm', () => {
    expect(parseAuthorizationHeader('AWS4-ECDSA-P256-SHA256 Credential=c')).toEqual({ algorithm: 'AWS4-ECDSA-P256-SHA256' });
    expect(parseAuthorizationHeader('AWS AKID:sig')).toEqual({ algorithm: 'AWS' });
  });
});
