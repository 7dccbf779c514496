import { isIP } from 'node:net';
import { isIpOrRange } from '../core/ip-ranges.js';
import { envName, serveOptions, type OptionSpec, type ServeConfig } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Raw = Partial<Record<keyof typeof serveOptions, string | undefined>>;

function pick(name: keyof typeof serveOptions, flags: Raw, env: NodeJS.ProcessEnv): string | undefined {
  return flags[name] ?? env[envName(name)] ?? undefined;
}

function coerce(name: string, spec: OptionSpec, value: string | undefined): string | number | undefined {
  const v = value ?? spec.default;
  if (v === undefined) return undefined;
  if (spec.type === 'integer') {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--${name} must be a non-negative integer, got ${String(v)}`);
    return n;
  }
  const s = String(v);
  if (spec.type === 'enum' && !spec.values?.includes(s)) {
    throw new ConfigError(`--${name} must be one of ${spec.values?.join(', ')}, got ${s}`);
  }
  return s;
}

/** Flags win over env vars, env vars over defaults. */
export function loadServeConfig(flags: Raw, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const get = (name: keyof typeof serveOptions): string | number | undefined =>
    coerce(name, serveOptions[name], pick(name, flags, env));
  const port = get('port') as number;
  if (port > 65535) throw new ConfigError(`--port must be at most 65535, got ${port}`);
  const host = get('host') as string;
  const tls = get('tls') as ServeConfig['tls'];
  const accountId = get('account-id') as string;
  if (!/^\d{12}$/.test(accountId)) throw new ConfigError(`--account-id must be 12 digits, got ${accountId}`);
  const region = get('region') as string;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new ConfigError(`--region is not a region name: ${region}`);
  const databaseUrl = get('database-url') as string | undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('--database-url must be a postgres:// URL');
  }
  const issuerFlag = get('issuer') as string | undefined;
  const issuer = issuerFlag ?? defaultIssuer(tls, host, port);
  if (!/^https?:\/\/[^/]+/.test(issuer)) throw new ConfigError(`--issuer must be an http(s) URL, got ${issuer}`);
  const trustProxy = trustedProxies(get('trust-proxy') as string | undefined);
  return {
    port,
    host,
    data: get('data') as string,
    databaseUrl,
    issuer: issuer.replace(/\/+$/, ''),
    issuerExplicit: issuerFlag !== undefined,
    region,
    accountId,
    tls,
    workers: get('workers') as number,
    bodyLimit: get('body-limit') as number,
    logLevel: get('log-level') as ServeConfig['logLevel'],
    sqliteSynchronous: get('sqlite-synchronous') as ServeConfig['sqliteSynchronous'],
    trustProxy,
    auth0RateLimits: {
      global: get('auth0-rate-limit') as number,
      signup: get('auth0-signup-rate-limit') as number,
      changePassword: get('auth0-change-password-rate-limit') as number,
    },
  };
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `--trust-proxy`: IPs, CIDRs or named ranges; anything else refuses to start (a typo must not trust nothing silently, or everyone). */
function trustedProxies(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    if (NAMED_RANGES.has(entry)) continue;
    if (!isIpOrRange(entry)) throw new ConfigError(`--trust-proxy: not an IP, CIDR or one of ${[...NAMED_RANGES].join(', ')}: ${entry}`);
  }
  return entries;
}

export function defaultIssuer(tls: 'off' | 'auto', host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? 'localhost' : isIP(host) === 6 ? `[${host}]` : host;
  return `${tls === 'auto' ? 'https' : 'http'}://${h === '127.0.0.1' && tls === 'auto' ? 'localhost' : h}:${port}`;
}

/** `--help` text generated from the schema. */
export function serveHelp(): string {
  const lines = Object.entries(serveOptions).map(([name, spec]: [string, OptionSpec]) => {
    const def = spec.default === undefined ? '' : ` (default: ${String(spec.default)})`;
    const vals = spec.values ? ` [${spec.values.join('|')}]` : '';
    return `  --${name}${vals}\n      ${spec.doc}${def}\n      env: ${envName(name)}`;
  });
  return lines.join('\n');
}
