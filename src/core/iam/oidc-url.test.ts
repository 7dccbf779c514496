import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { parseProviderUrl } from './oidc-url.js';

const failure = (url: string): { code: string; message: string } => {
  try {
    parseProviderUrl(url);
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${url} was accepted`);
};

describe('parseProviderUrl', () => {
  it('keeps the URL after the scheme exactly, path, case and trailing slash included', () => {
    expect(parseProviderUrl('https://IdP.Example.com/Realms/Dev/')).toEqual({ key: 'IdP.Example.com/Realms/Dev/', scheme: 'https', host: 'IdP.Example.com' });
    expect(parseProviderUrl('https://idp.example.com').key).toBe('idp.example.com');
  });

  it('accepts ports and IP literals', () => {
    expect(parseProviderUrl('https://idp.example.com:8443/a').key).toBe('idp.example.com:8443/a');
    expect(parseProviderUrl('https://10.0.0.1').host).toBe('10.0.0.1');
    expect(parseProviderUrl('https://[2001:db8::1]:443').host).toBe('2001:db8::1');
  });

  it('accepts http only for loopback hosts', () => {
    for (const url of ['http://localhost:3000', 'http://127.0.0.1', 'http://127.9.9.9:1/x', 'http://[::1]:80']) {
      expect(parseProviderUrl(url).scheme).toBe('http');
    }
    expect(failure('http://example.com')).toEqual({ code: 'InvalidParameter', message: 'Invalid Open ID Connect Provider URL. The URL must begin with https://.' });
    expect(failure('http://128.0.0.1')).toMatchObject({ code: 'InvalidParameter' });
    expect(failure('ftp://example.com')).toMatchObject({ code: 'InvalidParameter' });
  });

  it('refuses what AWS refuses, with its codes', () => {
    expect(failure('example.com')).toEqual({ code: 'ValidationError', message: 'Invalid Open ID Connect Provider URL' });
    expect(failure('https://')).toEqual({ code: 'ValidationError', message: 'Invalid Open ID Connect Provider URL' });
    expect(failure('https:///path')).toMatchObject({ code: 'ValidationError' });
    for (const url of ['https://a.com?x', 'https://a.com/#x', 'https://u@a.com', 'https://a_b.com', 'https://a.com:99999', 'https://a.com:x', 'https://a .com', 'https://-a.com']) {
      expect(failure(url)).toEqual({ code: 'InvalidParameter', message: 'Invalid Open ID Connect Provider URL.' });
    }
  });
});
