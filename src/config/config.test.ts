import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configMarkdownTable } from './docs.js';
import { ConfigError, loadServeConfig, serveHelp } from './load.js';
import { serveOptions } from './schema.js';

describe('the one configuration schema', () => {
  it('applies defaults, env vars and flags, in that order of precedence', () => {
    const defaults = loadServeConfig({}, {});
    expect(defaults.port).toBe(8443);
    expect(defaults.region).toBe('us-east-1');
    expect(defaults.issuer).toBe('http://127.0.0.1:8443');
    expect(defaults.issuerExplicit).toBe(false);
    const env = loadServeConfig({}, { COGNATE_PORT: '9000', COGNATE_REGION: 'eu-west-1' });
    expect([env.port, env.region]).toEqual([9000, 'eu-west-1']);
    const flags = loadServeConfig({ port: '9100' }, { COGNATE_PORT: '9000' });
    expect(flags.port).toBe(9100);
    expect(loadServeConfig({ tls: 'auto', port: '9443' }, {}).issuer).toBe('https://localhost:9443');
    expect(loadServeConfig({ issuer: 'https://id.example.com/' }, {}).issuer).toBe('https://id.example.com');
  });

  it('refuses invalid values with a message naming the flag', () => {
    expect(() => loadServeConfig({ port: 'x' }, {})).toThrow(ConfigError);
    expect(() => loadServeConfig({ port: '70000' }, {})).toThrow(/--port/);
    expect(() => loadServeConfig({ tls: 'maybe' }, {})).toThrow(/--tls must be one of off, auto/);
    expect(() => loadServeConfig({ 'account-id': '1234' }, {})).toThrow(/12 digits/);
    expect(() => loadServeConfig({ region: 'mars' }, {})).toThrow(/region/);
    expect(() => loadServeConfig({ 'database-url': 'mysql://x' }, {})).toThrow(/postgres/);
    for (const bad of ['10.0.0.0/33', 'everyone', '10.0.0.1/8/1', '::1/129', 'true']) expect(() => loadServeConfig({ 'trust-proxy': bad }, {}), bad).toThrow(/--trust-proxy/);
    expect(loadServeConfig({ 'trust-proxy': ' 10.0.0.0/8, loopback,2001:db8::1 ' }, {}).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '2001:db8::1']);
    expect(loadServeConfig({}, {}).trustProxy).toEqual([]);
  });

  it('documents every option in --help and in the README, generated from the schema', () => {
    const help = serveHelp();
    for (const name of Object.keys(serveOptions)) expect(help).toContain(`--${name}`);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(configMarkdownTable());
  });
});
